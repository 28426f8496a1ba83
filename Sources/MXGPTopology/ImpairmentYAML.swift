import Yams

extension LinkImpairment {
    /// Parses a delay or jitter (``DurationText``: `20ms`, `1s`, `1.5s`) into whole
    /// milliseconds, at most 60 s.
    public static func milliseconds(from text: String) -> Int? {
        guard let ms = DurationText.milliseconds(text), ms <= 60_000 else { return nil }
        return Int(ms)
    }

    /// Parses a loss such as `1%` or `0.5%` into percent (0–100).
    public static func percent(from text: String) -> Double? {
        guard let (number, unit) = split(text), unit == "%", number <= 100 else { return nil }
        return number
    }

    /// Parses a rate such as `512kbit`, `10mbit` or `1gbit` into kilobits per second (more than 0).
    public static func kilobits(from text: String) -> Int? {
        guard let (number, unit) = split(text) else { return nil }
        let factor: Double
        switch unit {
        case "kbit": factor = 1
        case "mbit": factor = 1000
        case "gbit": factor = 1_000_000
        default: return nil
        }
        let value = number * factor
        guard value >= 1, value <= 100_000_000, value == value.rounded() else { return nil }
        return Int(value)
    }

    /// The impairment in the topology file syntax, keys in a fixed order.
    public var yamlFields: [String] {
        var fields: [String] = []
        if let delay = delayMilliseconds { fields.append("delay: \(delay)ms") }
        if let jitter = jitterMilliseconds { fields.append("jitter: \(jitter)ms") }
        if let loss = lossPercent {
            fields.append("loss: \(loss == loss.rounded() ? String(Int(loss)) : String(loss))%")
        }
        if let rate = rateKbit { fields.append("rate: \(Self.rateText(kbit: rate))") }
        return fields
    }

    /// A rate in the largest unit that writes it exactly, as people write it: `10mbit`,
    /// `1gbit`, `512kbit` (10000 kilobits reads back as `10mbit`, not `10000kbit`).
    public static func rateText(kbit: Int) -> String {
        if kbit % 1_000_000 == 0 { return "\(kbit / 1_000_000)gbit" }
        if kbit % 1000 == 0 { return "\(kbit / 1000)mbit" }
        return "\(kbit)kbit"
    }

    /// Splits `12.5ms` into 12.5 and `ms`; nil unless it is a non-negative decimal then a unit.
    static func split(_ text: String) -> (Double, String)? {
        let lower = text.lowercased()
        guard let unitStart = lower.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) else { return nil }
        let digits = lower[..<unitStart]
        guard !digits.isEmpty, digits.first != ".", digits.last != ".", let number = Double(digits) else { return nil }
        return (number, String(lower[unitStart...]).trimmedBlanks())
    }
}

extension Reader {
    mutating func impairment(from node: Node, what: String) -> LinkImpairment? {
        let place = "the impairment of \(what)"
        guard let mapping = context.mapping(node, place, example: "{ delay: 20ms, jitter: 5ms, loss: 1%, rate: 10mbit }") else { return nil }
        let line = YAMLContext.line(of: node)
        let values = context.keys(of: mapping, place, allowed: TopologyParser.impairmentKeys, line: line)
        var result = LinkImpairment()
        if let node = values["delay"] {
            result.delayMilliseconds = value(node, "delay", place: place, parse: LinkImpairment.milliseconds,
                                             fix: "write a duration up to 60s, like 20ms or 1s")
        }
        if let node = values["jitter"] {
            result.jitterMilliseconds = value(node, "jitter", place: place, parse: LinkImpairment.milliseconds,
                                              fix: "write a duration up to 60s, like 5ms")
            if values["delay"] == nil {
                context.error(.badImpairment, line: YAMLContext.line(of: node), "\(place) has a jitter but no delay",
                              fix: "add a delay at least as large as the jitter, like delay: 20ms (netem varies the delay)")
            }
        }
        if let node = values["loss"] {
            result.lossPercent = value(node, "loss", place: place, parse: LinkImpairment.percent,
                                       fix: "write a percentage from 0% to 100%, like 1% or 0.5%")
        }
        if let node = values["rate"] {
            result.rateKbit = value(node, "rate", place: place, parse: LinkImpairment.kilobits,
                                    fix: "write a rate with kbit, mbit or gbit, like 512kbit or 10mbit")
        }
        return result == LinkImpairment() ? nil : result
    }

    private mutating func value<T>(_ node: Node, _ key: String, place: String, parse: (String) -> T?, fix: String) -> T? {
        guard let text = context.scalar(node, "\(key) in \(place)", example: "20ms") else { return nil }
        if let value = parse(text) { return value }
        context.error(.badImpairment, line: YAMLContext.line(of: node), "\(key) \"\(text)\" in \(place) is not valid", fix: fix)
        return nil
    }
}
