import MXGPCore
import MXGPTopology
import NIOSSL

/// One neighbour as the peering service needs it.
public struct PeeringNeighbour: Hashable, Sendable {
    public var routing: NeighbourRoutingConfig
    /// Where to connect; nil for a passive-only neighbour.
    public var address: HostPort?
    public var session: SessionConfiguration
    /// Most domains accepted from the neighbour (0: no limit), and what happens beyond it.
    public var maxDomains: UInt32
    public var maxDomainsAction: DomainLimitAction

    public init(
        routing: NeighbourRoutingConfig, address: HostPort?, session: SessionConfiguration, maxDomains: UInt32 = 0,
        maxDomainsAction: DomainLimitAction = .block
    ) {
        self.maxDomains = maxDomains
        self.maxDomainsAction = maxDomainsAction
        self.routing = routing
        self.address = address
        self.session = session
    }

    public var name: String { routing.name }
}

/// Mutual TLS material for sessions.
public struct PeeringTLS: Sendable {
    public var certificateChain: [NIOSSLCertificate]
    public var privateKey: NIOSSLPrivateKey
    public var trustRoots: [NIOSSLCertificate]
    /// Where session secrets go (labs only, `tls.key-log`); nil: nowhere.
    public var keyLog: TLSKeyLog?

    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey, trustRoots: [NIOSSLCertificate], keyLog: TLSKeyLog? = nil) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
        self.keyLog = keyLog
    }

    /// Loads PEM files: certificate (chain), private key, CA; `keyLog` is the lab's key log file.
    public static func load(certificate: String, key: String, ca: String, keyLog: String? = nil) throws -> PeeringTLS {
        PeeringTLS(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate),
            privateKey: try NIOSSLPrivateKey(file: key, format: .pem),
            trustRoots: try NIOSSLCertificate.fromPEMFile(ca),
            keyLog: keyLog.map(TLSKeyLog.init(path:)))
    }

    func configuration(server: Bool) -> TLSConfiguration {
        var config = server
            ? TLSConfiguration.makeServerConfiguration(certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            : TLSConfiguration.makeClientConfiguration()
        if !server {
            config.certificateChain = certificateChain.map { .certificate($0) }
            config.privateKey = .privateKey(privateKey)
        }
        config.minimumTLSVersion = .tlsv13
        config.trustRoots = .certificates(trustRoots)
        // Peers are identified by operator number (checked against OPEN), not by host name.
        config.certificateVerification = .noHostnameVerification
        config.keyLogCallback = keyLog?.callback
        return config
    }
}

/// Everything the peering service runs from; built from the node config.
public struct PeeringSettings: Sendable {
    public var local: LocalRoutingConfig
    public var neighbours: [PeeringNeighbour]
    public var listen: HostPort?
    public var tls: PeeringTLS?
    /// Coalescing delay before route changes are sent (like BGP's MRAI); 0 sends at once.
    public var advertisementInterval: Duration
    /// Checks origins against the registry when set.
    public var originValidator: (any OriginValidating)?
    /// When the node calls itself overloaded and marks its routes DRAINING; nil: never.
    public var overload: OverloadSettings?

    public init(
        local: LocalRoutingConfig, neighbours: [PeeringNeighbour], listen: HostPort?, tls: PeeringTLS? = nil,
        advertisementInterval: Duration = .zero, originValidator: (any OriginValidating)? = nil, overload: OverloadSettings? = nil
    ) {
        self.overload = overload
        self.local = local
        self.neighbours = neighbours
        self.listen = listen
        self.tls = tls
        self.advertisementInterval = advertisementInterval
        self.originValidator = originValidator
    }
}

extension PeeringTLS {
    /// TLS material from PEM text (certificate chain, private key, CA).
    public static func fromPEM(certificate: String, key: String, ca: String) throws -> PeeringTLS {
        PeeringTLS(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificate.utf8)),
            privateKey: try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem),
            trustRoots: try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
    }
}

extension PeeringTLS {
    /// STARTTLS for the SMTP server: the node's certificate; clients need not present one.
    public func smtpServerContext() throws -> NIOSSLContext {
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        config.minimumTLSVersion = .tlsv12
        config.certificateVerification = .none
        config.keyLogCallback = keyLog?.callback
        return try NIOSSLContext(configuration: config)
    }

    /// STARTTLS toward next hops: trusts the lab/operator CA and presents the node's certificate.
    public func smtpClientContext() throws -> NIOSSLContext {
        var config = configuration(server: false)
        config.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: config)
    }
}
