import MXGPCore
import Yams

// MARK: - Timers

extension NodeConfigReader {
    mutating func timers(_ node: Node) -> NodeConfig.Timers {
        if YAMLContext.isNull(node) { return .production }
        guard let mapping = context.mapping(node, "timers", example: "{ profile: lab }") else { return .production }
        if let (keyNode, _) = mapping.first(where: { $0.key.string == "keepalive" }) {
            context.error(.badTimer, line: YAMLContext.line(of: keyNode), "timers.keepalive cannot be set: it is always a third of the hold time",
                          fix: "remove it and set timers.hold (hold 90 gives keepalive 30; profile: lab gives hold 3, keepalive 1)")
        }
        let rest = Node.Mapping(mapping.filter { $0.key.string != "keepalive" }.map { ($0.key, $0.value) }, mapping.tag, mapping.style, mapping.mark)
        let values = context.keys(of: rest, "timers", allowed: NodeConfigParser.timerKeys, line: YAMLContext.line(of: node))
        var profile = NodeConfig.TimerProfile.production
        if let node = values["profile"], let text = context.scalar(node, "timers.profile", example: "lab") {
            if let value = NodeConfig.TimerProfile(rawValue: text) {
                profile = value
            } else {
                context.error(.badTimer, line: YAMLContext.line(of: node), "timers.profile \"\(text)\" is not a timer profile",
                              fix: "\(Self.guess(text, NodeConfig.TimerProfile.allCases.map(\.rawValue)))use production (hold 90 s) or lab (hold 3 s)")
            }
        }
        var timers = NodeConfig.Timers.defaults(for: profile)
        if let node = values["hold"], let ms = duration(node, "timers.hold", range: 0...65_535_000, fix: "use 0 (no hold timer) or 3 to 65535 seconds, like 90") {
            if ms % 1000 != 0 || (1..<3000).contains(ms) {
                context.error(.badTimer, line: YAMLContext.line(of: node), "timers.hold must be 0 or a whole number of seconds from 3 to 65535",
                              fix: "use 0 (no hold timer) or 3 to 65535 seconds, like 90")
            } else {
                timers.holdTime = UInt16(ms / 1000)
            }
        }
        let retryRange: ClosedRange<Int64> = 10...3_600_000
        for (key, keyPath) in [("connect-retry", \NodeConfig.Timers.connectRetry), ("connect-retry-max", \NodeConfig.Timers.connectRetryMax)] {
            if let node = values[key], let ms = duration(node, "timers.\(key)", range: retryRange, fix: "use a duration from 10ms to 1h, like 1s or 500ms") {
                timers[keyPath: keyPath] = .milliseconds(ms)
            }
        }
        if let node = values["connect-retry-reset"], let ms = duration(node, "timers.connect-retry-reset", range: 0...86_400_000,
                                                                        fix: "use a duration up to 24h, like 60s") {
            timers.connectRetryReset = .milliseconds(ms)
        }
        if timers.connectRetryMax < timers.connectRetry {
            context.error(.badTimer, line: YAMLContext.line(of: values["connect-retry-max"] ?? values["connect-retry"] ?? node),
                          "timers.connect-retry-max (\(NodeConfigText.duration(timers.connectRetryMax))) is below timers.connect-retry (\(NodeConfigText.duration(timers.connectRetry)))",
                          fix: "make connect-retry-max at least connect-retry (the first delay doubles up to the maximum)")
        }
        if let node = values["fast-liveness"], !NodeConfigReader.isOff(node),
           let ms = duration(node, "timers.fast-liveness", range: 10...65_535, fix: "use off or an interval from 10ms to 65535ms, like 200ms") {
            timers.fastLivenessMilliseconds = UInt16(ms)
        }
        if let node = values["slow-next-hop"], let limit = context.slowNextHop(node) { timers.slowNextHop = limit.duration }
        if let node = values["slow-next-hop-retry"], let retry = context.slowNextHopRetry(node) { timers.slowNextHopRetry = retry }
        if let node = values["advertisement-interval"], let ms = duration(node, "timers.advertisement-interval", range: 0...60_000,
                                                                           fix: "use a duration up to 60s, like 0 (send at once) or 500ms") {
            timers.advertisementInterval = .milliseconds(ms)
        }
        return timers
    }

    /// A duration in milliseconds within `range` (``YAMLContext/duration(_:_:range:fix:)``).
    mutating func duration(_ node: Node, _ path: String, range: ClosedRange<Int64>, fix: String) -> Int64? {
        context.duration(node, path, range: range, fix: fix)
    }
}
