import MXGPTopology

extension LabFault {
    /// The fault kinds and their arguments, for help texts and errors.
    public static let usage: [(kind: String, arguments: String, effect: String)] = [
        ("cut", "A B [--from A]", "blackhole both ways, or what --from sends (iptables)"),
        ("down", "A B", "set A's interface toward B down (ip link)"),
        ("loss", "A B PERCENT", "drop PERCENT each way (netem, else iptables statistic)"),
        ("rate", "A B RATE", "limit each way, e.g. 512kbit or 2mbit (tbf)"),
        ("delay", "A B MS [JITTER]", "add delay each way, e.g. 100ms 20ms (needs netem)"),
        ("partition", "NODE...", "cut every link between these nodes and the rest"),
        ("kill", "NODE", "SIGKILL the node; heal starts it again"),
        ("pause", "NODE", "SIGSTOP the node; heal resumes it"),
        ("restart", "NODE", "stop the node gracefully and start it again"),
        ("session-reset", "A B", "reset A's MXGP session with B (admin API)"),
        ("smtp-tempfail", "NODE [PERCENT]", "SMTP answers 421 to PERCENT (100) of recipients"),
    ]

    /// Parses `KIND ARGS…` as `mxgp lab fault` takes them.
    public static func parse(kind: String, arguments: [String], from: String? = nil) throws(LabError) -> LabFault {
        func need(_ count: ClosedRange<Int>) throws(LabError) {
            guard count.contains(arguments.count) else {
                let form = usage.first { $0.kind == kind }?.arguments ?? ""
                throw LabError("\(kind) takes \(form); got \(arguments.isEmpty ? "nothing" : arguments.joined(separator: " "))")
            }
        }
        if from != nil, kind != "cut" { throw LabError("--from goes with cut only") }
        switch kind {
        case "cut":
            try need(2...2)
            return .cut(a: arguments[0], b: arguments[1], from: from)
        case "down":
            try need(2...2)
            return .down(a: arguments[0], b: arguments[1])
        case "loss":
            try need(3...3)
            let text = arguments[2].hasSuffix("%") ? arguments[2] : arguments[2] + "%"
            guard let percent = LinkImpairment.percent(from: text), percent > 0 else {
                throw LabError("loss \(arguments[2].debugDescription) is not a percentage above 0 and at most 100, e.g. 30 or 2.5%")
            }
            return .loss(a: arguments[0], b: arguments[1], percent: percent)
        case "rate":
            try need(3...3)
            guard let kbit = LinkImpairment.kilobits(from: arguments[2]) else {
                throw LabError("rate \(arguments[2].debugDescription) is not a rate; write e.g. 512kbit, 2mbit or 1gbit")
            }
            return .rate(a: arguments[0], b: arguments[1], kbit: kbit)
        case "delay":
            try need(3...4)
            let ms = try milliseconds(arguments[2], what: "delay")
            let jitter = try arguments.count == 4 ? milliseconds(arguments[3], what: "jitter") : nil
            return .delay(a: arguments[0], b: arguments[1], milliseconds: ms, jitter: jitter)
        case "partition":
            guard !arguments.isEmpty else { throw LabError("partition takes the nodes to cut off, e.g. partition t1a") }
            return .partition(nodes: arguments)
        case "kill", "pause", "restart":
            try need(1...1)
            return kind == "kill" ? .kill(node: arguments[0]) : kind == "pause" ? .pause(node: arguments[0]) : .restart(node: arguments[0])
        case "session-reset":
            try need(2...2)
            return .sessionReset(a: arguments[0], b: arguments[1])
        case "smtp-tempfail":
            try need(1...2)
            guard let percent = arguments.count == 2 ? Int(arguments[1].trimmingCharacters(in: ["%"])) : 100, (1...100).contains(percent) else {
                throw LabError("smtp-tempfail takes a percentage from 1 to 100")
            }
            return .smtpTempfail(node: arguments[0], percent: percent)
        default:
            throw LabError("unknown fault \(kind.debugDescription); faults: \(usage.map(\.kind).joined(separator: ", "))")
        }
    }

    static func milliseconds(_ text: String, what: String) throws(LabError) -> Int {
        let withUnit = text.last?.isLetter == true ? text : text + "ms"
        guard let ms = LinkImpairment.milliseconds(from: withUnit), ms > 0 else {
            throw LabError("\(what) \(text.debugDescription) is not a duration; write e.g. 100ms or 1s")
        }
        return ms
    }
}
