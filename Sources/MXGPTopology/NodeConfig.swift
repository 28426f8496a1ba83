import MXGPCore

/// The configuration of one running node (`mxgp node --config FILE`), parsed and validated.
///
/// Read it with ``NodeConfig/parse(yaml:file:)`` or ``NodeConfig/load(path:)`` (see
/// ``NodeConfigParser`` for the YAML keys); ``NodeConfig/yamlText`` writes the normalised
/// form, with every default spelt out, which parses back to an equal value.
/// `docs/NODE.md` is the reference for every key.
public struct NodeConfig: Hashable, Sendable {
    /// The node name (`name:`), `[a-z][a-z0-9-]{0,14}`, sent in OPEN.
    public var name: String
    /// The operator number (`operator:`), 1…4294967295.
    public var operatorNumber: OperatorNumber
    /// The node's region (`region:`).
    public var region: Region
    /// The node's role (`role:`), which sets the defaults and the allowed relationships.
    public var role: NodeRole
    /// Domains this node originates (`domains:`), without duplicates, in file order.
    public var domains: [DomainName]
    /// Where the node listens (`listen:`).
    public var listen: Listen
    /// The SMTP endpoint this node announces as NEXT_HOP (`smtp-endpoint:`).
    public var smtpEndpoint: HostPort
    /// Where mail for own domains goes (`deliver-to:`): a local MTA behind this relay; nil keeps
    /// it in the node's mailboxes.
    public var deliverTo: HostPort?
    /// Clients allowed to submit mail for relaying (`local-networks:`).
    public var localNetworks: [IPNetwork]
    /// The MXGP neighbours (`neighbours:`), in file order.
    public var neighbours: [NeighbourConfig]
    /// Import and export policy (`policy:`), in ``PolicyYAML`` syntax.
    public var policy: NodePolicy
    /// Regions whose mail this node refuses (`refuse-regions:`), announced as REGION_POLICY.
    public var refuseRegions: [Region]
    /// Session timers (`timers:`).
    public var timers: Timers
    /// Certificate files for mutual TLS (`tls:`); nil runs sessions in clear text.
    public var tls: TLSFiles?
    /// The signed origin registry and its public key (`origin-validation:`); nil validates no origins.
    public var originValidation: OriginValidationFiles?
    /// The state folder: queue, mailboxes, ledger (`store:`).
    public var store: String
    /// The least severe log level printed (`log-level:`).
    public var logLevel: LogLevel
    /// When the node calls itself overloaded and announces DRAINING (`overload:`); nil: never.
    public var overload: OverloadSettings?
    /// Destination countries this node will not deliver to (`refuse-destinations:`): it
    /// exports no route for a domain whose registry country is one of them.
    public var refuseDestinations: [Country] = []
    /// How the node learns the complaint rate it weighs chargebacks with
    /// (`expected-complaint-rate:`, `complaint-rate-weight:`).
    public var complaintRate = ComplaintRateSettings()

    /// Creates a config; defaults follow `docs/NODE.md` (admin socket and store derive from `name`).
    public init(
        name: String, operatorNumber: OperatorNumber, region: Region, role: NodeRole, domains: [DomainName] = [],
        listen: Listen? = nil, smtpEndpoint: HostPort, localNetworks: [IPNetwork] = NodeConfig.defaultLocalNetworks,
        neighbours: [NeighbourConfig] = [], policy: NodePolicy = NodePolicy(), refuseRegions: [Region] = [],
        timers: Timers = .production, tls: TLSFiles? = nil, originValidation: OriginValidationFiles? = nil, store: String? = nil,
        logLevel: LogLevel = .info, deliverTo: HostPort? = nil, overload: OverloadSettings? = nil
    ) {
        self.overload = overload
        self.originValidation = originValidation
        self.deliverTo = deliverTo
        self.name = name
        self.operatorNumber = operatorNumber
        self.region = region
        self.role = role
        self.domains = domains
        self.listen = listen ?? Listen(admin: NodeConfig.defaultAdminSocket(name: name))
        self.smtpEndpoint = smtpEndpoint
        self.localNetworks = localNetworks
        self.neighbours = neighbours
        self.policy = policy
        self.refuseRegions = refuseRegions
        self.timers = timers
        self.tls = tls
        self.store = store ?? NodeConfig.defaultStore(name: name)
        self.logLevel = logLevel
    }

    // MARK: - Defaults

    /// The default MXGP port.
    public static let defaultMXGPPort: UInt16 = 1790
    /// The default SMTP port.
    public static let defaultSMTPPort: UInt16 = 25
    /// `listen.mxgp` when not set: every IPv4 address, port 1790.
    public static let defaultMXGPListen = HostPort(host: "0.0.0.0", port: defaultMXGPPort)
    /// `listen.smtp` when not set: every IPv4 address, port 25.
    public static let defaultSMTPListen = HostPort(host: "0.0.0.0", port: defaultSMTPPort)
    /// `local-networks` when not set: loopback only.
    public static let defaultLocalNetworks: [IPNetwork] = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1/128")!]
    /// `contract.max-size` when not set: 10 MiB.
    public static let defaultMaximumMessageSize: UInt32 = 10 * 1024 * 1024

    /// `listen.admin` when not set: `/run/mxgp/<name>.sock`.
    public static func defaultAdminSocket(name: String) -> String { "/run/mxgp/\(name).sock" }
    /// `store` when not set: `/var/lib/mxgp/<name>`.
    public static func defaultStore(name: String) -> String { "/var/lib/mxgp/\(name)" }

    /// The relationship a neighbour gets when its entry has none: `provider` for a colo
    /// (a colo only buys transit); nil for the other roles, which must say.
    public static func defaultRelationship(for role: NodeRole) -> Relationship? { role == .colo ? .provider : nil }

    // MARK: - Nested types

    /// Where the node listens (`listen:`).
    public struct Listen: Hashable, Sendable {
        /// MXGP sessions (`listen.mxgp`).
        public var mxgp: HostPort
        /// SMTP relay (`listen.smtp`).
        public var smtp: HostPort
        /// Path of the admin API's Unix socket (`listen.admin`).
        public var admin: String
        /// Optional TCP listener for the admin API (`listen.admin-tcp`), off when nil.
        public var adminTCP: HostPort?

        /// Creates listen addresses.
        public init(
            mxgp: HostPort = NodeConfig.defaultMXGPListen, smtp: HostPort = NodeConfig.defaultSMTPListen,
            admin: String, adminTCP: HostPort? = nil
        ) {
            self.mxgp = mxgp
            self.smtp = smtp
            self.admin = admin
            self.adminTCP = adminTCP
        }
    }

    /// One MXGP neighbour (`neighbours[i]`).
    public struct NeighbourConfig: Hashable, Sendable {
        /// The neighbour's node name, used by policies and the admin API.
        public var name: String
        /// The operator number the neighbour must announce in OPEN.
        public var operatorNumber: OperatorNumber
        /// Where to connect; nil for a neighbour that only connects in.
        public var address: HostPort?
        /// What the neighbour is to this node.
        public var relationship: Relationship
        /// The SMTP endpoint announced as NEXT_HOP to this neighbour (`next-hop:`), when not the
        /// node's `smtp-endpoint`: next-hop-self, the node's address on the link to it.
        public var nextHop: HostPort?
        /// When true the node never connects out to this neighbour.
        public var passive: Bool
        /// The contract on this link.
        public var contract: Contract
        /// Most domains accepted from this neighbour; 0 means no limit.
        public var maxDomains: UInt32
        /// What happens when the neighbour announces more (`max-domains-action`).
        public var maxDomainsAction: DomainLimitAction

        /// Creates a neighbour; without an address it is passive.
        public init(
            name: String, operatorNumber: OperatorNumber, address: HostPort? = nil, relationship: Relationship,
            passive: Bool? = nil, contract: Contract = Contract(), maxDomains: UInt32 = 0, maxDomainsAction: DomainLimitAction = .block,
            nextHop: HostPort? = nil
        ) {
            self.nextHop = nextHop
            self.maxDomainsAction = maxDomainsAction
            self.name = name
            self.operatorNumber = operatorNumber
            self.address = address
            self.relationship = relationship
            self.passive = passive ?? (address == nil)
            self.contract = contract
            self.maxDomains = maxDomains
        }
    }

    /// The contract on one link (DESIGN §4).
    public struct Contract: Hashable, Sendable {
        /// Price per message, charged by the provider side; 0 on peer links.
        public var price: UInt32
        /// Charged back per spam complaint against mail this neighbour handed over.
        public var chargeback: UInt32
        /// Most messages per minute accepted from the neighbour; 0 means no limit.
        public var rateLimit: UInt32
        /// Largest message in bytes accepted from the neighbour.
        public var maxSize: UInt32
        /// The countries a provider's contract covers and their prices (`covers:`, `price:` by
        /// country); `price` is the default.
        public var coverage: ContractCoverage = .everywhere

        /// Creates a contract (defaults: free, no chargeback, no rate limit, 10 MiB).
        public init(price: UInt32 = 0, chargeback: UInt32 = 0, rateLimit: UInt32 = 0, maxSize: UInt32 = NodeConfig.defaultMaximumMessageSize) {
            self.price = price
            self.chargeback = chargeback
            self.rateLimit = rateLimit
            self.maxSize = maxSize
        }
    }

    /// Which set of timer defaults applies (`timers.profile`).
    public enum TimerProfile: String, Hashable, Sendable, CaseIterable {
        /// Hold 90 s (keepalive 30 s), reconnect 1 s … 30 s.
        case production
        /// Hold 3 s (keepalive 1 s), reconnect 100 ms … 5 s.
        case lab
    }

    /// Session timers (`timers:`). The keepalive interval is always a third of the
    /// negotiated hold time, so it has no key of its own.
    public struct Timers: Hashable, Sendable {
        /// The profile the defaults came from.
        public var profile: TimerProfile
        /// Proposed hold time in seconds: 0 (no hold timer) or 3…65535.
        public var holdTime: UInt16
        /// First delay between connection attempts.
        public var connectRetry: Duration
        /// Largest delay between connection attempts.
        public var connectRetryMax: Duration
        /// How long a session must stay Established before the delay starts over.
        public var connectRetryReset: Duration
        /// Fast-liveness interval in milliseconds (10…65535) to offer, nil for off.
        public var fastLivenessMilliseconds: UInt16?
        /// Median delivery latency above which a next hop is degraded (new mail prefers an
        /// alternate, see `SlowNextHops`); nil: off. Production 10 s, lab 1 s.
        public var slowNextHop: Duration?
        /// How long a degraded next hop is avoided before a probe delivery. Production 60 s, lab 10 s.
        public var slowNextHopRetry: Duration
        /// How long route changes are gathered before they are sent, like BGP's MRAI (0: sent
        /// after the events being handled). Big labs set it, so a node joining a thousand
        /// others does not cost one UPDATE per domain and neighbour.
        public var advertisementInterval: Duration = .zero

        /// Creates timers.
        public init(
            profile: TimerProfile, holdTime: UInt16, connectRetry: Duration, connectRetryMax: Duration,
            connectRetryReset: Duration, fastLivenessMilliseconds: UInt16? = nil,
            slowNextHop: Duration? = .seconds(10), slowNextHopRetry: Duration = .seconds(60)
        ) {
            self.slowNextHop = slowNextHop
            self.slowNextHopRetry = slowNextHopRetry
            self.profile = profile
            self.holdTime = holdTime
            self.connectRetry = connectRetry
            self.connectRetryMax = connectRetryMax
            self.connectRetryReset = connectRetryReset
            self.fastLivenessMilliseconds = fastLivenessMilliseconds
        }

        /// The defaults of a profile.
        public static func defaults(for profile: TimerProfile) -> Timers {
            switch profile {
            case .production: return .production
            case .lab: return .lab
            }
        }

        /// Hold 90 s, reconnect 1 s … 30 s, reset after 60 s, no fast liveness.
        public static let production = Timers(
            profile: .production, holdTime: SessionConfiguration.productionHoldTime,
            connectRetry: ReconnectBackoff.production.initial, connectRetryMax: ReconnectBackoff.production.cap,
            connectRetryReset: ReconnectBackoff.production.resetAfter)

        /// Hold 3 s, reconnect 100 ms … 5 s, reset after 3 s, no fast liveness.
        public static let lab = Timers(
            profile: .lab, holdTime: SessionConfiguration.labHoldTime,
            connectRetry: ReconnectBackoff.lab.initial, connectRetryMax: ReconnectBackoff.lab.cap,
            connectRetryReset: ReconnectBackoff.lab.resetAfter, slowNextHop: .seconds(1), slowNextHopRetry: .seconds(10))

        /// The keepalive interval in seconds implied by the hold time (0 when hold is 0).
        public var keepaliveSeconds: UInt16 { holdTime / 3 }

        /// The reconnect backoff these timers describe.
        public var reconnect: ReconnectBackoff {
            ReconnectBackoff(initial: connectRetry, cap: connectRetryMax, resetAfter: connectRetryReset)
        }
    }

    /// Files for mutual TLS (`tls:`); paths as written in the config.
    public struct TLSFiles: Hashable, Sendable {
        /// This node's certificate chain (PEM).
        public var certificate: String
        /// The certificate's private key (PEM).
        public var key: String
        /// The CA certificates that neighbours' certificates must chain to (PEM).
        public var ca: String
        /// Where to append the TLS session secrets (`tls.key-log`, SSLKEYLOGFILE format) so a
        /// capture can be decrypted (`mxgp lab pcap`). Labs only: it needs `timers.profile: lab`.
        public var keyLog: String?

        /// Creates TLS file paths.
        public init(certificate: String, key: String, ca: String, keyLog: String? = nil) {
            self.certificate = certificate
            self.key = key
            self.ca = ca
            self.keyLog = keyLog
        }
    }

    /// Log levels, least to most severe (the swift-log levels).
    public enum LogLevel: String, Hashable, Sendable, CaseIterable, Comparable {
        case trace, debug, info, notice, warning, error, critical

        public static func < (a: LogLevel, b: LogLevel) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }
}

// MARK: - Views for the routing core and sessions

extension NodeConfig {
    /// The neighbour with this name.
    public func neighbour(named name: String) -> NeighbourConfig? { neighbours.first { $0.name == name } }

    /// The local node as the routing engine needs it (NEXT_HOP is ``smtpEndpoint``).
    public var routingConfig: LocalRoutingConfig {
        LocalRoutingConfig(
            name: name, operatorNumber: operatorNumber, role: role, region: region, nextHop: smtpEndpoint.description,
            ownDomains: domains, policy: policy, refuseRegions: refuseRegions, refuseDestinations: refuseDestinations,
            complaintRatePPM: complaintRate.initialPPM)
    }

    /// The neighbours as the routing engine needs them, in config order.
    public var neighbourRoutingConfigs: [NeighbourRoutingConfig] {
        neighbours.map {
            NeighbourRoutingConfig(name: $0.name, operatorNumber: $0.operatorNumber, relationship: $0.relationship, contractPrice: $0.contract.price,
                                   nextHop: $0.nextHop?.description, coverage: $0.contract.coverage, chargeback: $0.contract.chargeback)
        }
    }

    /// The session configuration toward one neighbour: identity, relationship, timers, passivity.
    public func sessionConfiguration(for neighbour: NeighbourConfig) -> SessionConfiguration {
        SessionConfiguration(
            localOperator: operatorNumber, nodeName: name, nodeRole: role, region: region,
            neighbourOperator: neighbour.operatorNumber, neighbourRelationship: neighbour.relationship,
            holdTime: timers.holdTime, fastLivenessMilliseconds: timers.fastLivenessMilliseconds,
            reconnect: timers.reconnect, passive: neighbour.passive || neighbour.address == nil)
    }
}
