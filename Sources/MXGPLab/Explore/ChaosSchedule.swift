import MXGPCore
import MXGPTopology

/// A seeded fault and mail schedule for a topology (`mxgp sim explore`): sends between colos,
/// and faults of every kind — link cuts and downs, loss, node kills, restarts and pauses,
/// session resets, tempfails — each healed after a while; at the end everything is healed.
/// Same topology, seed and length: same schedule.
public enum ChaosSchedule {
    /// The schedule for `duration` seconds of chaos.
    public static func generate(_ topology: Topology, seed: UInt64, duration: Double = 30) -> [ScheduleEntry] {
        var rng = SeededRandom(seed: seed &* 0xD1B5_4A32_D192_ED03 &+ 5)
        func draw(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        func time(upTo fraction: Double) -> Double { (Double(rng.next() % 10_000) / 10_000 * duration * fraction * 10).rounded() / 10 }
        let colos = topology.nodes.filter { $0.role == .colo && $0.hijacked.isEmpty }
        let others = topology.nodes.filter { $0.role != .colo }.map(\.name)
        var entries: [ScheduleEntry] = []
        guard colos.count >= 2 else { return [] }
        // About the same density however long: 2 to 5 sends and 1 to 4 faults per 30 s.
        let scale = max(1, Int(duration / 30))
        for i in 0..<(draw(2...5) * scale) {
            let from = colos[draw(0...(colos.count - 1))]
            var to = colos[draw(0...(colos.count - 1))]
            if to.name == from.name { to = colos[(colos.firstIndex(of: from)! + 1) % colos.count] }
            let send = ScheduledSend(id: "s\(i + 1)", ScenarioSend(
                from: from.name, to: "u\(i + 1)@\(to.domains[0].text)", count: draw(1...10), rate: Double(draw(2...10)), background: true, id: "s\(i + 1)"))
            entries.append(ScheduleEntry(at: time(upTo: 0.7), action: "send", send: send))
        }
        // Per node and link, the time spans its faults take: one fault at a time, so heals undo
        // exactly what was applied (a fault done at once, like restart, takes a second; the
        // soak test found a restart drawn inside a kill's span, which a lab refuses).
        var spans: [String: [ClosedRange<Double>]] = [:]
        for _ in 0..<(draw(1...4) * scale) {
            let at = time(upTo: 0.8)
            let link = topology.links[draw(0...(topology.links.count - 1))]
            let node = topology.nodes[draw(0...(topology.nodes.count - 1))].name
            let fault: LabFault
            switch draw(0...8) {
            case 0, 1: fault = .cut(a: link.a, b: link.b, from: nil)
            case 2: fault = .down(a: link.a, b: link.b)
            case 3: fault = .loss(a: link.a, b: link.b, percent: Double(draw(1...5) * 10))
            case 4: fault = .kill(node: node)
            case 5: fault = .pause(node: others.isEmpty ? node : others[draw(0...(others.count - 1))])
            case 6: fault = .restart(node: node)
            case 7: fault = .sessionReset(a: link.a, b: link.b)
            default: fault = .smtpTempfail(node: node, percent: draw(0...1) == 0 ? 50 : 100)
            }
            let healAt = fault.persists ? min(duration, at + Double(draw(10...100)) / 10) : at + 1
            let span = at...healAt
            let keys = fault.nodes.count == 2 ? [SimKey.link(fault.nodes[0], fault.nodes[1])] + fault.nodes : fault.nodes
            guard keys.allSatisfy({ key in !(spans[key] ?? []).contains { $0.overlaps(span) } }) else { continue }
            for key in keys { spans[key, default: []].append(span) }
            entries.append(ScheduleEntry(at: at, action: "fault", fault: fault))
            if fault.persists { entries.append(ScheduleEntry(at: healAt, action: "heal", fault: fault)) }
        }
        entries.append(ScheduleEntry(at: duration, action: "heal", fault: nil))
        return entries.sorted { $0.at < $1.at }
    }

    enum SimKey {
        static func link(_ a: String, _ b: String) -> String { a < b ? "\(a)–\(b)" : "\(b)–\(a)" }
    }
}

extension Scenario {
    /// A recorded or generated schedule as a scenario: a wait up to each entry's time, sends in
    /// the background, faults and heals (complaints are not replayed); then, when `seconds` is
    /// given, a wait until then, and with `check`, the delivery check.
    public init(schedule: [ScheduleEntry], seconds: Double?, name: String, description: String, topologyPath: String, seed: UInt64, check: Duration?) {
        var steps: [ScenarioStep] = []
        var cursor = 0.0
        func wait(until at: Double) {
            guard at > cursor + 0.0005 else { return }
            steps.append(ScenarioStep(action: .wait(.milliseconds(Int64(((at - cursor) * 1000).rounded()))), line: 0))
            cursor = at
        }
        for entry in schedule.sorted(by: { $0.at < $1.at }) {
            wait(until: entry.at)
            switch entry.action {
            case "send":
                guard let send = entry.send else { continue }
                steps.append(ScenarioStep(action: .send(ScenarioSend(from: send.from, to: send.to, count: send.count, rate: send.rate, background: true, id: send.id)), line: 0))
            case "fault":
                if let fault = entry.fault { steps.append(ScenarioStep(action: .fault(fault), line: 0)) }
            case "heal":
                steps.append(ScenarioStep(action: .heal(entry.fault), line: 0))
            default:
                continue
            }
        }
        if let seconds { wait(until: seconds) }
        if let check { steps.append(ScenarioStep(action: .check(within: check), line: 0)) }
        self.init(name: name, description: description, topologyPath: topologyPath, seed: seed, steps: steps)
    }
}
