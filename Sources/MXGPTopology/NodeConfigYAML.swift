import Foundation
import MXGPCore
import Yams

/// Reads node configs (`mxgp node --config FILE`) into a validated ``NodeConfig``.
///
/// ```yaml
/// name: colo1
/// operator: 64501
/// region: US
/// role: colo
/// domains: [alice.example]
/// smtp-endpoint: 10.0.0.1:25
/// neighbours:
///   - { name: up1, operator: 100, address: 10.0.1.2:1790, contract: { price: 3 } }
/// ```
///
/// Every other key has a default (`docs/NODE.md`). Each problem becomes a ``ConfigFileError``
/// naming the file, the line, the key path (`neighbours[1].relationship`, 0-based) and a fix.
public enum NodeConfigParser {
    /// Top-level keys, in the order ``NodeConfig/yamlText`` writes them.
    public static let topKeys = [
        "name", "operator", "region", "role", "domains", "listen", "smtp-endpoint", "deliver-to", "local-networks",
        "neighbours", "policy", "refuse-regions", "timers", "tls", "origin-validation", "store", "log-level",
        "overload", "refuse-destinations", "expected-complaint-rate", "complaint-rate-weight",
    ]
    /// Keys of `listen`.
    public static let listenKeys = ["mxgp", "smtp", "admin", "admin-tcp"]
    /// Keys of a neighbour.
    public static let neighbourKeys = ["name", "operator", "address", "relationship", "passive", "next-hop", "contract", "max-domains", "max-domains-action"]
    /// Keys of a neighbour's `contract`.
    public static let contractKeys = ["price", "covers", "chargeback", "rate-limit", "max-size"]
    /// Keys of `timers`.
    public static let timerKeys = ["profile", "hold", "connect-retry", "connect-retry-max", "connect-retry-reset", "fast-liveness", "slow-next-hop", "slow-next-hop-retry", "advertisement-interval"]
    /// Keys of `tls`.
    public static let tlsKeys = ["certificate", "key", "ca"]
    /// Optional keys of `tls`.
    public static let tlsOptionalKeys = ["key-log"]
    /// Default port of `listen.admin-tcp` when the value has none.
    public static let defaultAdminTCPPort: UInt16 = 8790
    /// Longest Unix socket path (`sun_path` holds 108 bytes with the terminating NUL).
    public static let maximumSocketPathLength = 107

    /// Parses and validates node config YAML; `file` names the source in diagnostics.
    /// - Throws: ``ConfigFileErrors`` when the text has errors (warnings alone do not throw).
    public static func parse(yaml: String, file: String) throws(ConfigFileErrors) -> NodeConfigParseResult {
        var context = YAMLContext(file: file)
        guard let root = context.compose(yaml) else {
            if context.isClean {
                context.error(.missingKey, line: 0, "the node config is empty",
                              fix: "add at least name:, operator:, region: and role: (see docs/examples/colo.yaml)")
            }
            throw context.failure
        }
        var reader = NodeConfigReader(context: context)
        let config = reader.config(from: root)
        guard let config, reader.context.isClean else { throw reader.context.failure }
        return NodeConfigParseResult(config: config, warnings: reader.context.warnings)
    }

    /// Reads, parses and validates a node config file.
    /// - Throws: ``ConfigFileErrors`` when the file cannot be read or has errors.
    public static func load(path: String) throws(ConfigFileErrors) -> NodeConfigParseResult {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigFileErrors(errors: [ConfigFileError(
                .unreadableFile, file: path, line: 0, message: "cannot read the node config (\(error.localizedDescription))",
                fix: "check the path given to --config and that the file is readable UTF-8 text")])
        }
        return try parse(yaml: text, file: path)
    }
}

/// A validated node config and the warnings about it.
public struct NodeConfigParseResult: Hashable, Sendable {
    /// The config.
    public var config: NodeConfig
    /// Problems that do not stop the node from running.
    public var warnings: [ConfigFileError]

    /// Creates a result.
    public init(config: NodeConfig, warnings: [ConfigFileError] = []) {
        self.config = config
        self.warnings = warnings
    }
}

extension NodeConfig {
    /// Parses and validates node config YAML (see ``NodeConfigParser``); warnings are dropped.
    /// - Throws: ``ConfigFileErrors`` when the text has errors.
    public static func parse(yaml: String, file: String = "<node config>") throws(ConfigFileErrors) -> NodeConfig {
        try NodeConfigParser.parse(yaml: yaml, file: file).config
    }

    /// Reads, parses and validates a node config file (see ``NodeConfigParser``); warnings are dropped.
    /// - Throws: ``ConfigFileErrors`` when the file cannot be read or has errors.
    public static func load(path: String) throws(ConfigFileErrors) -> NodeConfig {
        try NodeConfigParser.load(path: path).config
    }
}

/// Walks a composed node config; cross-checks run at the end in ``NodeConfigReader/validate(_:lines:)``.
struct NodeConfigReader {
    var context: YAMLContext
    /// Lines of the things cross-checks talk about.
    var lines: [String: Int] = [:]

    init(context: YAMLContext) { self.context = context }

    static let hostPortFix = "write host:port, like 192.0.2.10:1790, [2001:db8::1]:1790 or mx.example.net:1790"

    mutating func config(from root: Node) -> NodeConfig? {
        guard let mapping = context.mapping(root, "the node config", example: "name: colo1\noperator: 64501\nregion: US\nrole: colo") else { return nil }
        let values = context.keys(of: mapping, "the node config", allowed: NodeConfigParser.topKeys,
                                  required: ["name", "operator", "region", "role"], line: 1)
        var name: String?
        if let node = values["name"], let text = context.scalar(node, "name", example: "colo1") {
            if TopologyParser.isValidNodeName(text) {
                name = text
            } else {
                context.error(.badNodeName, line: YAMLContext.line(of: node), "name \"\(text)\" is not a valid node name",
                              fix: "use \(TopologyParser.nodeNameRule), like colo1 or up-east")
            }
        }
        let operatorNumber = values["operator"].flatMap {
            context.number($0, "operator", kind: .badOperator, range: 1...UInt32.max,
                           fix: "use this operator's number between 1 and 4294967295 (like an AS number)")
        }
        let region = values["region"].flatMap { self.region($0, "region") }
        var role: NodeRole?
        if let node = values["role"], let text = context.scalar(node, "role", example: "colo") {
            role = NodeRole(rawValue: text)
            if role == nil {
                context.error(.unknownRole, line: YAMLContext.line(of: node), "role \"\(text)\" is not a node role",
                              fix: "\(Self.guess(text, NodeRole.allCases.map(\.rawValue)))use colo, upstream or tier1")
            }
        }
        let domains = values["domains"].map { self.domains($0) } ?? []
        let listen = self.listen(values["listen"], name: name ?? "node")
        let endpoint = values["smtp-endpoint"].flatMap { self.smtpEndpoint($0) }
        let deliverTo = values["deliver-to"].flatMap { Self.isOff($0) ? nil : self.hostPort($0, "deliver-to", defaultPort: NodeConfig.defaultSMTPPort) }
        let networks = values["local-networks"].map { self.localNetworks($0) } ?? NodeConfig.defaultLocalNetworks
        let neighbours = values["neighbours"].map { self.neighbours($0, owner: Owner(name: name, operatorNumber: operatorNumber, role: role)) } ?? []
        var policy = NodePolicy()
        if let node = values["policy"], !YAMLContext.isNull(node),
           let parsed = PolicyYAML.nodePolicy(from: node, owner: "this node", context: &context) {
            policy = parsed
        }
        let refuse = values["refuse-regions"].map { self.regions($0, "refuse-regions") } ?? []
        let timers = values["timers"].map { self.timers($0) } ?? .production
        let tls = values["tls"].flatMap { self.tls($0) }
        let originValidation = values["origin-validation"].flatMap { self.originValidation($0) }
        let store = values["store"].flatMap { self.path($0, "store", example: "/var/lib/mxgp/colo1") }
        let logLevel = values["log-level"].flatMap { self.logLevel($0) } ?? .info
        let overload = values["overload"].flatMap { self.overload($0) }
        let refuseDestinations = values["refuse-destinations"].flatMap { context.countries($0, "refuse-destinations") } ?? []
        let complaintRate = context.complaintRate(prior: values["expected-complaint-rate"], weight: values["complaint-rate-weight"], what: "this node")
        lines["role"] = YAMLContext.line(of: values["role"])
        lines["policy"] = YAMLContext.line(of: values["policy"])

        guard let name, let operatorNumber, let region, let role else { return nil }
        guard let smtpEndpoint = endpoint ?? defaultEndpoint(listen: listen) else { return nil }
        var config = NodeConfig(
            name: name, operatorNumber: operatorNumber, region: region, role: role, domains: domains, listen: listen,
            smtpEndpoint: smtpEndpoint, localNetworks: networks, neighbours: neighbours, policy: policy,
            refuseRegions: refuse, timers: timers, tls: tls, originValidation: originValidation, store: store, logLevel: logLevel,
            deliverTo: deliverTo, overload: overload)
        config.refuseDestinations = refuseDestinations
        config.complaintRate = complaintRate
        validate(config)
        return config
    }

    // MARK: - Scalars

    static func guess(_ text: String, _ candidates: [String]) -> String {
        let best = YAMLContext.closest(to: text, in: candidates) ?? candidates.first { !text.isEmpty && $0.hasPrefix(text.lowercased()) }
        return best.map { "did you mean \"\($0)\"? " } ?? ""
    }

    /// True for null, `~`, `off` and `false`: an optional feature switched off.
    static func isOff(_ node: Node) -> Bool {
        if YAMLContext.isNull(node) { return true }
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["off", "false"].contains(scalar.string.lowercased())
    }

    mutating func region(_ node: Node, _ path: String) -> Region? {
        guard let text = context.scalar(node, path, example: "US") else { return nil }
        if let region = Region(text) { return region }
        context.error(.badRegion, line: YAMLContext.line(of: node), "\(path) \"\(text)\" is not an ISO 3166 alpha-2 region code",
                      fix: "use two letters such as US, DE, JP or RU")
        return nil
    }

    mutating func regions(_ node: Node, _ path: String) -> [Region] {
        guard let items = context.scalarList(node, path, example: "[RU, KP]") else { return [] }
        var result: [Region] = []
        for (index, (text, line)) in items.enumerated() {
            if let region = Region(text) {
                if !result.contains(region) { result.append(region) }
            } else {
                context.error(.badRegion, line: line, "\(path)[\(index)] \"\(text)\" is not an ISO 3166 alpha-2 region code",
                              fix: "use two letters such as US, DE, JP or RU")
            }
        }
        return result
    }

    mutating func domains(_ node: Node) -> [DomainName] {
        guard let items = context.scalarList(node, "domains", example: "[alice.example]") else { return [] }
        var result: [DomainName] = []
        var seen: Set<DomainName> = []
        for (index, (text, line)) in items.enumerated() {
            guard let domain = DomainName(text) else {
                context.error(.badDomain, line: line, "domains[\(index)] \"\(text)\" is not a domain name",
                              fix: "use labels of letters, digits, - and _, separated by dots, like alice.example")
                continue
            }
            if !seen.insert(domain).inserted {
                context.error(.duplicateDomain, line: line, "domains[\(index)] \"\(domain)\" is listed twice", fix: "remove the second entry")
            } else {
                result.append(domain)
            }
        }
        return result
    }

    mutating func hostPort(_ node: Node, _ path: String, defaultPort: UInt16?) -> HostPort? {
        guard let text = context.scalar(node, path, example: "192.0.2.10:\(defaultPort ?? 1790)") else { return nil }
        switch HostPort.parse(text, defaultPort: defaultPort) {
        case .success(let value): return value
        case .failure(let problem):
            context.error(.badAddress, line: YAMLContext.line(of: node), "\(path) \"\(text)\" is not a host:port endpoint: \(problem.reason)",
                          fix: Self.hostPortFix)
            return nil
        }
    }

    mutating func path(_ node: Node, _ path: String, example: String, maximumLength: Int = 4096) -> String? {
        guard let text = context.scalar(node, path, example: example) else { return nil }
        if text.utf8.count > maximumLength || text.contains("\0") || text.contains("\n") {
            context.error(.badPath, line: YAMLContext.line(of: node), "\(path) \"\(text.prefix(60))\" is not a usable path (at most \(maximumLength) bytes, one line)",
                          fix: "use a shorter path, like \(example)")
            return nil
        }
        return text
    }

    mutating func boolean(_ node: Node, _ path: String) -> Bool? {
        guard let text = context.scalar(node, path, example: "true") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            context.error(.wrongType, line: YAMLContext.line(of: node), "\(path) is \"\(text)\", not true or false", fix: "write \(path.split(separator: ".").last ?? ""): true or false")
            return nil
        }
    }

    mutating func logLevel(_ node: Node) -> NodeConfig.LogLevel? {
        guard let text = context.scalar(node, "log-level", example: "info") else { return nil }
        if let level = NodeConfig.LogLevel(rawValue: text.lowercased()) { return level }
        let all = NodeConfig.LogLevel.allCases.map(\.rawValue)
        context.error(.badLogLevel, line: YAMLContext.line(of: node), "log-level \"\(text)\" is not a log level",
                      fix: "\(Self.guess(text, all))use one of: \(all.joined(separator: ", "))")
        return nil
    }

    // MARK: - Sections

    mutating func listen(_ node: Node?, name: String) -> NodeConfig.Listen {
        var listen = NodeConfig.Listen(admin: NodeConfig.defaultAdminSocket(name: name))
        guard let node else { return listen }
        lines["listen"] = YAMLContext.line(of: node)
        guard !YAMLContext.isNull(node),
              let mapping = context.mapping(node, "listen", example: "{ mxgp: 0.0.0.0:1790, smtp: 0.0.0.0:25 }") else { return listen }
        let values = context.keys(of: mapping, "listen", allowed: NodeConfigParser.listenKeys, line: YAMLContext.line(of: node))
        if let node = values["mxgp"], let value = hostPort(node, "listen.mxgp", defaultPort: NodeConfig.defaultMXGPPort) { listen.mxgp = value }
        if let node = values["smtp"], let value = hostPort(node, "listen.smtp", defaultPort: NodeConfig.defaultSMTPPort) { listen.smtp = value }
        if let node = values["admin"], let value = path(node, "listen.admin", example: "/run/mxgp/\(name).sock",
                                                          maximumLength: NodeConfigParser.maximumSocketPathLength) {
            listen.admin = value
        }
        if let node = values["admin-tcp"], !Self.isOff(node) {
            listen.adminTCP = hostPort(node, "listen.admin-tcp", defaultPort: NodeConfigParser.defaultAdminTCPPort)
        }
        for key in ["mxgp", "smtp", "admin-tcp"] { lines["listen.\(key)"] = values[key].map(YAMLContext.line(of:)) ?? lines["listen"] }
        return listen
    }

    mutating func smtpEndpoint(_ node: Node) -> HostPort? {
        guard let value = hostPort(node, "smtp-endpoint", defaultPort: NodeConfig.defaultSMTPPort) else { return nil }
        if value.isUnspecified {
            context.error(.badAddress, line: YAMLContext.line(of: node), "smtp-endpoint \(value) is a wildcard address, which neighbours cannot connect to",
                          fix: "use the address neighbours reach this node's SMTP listener on, like 192.0.2.10:25")
            return nil
        }
        return value
    }

    mutating func defaultEndpoint(listen: NodeConfig.Listen) -> HostPort? {
        if !listen.smtp.isUnspecified { return listen.smtp }
        context.error(.missingKey, line: lines["listen.smtp"] ?? 1,
                      "smtp-endpoint is not set and listen.smtp (\(listen.smtp)) is a wildcard, so there is no address to announce as NEXT_HOP",
                      fix: "add \"smtp-endpoint: <address>:\(listen.smtp.port)\" with the address neighbours reach this node on, or set listen.smtp to that address")
        return nil
    }

    mutating func localNetworks(_ node: Node) -> [IPNetwork] {
        guard let items = context.scalarList(node, "local-networks", example: "[127.0.0.0/8, \"::1/128\"]") else { return [] }
        var result: [IPNetwork] = []
        for (index, (text, line)) in items.enumerated() {
            switch IPNetwork.parse(text) {
            case .success(let parsed):
                if parsed.hadHostBits {
                    context.warning(.badAddress, line: line, "local-networks[\(index)] \"\(text)\" has host bits set; it means \(parsed.network)",
                                    fix: "write \(parsed.network)")
                }
                if !result.contains(parsed.network) { result.append(parsed.network) }
            case .failure(let problem):
                context.error(.badAddress, line: line, "local-networks[\(index)] \"\(text)\" is not a network: \(problem.reason)",
                              fix: "write address/prefix, like 10.0.0.0/8 or \"2001:db8::/32\" (quote IPv6)")
            }
        }
        return result
    }

    mutating func tls(_ node: Node) -> NodeConfig.TLSFiles? {
        if Self.isOff(node) { return nil }
        let example = "{ certificate: /etc/mxgp/node.pem, key: /etc/mxgp/node.key, ca: /etc/mxgp/ca.pem }"
        guard let mapping = context.mapping(node, "tls", example: example) else { return nil }
        let values = context.keys(of: mapping, "tls", allowed: NodeConfigParser.tlsKeys + NodeConfigParser.tlsOptionalKeys,
                                  required: NodeConfigParser.tlsKeys, line: YAMLContext.line(of: node))
        let files = NodeConfigParser.tlsKeys.map { key in values[key].flatMap { path($0, "tls.\(key)", example: "/etc/mxgp/\(key).pem") } }
        let keyLog = values["key-log"].flatMap { path($0, "tls.key-log", example: "/run/mxgp/labs/LAB/state/NODE/tls-keys.log") }
        if let log = values["key-log"] { lines["tls.key-log"] = YAMLContext.line(of: log) }
        guard let certificate = files[0], let key = files[1], let ca = files[2] else { return nil }
        return NodeConfig.TLSFiles(certificate: certificate, key: key, ca: ca, keyLog: keyLog)
    }
}

// MARK: - Cross-checks

extension NodeConfigReader {
    mutating func validate(_ config: NodeConfig) {
        if config.tls?.keyLog != nil, config.timers.profile != .lab {
            context.error(.badPath, line: lines["tls.key-log"] ?? 1, "tls.key-log writes every session's secrets in clear text, which only a lab may do",
                          fix: "remove tls.key-log, or set timers: { profile: lab } on a lab node")
        }
        let names = config.neighbours.map(\.name)
        for reference in context.neighbourReferences where !names.contains(reference.name) {
            let fix = YAMLContext.closest(to: reference.name, in: names).map { "did you mean \"\($0)\"? " } ?? ""
            context.error(.unknownNode, line: reference.line, "policy names neighbour \"\(reference.name)\", which is not in neighbours",
                          fix: "\(fix)use the name of an entry under neighbours:" + (names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"))
        }
        var listeners: [(String, HostPort)] = [("listen.mxgp", config.listen.mxgp), ("listen.smtp", config.listen.smtp)]
        if let admin = config.listen.adminTCP { listeners.append(("listen.admin-tcp", admin)) }
        for (index, (key, address)) in listeners.enumerated() {
            for (otherKey, other) in listeners[..<index] where other.port == address.port
                && (other.host == address.host || other.isUnspecified || address.isUnspecified) && other.isIPv6 == address.isIPv6 {
                context.error(.duplicateAddress, line: lines[key] ?? 1, "\(key) (\(address)) and \(otherKey) (\(other)) use the same port",
                              fix: "give each listener its own port (defaults: mxgp 1790, smtp 25, admin-tcp 8790)")
            }
        }
        if let admin = config.listen.adminTCP, !admin.isLoopback {
            context.warning(.exposedAdmin, line: lines["listen.admin-tcp"] ?? 1,
                            "listen.admin-tcp (\(admin)) is reachable from other hosts, and the admin API has no authentication",
                            fix: "listen on 127.0.0.1 or ::1, or use the Unix socket (listen.admin)")
        }
        if config.role == .colo {
            if config.domains.isEmpty {
                context.warning(.coloWithoutDomains, line: 1, "this colo originates no domains, so no mail can reach it",
                                fix: "add \"domains: [your.example]\" with the domains this node delivers locally")
            }
            if !config.neighbours.isEmpty, !config.neighbours.contains(where: { $0.relationship == .provider }) {
                context.warning(.coloWithoutProvider, line: lines["role"] ?? 1, "this colo has no provider, so it reaches only its peers",
                                fix: "add a neighbour with relationship: provider (an upstream or tier1 that sells transit)")
            }
        }
        if config.neighbours.isEmpty {
            context.warning(.isolatedNode, line: 1, "this node has no neighbours, so it learns and announces no routes",
                            fix: "add neighbours: [ { name: …, operator: …, address: …, relationship: … } ]")
        }
    }
}
