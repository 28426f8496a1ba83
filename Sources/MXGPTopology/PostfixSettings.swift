import Yams

/// The mail transfer agent a lab node runs (`mta:` of a topology node).
public enum MTA: String, Hashable, Sendable, CaseIterable {
    /// `mxgp node`: routes learned over MXGP (the default).
    case mxgp
    /// A private Postfix instance configured statically from the topology: today's email,
    /// with no routing protocol (docs/LABS.md, "Postfix nodes").
    case postfix
}

/// How a lab configures a Postfix node (`postfix:` at the top of a topology, and per node to
/// override single keys). Every field is optional: nil keeps Postfix's own default.
public struct PostfixSettings: Hashable, Sendable {
    /// How the static forwarding table is built from the topology.
    public enum Routing: String, Hashable, Sendable, CaseIterable {
        /// Purely hierarchical: mail for the node's customer cone goes down to the customer,
        /// everything else up to the preferred provider (`relayhost`). Only Tier 1s, which
        /// have no provider, use their peers (each is a tree root).
        case hierarchy
        /// The full static table an administrator would write from the topology: customer
        /// cones, then peers' customer cones, then the providers (transport maps).
        case `static`
    }

    /// `routing:` (default hierarchy).
    public var routing: Routing?
    /// `backup-relays:` — list the other providers (and other customers or peers reaching the
    /// same domain) as MX-style fallbacks (`smtp_fallback_relay`); default true.
    public var backupRelays: Bool?
    /// Postfix's `queue_run_delay` (its default: 300 s).
    public var queueRunDelay: Int?
    /// Postfix's `minimal_backoff_time` (its default: 300 s).
    public var minimalBackoffTime: Int?
    /// Postfix's `maximal_backoff_time` (its default: 4000 s).
    public var maximalBackoffTime: Int?
    /// Postfix's `smtp_connect_timeout` (its default: 30 s).
    public var smtpConnectTimeout: Int?

    /// Every key unset: Postfix's defaults, hierarchical routing with backup relays.
    public init(routing: Routing? = nil, backupRelays: Bool? = nil, queueRunDelay: Int? = nil, minimalBackoffTime: Int? = nil,
                maximalBackoffTime: Int? = nil, smtpConnectTimeout: Int? = nil) {
        self.routing = routing
        self.backupRelays = backupRelays
        self.queueRunDelay = queueRunDelay
        self.minimalBackoffTime = minimalBackoffTime
        self.maximalBackoffTime = maximalBackoffTime
        self.smtpConnectTimeout = smtpConnectTimeout
    }

    /// Postfix's own defaults for the timers the topology can set, in seconds.
    public static let postfixDefaults: [String: Int] = [
        "queue_run_delay": 300, "minimal_backoff_time": 300, "maximal_backoff_time": 4000, "smtp_connect_timeout": 30,
    ]

    /// These settings with every key `override` sets taken from it (a node's `postfix:` over the topology's).
    public func merged(with override: PostfixSettings?) -> PostfixSettings {
        guard let o = override else { return self }
        return PostfixSettings(
            routing: o.routing ?? routing, backupRelays: o.backupRelays ?? backupRelays, queueRunDelay: o.queueRunDelay ?? queueRunDelay,
            minimalBackoffTime: o.minimalBackoffTime ?? minimalBackoffTime, maximalBackoffTime: o.maximalBackoffTime ?? maximalBackoffTime,
            smtpConnectTimeout: o.smtpConnectTimeout ?? smtpConnectTimeout)
    }

    /// The timers that are set, as main.cf parameters (`queue_run_delay = 10s`), in a fixed order.
    public var mainCFTimers: [(parameter: String, seconds: Int)] {
        [("queue_run_delay", queueRunDelay), ("minimal_backoff_time", minimalBackoffTime),
         ("maximal_backoff_time", maximalBackoffTime), ("smtp_connect_timeout", smtpConnectTimeout)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    /// A timer's effective value: the one set, or Postfix's default.
    public func effective(_ parameter: String) -> Int {
        mainCFTimers.first { $0.parameter == parameter }?.seconds ?? Self.postfixDefaults[parameter] ?? 0
    }
}

/// The `postfix:` mapping of topology files.
public enum PostfixYAML {
    /// Keys of `postfix:`. The timers keep Postfix's own parameter names.
    public static let keys = ["routing", "backup-relays", "queue_run_delay", "minimal_backoff_time", "maximal_backoff_time", "smtp_connect_timeout"]
    /// Longest timer the topology may set (a day).
    public static let maximumSeconds = 86_400

    /// Reads `{ routing, backup-relays, queue_run_delay, … }` at `path`; nil after an error.
    public static func settings(_ node: Node, _ path: String, context: inout YAMLContext) -> PostfixSettings? {
        guard let mapping = context.mapping(node, path, example: "{ queue_run_delay: 10s, minimal_backoff_time: 10s }") else { return nil }
        let errorsBefore = context.errors.count
        let values = context.keys(of: mapping, path, allowed: keys, line: YAMLContext.line(of: node))
        var settings = PostfixSettings()
        if let value = values["routing"], let text = context.scalar(value, "\(path).routing", example: "hierarchy") {
            settings.routing = PostfixSettings.Routing(rawValue: text)
            if settings.routing == nil {
                context.error(.badPostfix, line: YAMLContext.line(of: value), "\(path).routing is \"\(text)\"",
                              fix: "use hierarchy (relayhost chains up the tree) or static (a full transport table)")
            }
        }
        if let value = values["backup-relays"], let text = context.scalar(value, "\(path).backup-relays", example: "true") {
            switch text.lowercased() {
            case "true", "yes", "on": settings.backupRelays = true
            case "false", "no", "off": settings.backupRelays = false
            default:
                context.error(.badPostfix, line: YAMLContext.line(of: value), "\(path).backup-relays is \"\(text)\", which is not true or false",
                              fix: "use true (MX-style fallback relays) or false")
            }
        }
        func seconds(_ key: String) -> Int? {
            guard let value = values[key], let text = context.scalar(value, "\(path).\(key)", example: "10s") else { return nil }
            if let ms = DurationText.milliseconds(text), ms % 1000 == 0, (1...maximumSeconds).contains(Int(ms / 1000)) { return Int(ms / 1000) }
            context.error(.badPostfix, line: YAMLContext.line(of: value),
                          "\(path).\(key) is \"\(text)\", which is not a whole number of seconds from 1s to 24h",
                          fix: "use a duration Postfix can take, like 10s, 5m or 1h (Postfix's default: \(PostfixSettings.postfixDefaults[key] ?? 0)s)")
            return nil
        }
        settings.queueRunDelay = seconds("queue_run_delay")
        settings.minimalBackoffTime = seconds("minimal_backoff_time")
        settings.maximalBackoffTime = seconds("maximal_backoff_time")
        settings.smtpConnectTimeout = seconds("smtp_connect_timeout")
        guard context.errors.count == errorsBefore else { return nil }
        return settings
    }

    /// Checks a merged setting: the minimal backoff must not exceed the maximal one
    /// (Postfix would silently clamp it). Reported at `line`.
    public static func check(_ settings: PostfixSettings, _ path: String, line: Int, context: inout YAMLContext) {
        let minimal = settings.effective("minimal_backoff_time"), maximal = settings.effective("maximal_backoff_time")
        if minimal > maximal {
            context.error(.badPostfix, line: line, "\(path): minimal_backoff_time (\(minimal)s) is above maximal_backoff_time (\(maximal)s)",
                          fix: "make minimal_backoff_time at most maximal_backoff_time (Postfix's defaults: 300s and 4000s)")
        }
    }
}
