import MXGPCore
import Yams

extension NodeConfigParser {
    /// Keys of `overload`.
    public static let overloadKeys = ["queue-high", "queue-low", "rate-high", "rate-low", "tempfail-high", "tempfail-low", "hold"]
}

extension NodeConfigReader {
    /// `overload: { queue-high: 500, queue-low: 100, rate-high: 0, tempfail-high: 0, hold: 10s }`,
    /// `overload: {}` (every default) or `off`.
    mutating func overload(_ node: Node) -> OverloadSettings? {
        if Self.isOff(node) { return nil }
        return OverloadYAML.settings(node, "overload", context: &context)
    }
}

/// The `overload:` mapping, shared by node configs and topology nodes.
public enum OverloadYAML {
    /// Reads `{ queue-high, queue-low, rate-high, rate-low, tempfail-high, tempfail-low, hold }`
    /// at `path` (every key optional); nil after an error of kind `badOverload`.
    public static func settings(_ node: Node, _ path: String, context: inout YAMLContext) -> OverloadSettings? {
        let example = "{ queue-high: 500, queue-low: 100 }"
        guard let mapping = context.mapping(node, path, example: example) else { return nil }
        let errorsBefore = context.errors.count
        let values = context.keys(of: mapping, path, allowed: NodeConfigParser.overloadKeys, line: YAMLContext.line(of: node))
        func count(_ key: String, _ fix: String) -> Int? {
            values[key].flatMap { context.number($0, "\(path).\(key)", kind: .badOverload, range: 0...10_000_000, fix: fix) }.map(Int.init)
        }
        let defaults = OverloadSettings()
        let queueHigh = count("queue-high", "use the queue depth (messages) above which the node drains, like 500; 0 switches it off")
            ?? defaults.queueHigh
        let queueLow = count("queue-low", "use the queue depth at or below which draining stops, like 100") ?? min(defaults.queueLow, queueHigh / 2)
        let rateHigh = count("rate-high", "use messages accepted per minute above which the node drains, like 6000; 0 switches it off") ?? 0
        let rateLow = count("rate-low", "use messages per minute at or below which draining stops, like 3000") ?? rateHigh / 2
        let tempfailHigh = count("tempfail-high", "use tempfails given per minute above which the node drains, like 100; 0 switches it off") ?? 0
        let tempfailLow = count("tempfail-low", "use tempfails per minute at or below which draining stops, like 50") ?? tempfailHigh / 2
        var hold = defaults.hold
        if let node = values["hold"], let text = context.scalar(node, "\(path).hold", example: "10s") {
            if let ms = DurationText.milliseconds(text), (0...3_600_000).contains(ms) {
                hold = .milliseconds(ms)
            } else {
                context.error(.badOverload, line: YAMLContext.line(of: node), "\(path).hold is \"\(text)\", which is not a duration up to 1h",
                              fix: "use a duration up to 1h, like 10s or 500ms")
            }
        }
        for (key, high, low) in [("queue", queueHigh, queueLow), ("rate", rateHigh, rateLow), ("tempfail", tempfailHigh, tempfailLow)]
        where high > 0 && low >= high {
            context.error(.badOverload, line: YAMLContext.line(of: values["\(key)-low"] ?? node),
                          "\(path).\(key)-low (\(low)) is not below \(path).\(key)-high (\(high))",
                          fix: "make \(key)-low smaller than \(key)-high: the gap between them keeps the node from flapping")
        }
        guard context.errors.count == errorsBefore else { return nil }
        return OverloadSettings(
            queueHigh: queueHigh, queueLow: queueLow, rateHigh: rateHigh, rateLow: rateLow, tempfailHigh: tempfailHigh,
            tempfailLow: tempfailLow, hold: hold)
    }
}

extension NodeConfigText {
    /// No line when the node has no `overload:` (the default), so existing configs print as before.
    static func overloadLines(_ settings: OverloadSettings?) -> [String] {
        guard let s = settings else { return [] }
        return [
            "overload:",
            "  queue-high: \(s.queueHigh)", "  queue-low: \(s.queueLow)",
            "  rate-high: \(s.rateHigh)", "  rate-low: \(s.rateLow)",
            "  tempfail-high: \(s.tempfailHigh)", "  tempfail-low: \(s.tempfailLow)",
            "  hold: \(duration(s.hold))",
        ]
    }
}
