import MXGPCore
import MXGPTopology

extension PeeringSettings {
    /// The peering settings a node config file describes (TLS files are loaded here).
    public init(config: NodeConfig, originValidator: (any OriginValidating)? = nil) throws {
        let tls = try config.tls.map { try PeeringTLS.load(certificate: $0.certificate, key: $0.key, ca: $0.ca) }
        self.init(
            local: config.routingConfig,
            neighbours: config.neighbours.map { neighbour in
                PeeringNeighbour(
                    routing: NeighbourRoutingConfig(
                        name: neighbour.name, operatorNumber: neighbour.operatorNumber,
                        relationship: neighbour.relationship, contractPrice: neighbour.contract.price),
                    address: neighbour.passive ? nil : neighbour.address,
                    session: config.sessionConfiguration(for: neighbour), maxDomains: neighbour.maxDomains,
                    maxDomainsAction: neighbour.maxDomainsAction)
            },
            listen: config.listen.mxgp, tls: tls, originValidator: originValidator)
    }
}
