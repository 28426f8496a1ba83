import Foundation
import MXGPCore
import MXGPPKI
import MXGPTopology

extension PeeringSettings {
    /// The peering settings a node config file describes. TLS files are loaded here, and the
    /// origin registry (`origin-validation:`) is read and verified (signature, validity at
    /// `now`) unless `originValidator` is given.
    /// - Throws: the TLS loader's errors, or ``RegistryError`` for a missing, unsigned,
    ///   tampered or expired registry.
    public init(config: NodeConfig, originValidator: (any OriginValidating)? = nil, now: Date = Date()) throws {
        let tls = try config.tls.map { try PeeringTLS.load(certificate: $0.certificate, key: $0.key, ca: $0.ca, keyLog: $0.keyLog) }
        let originValidator = try originValidator
            ?? config.originValidation.map { try OriginRegistryFiles.loadVerified(registry: $0.registry, publicKey: $0.publicKey, now: now) }
        self.init(
            local: config.routingConfig,
            neighbours: zip(config.neighbours, config.neighbourRoutingConfigs).map { neighbour, routing in
                PeeringNeighbour(
                    routing: routing,
                    address: neighbour.passive ? nil : neighbour.address,
                    session: config.sessionConfiguration(for: neighbour), maxDomains: neighbour.maxDomains,
                    maxDomainsAction: neighbour.maxDomainsAction)
            },
            listen: config.listen.mxgp, tls: tls, advertisementInterval: config.timers.advertisementInterval, originValidator: originValidator,
            overload: config.overload)
    }
}
