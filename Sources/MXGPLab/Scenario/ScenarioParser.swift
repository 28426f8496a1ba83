import Foundation
import MXGPCore
import MXGPTopology
import Yams

/// Reads scenario files (`Labs/scenarios/*.yaml`). Errors name the file, the line and the fix,
/// like topology errors; node names are checked against the scenario's topology.
///
/// ```yaml
/// scenario: fiber-cut
/// description: colo1's preferred upstream is blackholed mid-stream.
/// topology: ../quickstart.yaml
/// seed: 1
/// steps:
///   - send: { from: colo1, to: bob@bob.example, count: 40, rate: 10, background: true, id: stream }
///   - fault: cut colo1 up1
///   - expect: { route: { node: colo1, domain: bob.example, nextHop: up2 }, within: 10s }
///   - heal: all
///   - check: { within: 30s }
/// ```
public enum ScenarioParser {
    static let keys = ["scenario", "description", "topology", "seed", "steps"]
    static let stepKinds = ["send", "fault", "heal", "wait", "expect", "check", "complain"]
    static let expectationKinds = ["delivered", "via", "route", "session", "queue", "bounced", "ledger"]

    /// Reads and checks a scenario file; returns it with its topology.
    public static func load(path: String) throws(ConfigFileErrors) -> (Scenario, Topology) {
        var context = YAMLContext(file: path)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            context.error(.unreadableFile, line: 0, "cannot read the scenario file", fix: "check the path; scenarios live in Labs/scenarios/")
            throw context.failure
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses scenario YAML; `file` resolves the topology path and names errors.
    public static func parse(yaml: String, file: String) throws(ConfigFileErrors) -> (Scenario, Topology) {
        var context = YAMLContext(file: file)
        guard let root = context.compose(yaml), let mapping = context.mapping(root, "the scenario file", example: "scenario: NAME") else {
            throw context.failure
        }
        let values = context.keys(of: mapping, "the scenario file", allowed: keys, required: ["scenario", "topology", "steps"], line: 1)
        let name = values["scenario"].flatMap { context.scalar($0, "scenario", example: "fiber-cut") } ?? ""
        if !name.isEmpty, (try? LabPlanner.validateLabName(name)) == nil {
            context.error(.wrongType, line: YAMLContext.line(of: values["scenario"]), "scenario name \(name.debugDescription) cannot name a run folder",
                          fix: "use a-z, 0-9 and '-', at most 24 characters")
        }
        let description = values["description"].flatMap { context.scalar($0, "description", example: "what the exercise shows") } ?? ""
        let seed = values["seed"].flatMap { context.number($0, "seed", kind: .wrongType, fix: "write a whole number, e.g. seed: 7") }.map(UInt64.init) ?? 1
        var topology: Topology?
        var topologyPath = ""
        if let node = values["topology"], let relative = context.scalar(node, "topology", example: "../quickstart.yaml") {
            topologyPath = URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: file).deletingLastPathComponent()).standardizedFileURL.path
            do {
                topology = try Topology.load(path: topologyPath).topology
            } catch {
                context.error(.unreadableFile, line: YAMLContext.line(of: node), "the topology \(relative) cannot be used: \(error.errors.first?.description ?? "\(error)")",
                              fix: "give a topology file relative to the scenario file, e.g. topology: ../quickstart.yaml")
            }
        }
        var steps: [ScenarioStep] = []
        if let node = values["steps"], let list = context.sequence(node, "steps", example: "- fault: cut colo1 up1") {
            var reader = StepReader(context: context, topology: topology)
            steps = list.compactMap { reader.step($0) }
            context = reader.context
            if list.isEmpty { context.error(.missingKey, line: YAMLContext.line(of: node), "the scenario has no steps", fix: "add steps: send, fault, expect, heal, check") }
        }
        guard context.isClean, let topology else { throw context.failure }
        return (Scenario(name: name, description: description, topologyPath: topologyPath, seed: seed, steps: steps), topology)
    }

    /// `500ms`, `10s`, `2m`, `1h` (``DurationText``) → a duration, at most an hour.
    public static func duration(_ text: String) -> Duration? {
        guard let ms = DurationText.milliseconds(text), ms <= 3_600_000 else { return nil }
        return .milliseconds(ms)
    }
}

/// Reads the steps; collects errors in `context`.
struct StepReader {
    var context: YAMLContext
    let topology: Topology?

    mutating func step(_ node: Node) -> ScenarioStep? {
        let line = YAMLContext.line(of: node)
        guard let mapping = context.mapping(node, "a step", example: "- fault: cut colo1 up1") else { return nil }
        let values = context.keys(of: mapping, "a step", allowed: ScenarioParser.stepKinds + ["within"], line: line)
        let kinds = ScenarioParser.stepKinds.filter { values[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let value = values[kind] else {
            if !values.isEmpty || mapping.count == 0 {
                context.error(.badStep, line: line, "a step needs exactly one of \(ScenarioParser.stepKinds.joined(separator: ", "))", fix: "split it into one step per action")
            }
            return nil
        }
        let within = values["within"].flatMap { duration($0, "within") }
        if values["within"] != nil, kind != "expect" {
            context.error(.badStep, line: line, "within goes with expect only", fix: "remove within, or use a wait step")
        }
        let action: ScenarioAction?
        switch kind {
        case "send": action = send(value).map(ScenarioAction.send)
        case "fault": action = fault(value).map(ScenarioAction.fault)
        case "heal":
            if let text = context.scalar(value, "heal", example: "all"), text == "all" { action = .heal(nil) } else { action = fault(value).map { .heal($0) } }
        case "wait": action = duration(value, "wait").map(ScenarioAction.wait)
        case "expect": action = expectation(value).map { .expect($0, within: within) }
        case "complain": action = complain(value)
        default: action = check(value)
        }
        return action.map { ScenarioStep(action: $0, line: line) }
    }

    mutating func duration(_ node: Node, _ what: String) -> Duration? {
        guard let text = context.scalar(node, what, example: "10s") else { return nil }
        guard let value = ScenarioParser.duration(text) else {
            context.error(.badTimer, line: YAMLContext.line(of: node), "\(what) \(text.debugDescription) is not a duration", fix: "write e.g. 500ms, 10s or 2m (at most 60m)")
            return nil
        }
        return value
    }

    mutating func node(_ node: Node?, _ what: String) -> String? {
        guard let node, let name = context.scalar(node, what, example: "colo1") else { return nil }
        return known(name, what, line: YAMLContext.line(of: node))
    }

    /// `name` when the topology has such a node; otherwise an error at `line`.
    mutating func known(_ name: String, _ what: String, line: Int) -> String? {
        if let topology, topology.node(named: name) == nil {
            context.error(.unknownNode, line: line, "\(what) \(name.debugDescription) is not a node of topology \(topology.name)",
                          fix: YAMLContext.closest(to: name, in: topology.nodes.map(\.name)).map { "did you mean \($0.debugDescription)?" } ?? "nodes: \(topology.nodes.map(\.name).joined(separator: ", "))")
            return nil
        }
        return name
    }

    mutating func count(_ node: Node?, _ what: String, default value: Int? = nil) -> Int? {
        guard let node else { return value }
        return context.number(node, what, kind: .badStep, range: 0...1_000_000, fix: "write a whole number").map(Int.init)
    }

    mutating func send(_ node: Node) -> ScenarioSend? {
        guard let mapping = context.mapping(node, "send", example: "{ from: colo1, to: bob@bob.example, count: 10 }") else { return nil }
        let line = YAMLContext.line(of: node)
        let v = context.keys(of: mapping, "send", allowed: ["from", "to", "count", "rate", "background", "id"], required: ["from", "to"], line: line)
        let from = self.node(v["from"], "send.from")
        let to = v["to"].flatMap { context.scalar($0, "send.to", example: "bob@bob.example") }
        let count = self.count(v["count"], "send.count", default: 1)
        var rate: Double?
        if let node = v["rate"], let text = context.scalar(node, "send.rate", example: "10") {
            rate = Double(text).flatMap { $0 > 0 && $0 <= 1000 ? $0 : nil }
            if rate == nil { context.error(.badStep, line: YAMLContext.line(of: node), "send.rate \(text.debugDescription) is not a rate", fix: "messages per second, more than 0 and at most 1000") }
        }
        let background = v["background"].flatMap { context.scalar($0, "send.background", example: "true") } == "true"
        let id = v["id"].flatMap { context.scalar($0, "send.id", example: "stream") }
        guard let from, let to, let count, count >= 1 else { return nil }
        return ScenarioSend(from: from, to: to, count: count, rate: rate, background: background, id: id)
    }

    mutating func fault(_ node: Node) -> LabFault? {
        guard let text = context.scalar(node, "fault", example: "cut colo1 up1") else { return nil }
        var words = text.split(separator: " ").map(String.init)
        var from: String?
        if let index = words.firstIndex(of: "--from"), index + 1 < words.count {
            from = words[index + 1]
            words.removeSubrange(index...(index + 1))
        }
        guard let kind = words.first else {
            context.error(.badStep, line: YAMLContext.line(of: node), "the fault is empty", fix: "write e.g. fault: cut colo1 up1")
            return nil
        }
        do {
            let fault = try LabFault.parse(kind: kind, arguments: Array(words.dropFirst()), from: from)
            for name in fault.nodes where known(name, "fault node", line: YAMLContext.line(of: node)) == nil { return nil }
            return fault
        } catch {
            context.error(.badStep, line: YAMLContext.line(of: node), error.description, fix: "faults are written as for mxgp lab fault, e.g. cut colo1 up1 --from colo1")
            return nil
        }
    }

    mutating func expectation(_ node: Node) -> ScenarioExpectation? {
        let example = "{ delivered: { to: bob@bob.example, count: 10 } }"
        guard let mapping = context.mapping(node, "expect", example: example) else { return nil }
        let line = YAMLContext.line(of: node)
        let v = context.keys(of: mapping, "expect", allowed: ScenarioParser.expectationKinds + ["send"], line: line)
        let kinds = ScenarioParser.expectationKinds.filter { v[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let value = v[kind] else {
            context.error(.badStep, line: line, "expect needs exactly one of \(ScenarioParser.expectationKinds.joined(separator: ", "))", fix: "one expectation per step")
            return nil
        }
        if kind == "via" {
            guard let list = context.scalarList(value, "expect.via", example: "[up2]") else { return nil }
            let nodes = list.compactMap { known($0.text, "expect.via", line: $0.line) }
            guard nodes.count == list.count else { return nil }
            return .via(nodes: nodes, send: v["send"].flatMap { context.scalar($0, "send", example: "stream") })
        }
        guard let fields = context.mapping(value, "expect.\(kind)", example: example) else { return nil }
        let fline = YAMLContext.line(of: value)
        switch kind {
        case "delivered", "bounced":
            let f = context.keys(of: fields, "expect.\(kind)", allowed: ["to", "count"], required: ["to"], line: fline)
            guard let to = f["to"].flatMap({ context.scalar($0, "to", example: "bob@bob.example") }), let count = count(f["count"], "count", default: 1) else { return nil }
            return kind == "delivered" ? .delivered(to: to, count: count) : .bounced(to: to, count: count)
        case "route":
            let f = context.keys(of: fields, "expect.route", allowed: ["node", "domain", "nextHop", "path", "reason"], required: ["node", "domain"], line: fline)
            guard let node = self.node(f["node"], "route.node"), let domain = f["domain"].flatMap({ context.scalar($0, "route.domain", example: "bob.example") }) else { return nil }
            var nextHop: String??
            if let hop = f["nextHop"], let text = context.scalar(hop, "route.nextHop", example: "up2") {
                nextHop = text == "local" ? .some(nil) : .some(self.node(hop, "route.nextHop"))
            }
            let path = f["path"].flatMap { context.scalarList($0, "route.path", example: "[200, 2, 1, 100, 64502]") }?.compactMap { OperatorNumber($0.text) }
            if nextHop == nil, path == nil { context.error(.badStep, line: fline, "expect.route needs nextHop or path", fix: "add nextHop: NODE (or local), or path: [OPERATOR…]") }
            var reason: String?
            if let node = f["reason"], let text = context.scalar(node, "route.reason", example: "expectedCost") {
                if BestPathReason(rawValue: text) != nil {
                    reason = text
                } else {
                    context.error(.badStep, line: YAMLContext.line(of: node), "route.reason \"\(text)\" is not a decision step",
                                  fix: "use one of: \(BestPathReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            return .route(node: node, domain: domain, nextHop: nextHop, path: path, reason: reason)
        case "session":
            let f = context.keys(of: fields, "expect.session", allowed: ["a", "b", "state"], required: ["a", "b", "state"], line: fline)
            guard let a = self.node(f["a"], "session.a"), let b = self.node(f["b"], "session.b"),
                  let state = f["state"].flatMap({ context.scalar($0, "session.state", example: "established") }) else { return nil }
            return .session(a: a, b: b, state: state.lowercased())
        case "queue":
            let f = context.keys(of: fields, "expect.queue", allowed: ["node", "min", "max"], required: ["node"], line: fline)
            guard let node = self.node(f["node"], "queue.node") else { return nil }
            let min = f["min"] == nil ? nil : count(f["min"], "queue.min"), max = f["max"] == nil ? nil : count(f["max"], "queue.max")
            if min == nil, max == nil { context.error(.badStep, line: fline, "expect.queue needs min or max", fix: "add max: N (at most N queued) or min: N") }
            return .queue(node: node, min: min, max: max)
        default:
            let f = context.keys(of: fields, "expect.ledger", allowed: ["node", "neighbour", "owed", "earned", "chargebacks", "payable"], required: ["node", "neighbour"], line: fline)
            guard let node = self.node(f["node"], "ledger.node"), let neighbour = self.node(f["neighbour"], "ledger.neighbour") else { return nil }
            let owed = f["owed"] == nil ? nil : count(f["owed"], "ledger.owed")
            let earned = f["earned"] == nil ? nil : count(f["earned"], "ledger.earned")
            let chargebacks = f["chargebacks"] == nil ? nil : count(f["chargebacks"], "ledger.chargebacks")
            let payable = f["payable"] == nil ? nil : count(f["payable"], "ledger.payable")
            return .ledger(node: node, neighbour: neighbour, owed: owed, earned: earned, chargebacks: chargebacks, payable: payable)
        }
    }

    mutating func complain(_ node: Node) -> ScenarioAction? {
        guard let mapping = context.mapping(node, "complain", example: "{ node: dst, send: spam }") else { return nil }
        let v = context.keys(of: mapping, "complain", allowed: ["node", "send", "count"], required: ["node"], line: YAMLContext.line(of: node))
        guard let at = self.node(v["node"], "complain.node"), let count = count(v["count"], "complain.count", default: 1), count >= 1 else { return nil }
        return .complain(node: at, send: v["send"].flatMap { context.scalar($0, "complain.send", example: "spam") }, count: count)
    }

    mutating func check(_ node: Node) -> ScenarioAction? {
        if YAMLContext.isNull(node) { return .check(within: .seconds(30)) }
        guard let mapping = context.mapping(node, "check", example: "{ within: 30s }") else { return nil }
        let v = context.keys(of: mapping, "check", allowed: ["within"], line: YAMLContext.line(of: node))
        return .check(within: v["within"].flatMap { duration($0, "check.within") } ?? .seconds(30))
    }
}
