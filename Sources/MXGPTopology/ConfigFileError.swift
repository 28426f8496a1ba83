/// One problem found in a configuration file — a topology, a policy, a node config or a
/// scenario: what happened, where, and how to fix it.
///
/// Errors make a file unusable; warnings (``severity`` `.warning`) are reported next to a
/// successfully parsed file (for example a domain originated by two nodes, which the
/// hijack lab needs on purpose).
public struct ConfigFileError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The kind of problem, for programs and tests (the message is for people).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The file could not be read.
        case unreadableFile
        /// The YAML itself is broken (syntax, duplicate keys, several documents).
        case yamlSyntax
        /// A value has the wrong shape (a list where a mapping belongs, and so on).
        case wrongType
        /// A key the format does not know.
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// The topology has no nodes.
        case emptyTopology
        /// The topology name is not a valid lab name.
        case badTopologyName
        /// A node name does not match `[a-z][a-z0-9-]{0,14}`.
        case badNodeName
        /// A role other than colo, upstream, tier1.
        case unknownRole
        /// An operator number that is 0 or not a 32-bit number.
        case badOperator
        /// Two nodes with the same operator number.
        case duplicateOperator
        /// A region that is not an ISO 3166 alpha-2 code.
        case badRegion
        /// A domain that is not a valid domain name.
        case badDomain
        /// The same domain originated twice (a warning: the hijack lab needs it).
        case duplicateDomain
        /// A link or policy naming a node that does not exist.
        case unknownNode
        /// A link from a node to itself.
        case selfLink
        /// Two links between the same pair of nodes.
        case duplicateLink
        /// A relationship other than customer, provider, peer.
        case badRelationship
        /// A price that is not a non-negative 32-bit number.
        case badPrice
        /// A price on a peer link (a price is what a provider charges its customer).
        case priceOnPeerLink
        /// A tier1 node with a provider.
        case tier1WithProvider
        /// A colo that is provider to some neighbour.
        case coloGivesTransit
        /// A colo without any provider.
        case coloWithoutProvider
        /// Nodes that are each other's providers in a circle.
        case providerCycle
        /// A bad delay, jitter, loss or rate value.
        case badImpairment
        /// A node without links (warning).
        case isolatedNode
        /// Tier 1 nodes that do not peer with each other (warning).
        case tier1NotMeshed
        /// A policy rule that is malformed (bad action, misplaced default, …).
        case badPolicy
        /// A policy value that is out of range or malformed (community, local-pref, …).
        case badPolicyValue
        /// A node config address that is malformed: `host:port`, a network, a socket path (node configs).
        case badAddress
        /// Two things that must differ share an address (node configs).
        case duplicateAddress
        /// Two neighbours with the same name (node configs).
        case duplicateNeighbour
        /// A timer or duration that is malformed or out of range (node configs).
        case badTimer
        /// A contract value that is malformed or out of range (node configs).
        case badContract
        /// An `overload:` watermark that is malformed, out of range or inconsistent (node configs).
        case badOverload
        /// A log level other than trace, debug, info, notice, warning, error, critical (node configs).
        case badLogLevel
        /// A file or folder path that is empty or unusable (node configs).
        case badPath
        /// A scenario step or expectation that is malformed (scenario files).
        case badStep
        /// A colo that originates no domains (warning, node configs).
        case coloWithoutDomains
        /// An admin listener reachable from outside the host (warning, node configs).
        case exposedAdmin
        /// A bad `mta:` or `postfix:` setting (topology files).
        case badPostfix
    }

    /// Whether the problem stops the file from being used.
    public enum Severity: String, Hashable, Sendable {
        /// The file cannot be used.
        case error
        /// Worth knowing; the file is still used.
        case warning
    }

    /// What kind of problem this is.
    public var kind: Kind
    /// The file name as given to the parser (a path or a label like `<topology>`).
    public var file: String
    /// 1-based line number, or 0 when the problem concerns the whole file.
    public var line: Int
    /// What is wrong, naming the thing it is wrong with.
    public var message: String
    /// What to do about it.
    public var fix: String
    /// Error or warning.
    public var severity: Severity

    /// Creates a diagnostic.
    public init(_ kind: Kind, file: String, line: Int, message: String, fix: String, severity: Severity = .error) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
        self.fix = fix
        self.severity = severity
    }

    /// `file:line: error: message` and, on the next line, `  fix: …`.
    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return "\(location): \(severity.rawValue): \(message)\n  fix: \(fix)"
    }
}

/// All errors (and the warnings found on the way) of a file that could not be used.
public struct ConfigFileErrors: Error, CustomStringConvertible, Hashable, Sendable {
    /// At most ``ConfigFileErrors/reportLimit`` errors, in file order.
    public var errors: [ConfigFileError]
    /// Warnings found before the parse gave up.
    public var warnings: [ConfigFileError]
    /// How many errors were dropped beyond the limit.
    public var omitted: Int

    /// The most errors a failure reports.
    public static let reportLimit = 20

    /// Wraps errors, sorting them by line and keeping at most ``reportLimit``.
    public init(errors: [ConfigFileError], warnings: [ConfigFileError] = []) {
        let sorted = errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        self.errors = Array(sorted.prefix(Self.reportLimit))
        self.omitted = max(0, sorted.count - Self.reportLimit)
        self.warnings = warnings
    }

    /// Every error on its own lines, then a count of omitted errors.
    public var description: String {
        var lines = errors.map(\.description)
        if omitted > 0 { lines.append("… and \(omitted) more error\(omitted == 1 ? "" : "s")") }
        return lines.joined(separator: "\n")
    }
}

/// A successfully parsed topology and the warnings about it.
public struct TopologyParseResult: Hashable, Sendable {
    /// The validated topology.
    public var topology: Topology
    /// Problems that do not stop the topology from being used.
    public var warnings: [ConfigFileError]

    /// Creates a result.
    public init(topology: Topology, warnings: [ConfigFileError] = []) {
        self.topology = topology
        self.warnings = warnings
    }
}

/// The name ``ConfigFileError`` had while only topologies used it (kept so code written
/// against it still builds).
public typealias TopologyError = ConfigFileError
/// The name ``ConfigFileErrors`` had while only topologies used it.
public typealias TopologyErrors = ConfigFileErrors
