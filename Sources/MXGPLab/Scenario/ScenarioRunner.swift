import Foundation
import MXGPAdminAPI
import MXGPCore
import NIOConcurrencyHelpers

/// Runs a scenario's steps against a lab that is up and reports each step's verdict.
///
/// Sends go through `mxgp send` inside the source node (background ones run while later
/// steps go on); faults and heals through ``LabFaults``; expectations are polled every
/// 200 ms until they hold or their `within` runs out, and the time it took is reported
/// (for a route expectation after a fault, that is the failover time).
public struct ScenarioRunner: Sendable {
    public var lab: Lab
    public var scenario: Scenario
    /// Called with each step's result as it finishes.
    public var progress: @Sendable (StepResult) -> Void

    public init(lab: Lab, scenario: Scenario, progress: @escaping @Sendable (StepResult) -> Void = { _ in }) {
        self.lab = lab
        self.scenario = scenario
        self.progress = progress
    }

    /// Messages one send step submitted.
    struct Sent: Sendable {
        var id: String
        var send: ScenarioSend
        var messages: [(messageId: String, status: String)]
    }

    /// State shared by the steps of one run.
    final class RunState: Sendable {
        private struct Fields {
            var sends: [Sent] = []
            var background: [String: Task<Sent, Never>] = [:]
            var schedule: [ScheduleEntry] = []
        }
        private let fields = NIOLockedValueBox(Fields())

        func record(_ sent: Sent) { fields.withLockedValue { $0.sends.append(sent) } }
        func note(_ at: Double, _ action: String, _ fault: LabFault?) {
            fields.withLockedValue { $0.schedule.append(ScheduleEntry(at: at, action: action, fault: fault)) }
        }
        /// Remembers a send running in the background.
        func runInBackground(_ id: String, _ task: Task<Sent, Never>) { fields.withLockedValue { $0.background[id] = task } }
        /// The fault schedule so far.
        var schedule: [ScheduleEntry] { fields.withLockedValue { $0.schedule } }
        /// Every send, waiting for background ones first.
        func allSends() async -> [Sent] {
            let running = fields.withLockedValue { $0.background }
            for (_, task) in running { _ = await task.value }
            fields.withLockedValue { $0.background = [:] }
            return fields.withLockedValue { $0.sends }
        }
    }

    public func run() async -> ScenarioReport {
        let clock = ContinuousClock()
        let start = clock.now
        let state = RunState()
        var results: [StepResult] = []
        var lastSend: String?
        for (index, step) in scenario.steps.enumerated() {
            let began = clock.now
            let at = (began - start).inSeconds
            var (verdict, detail) = (StepResult.Verdict.done, "")
            switch step.action {
            case .send(let send):
                let id = send.id ?? "send\(index + 1)"
                lastSend = id
                let task = Task { await self.send(send, id: id, step: index) }
                if send.background {
                    state.runInBackground(id, task)
                    Task { state.record(await task.value) }
                    detail = "started in the background"
                } else {
                    let sent = await task.value
                    state.record(sent)
                    let accepted = sent.messages.filter { $0.status == "accepted" }.count
                    detail = "\(accepted)/\(send.count) accepted"
                    if accepted == 0 { verdict = .failed }
                }
            case .fault(let fault):
                state.note(at, "fault", fault)
                do { try await LabFaults(lab: lab).apply(fault) } catch {
                    (verdict, detail) = (.failed, "\(error)")
                }
            case .heal(let fault):
                state.note(at, "heal", fault)
                do { detail = try await heal(fault) } catch { (verdict, detail) = (.failed, "\(error)") }
            case .wait(let duration):
                try? await Task.sleep(for: duration)
            case .expect(let expectation, let within):
                let deadline = clock.now + (within ?? .zero)
                var outcome = await holds(expectation, lastSend: lastSend, state: state)
                while !outcome.held, clock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(200))
                    outcome = await holds(expectation, lastSend: lastSend, state: state)
                }
                (verdict, detail) = (outcome.held ? .passed : .failed, outcome.detail)
            case .complain(let node, let send, let count):
                state.note(at, "complain", nil)
                (verdict, detail) = await complain(at: node, send: send ?? lastSend, count: count, state: state)
            case .check(let within):
                let check = await deliveryCheck(state: state, within: within)
                (verdict, detail) = (check.lost.isEmpty && check.duplicated.isEmpty ? .passed : .failed, check.summary)
            }
            let result = StepResult(index: index, line: step.line, step: step.action.label, verdict: verdict, at: at,
                                    seconds: (clock.now - began).inSeconds, detail: detail)
            progress(result)
            results.append(result)
        }
        let final = await deliveryCheck(state: state, within: .zero)
        return ScenarioReport(
            scenario: scenario.name, description: scenario.description, lab: lab.name, seed: scenario.seed,
            startedAt: ISO8601DateFormatter().string(from: Date().addingTimeInterval(-(clock.now - start).inSeconds)),
            seconds: (clock.now - start).inSeconds, steps: results, schedule: state.schedule,
            messages: final.records, lost: final.lost, duplicated: final.duplicated)
    }

    // MARK: - Steps

    func send(_ send: ScenarioSend, id: String, step: Int) async -> Sent {
        let node = lab.plan.node(send.from)
        let domain = node?.config.domains.first?.text ?? "\(send.from).\(lab.name).lab"
        var argv = [lab.backend.nodeBinary(lab.state), "send", "--server", "127.0.0.1:25", "--from", "scenario@\(domain)", "--to", send.to,
                    "--count", String(send.count), "--subject", "mxgp scenario \(scenario.name) \(id)", "--json"]
        if let rate = send.rate { argv += ["--rate", String(rate)] }
        let budget = Duration.seconds(30) + .milliseconds(Int64(Double(send.count) * 1000 / (send.rate ?? 50)))
        let result = await lab.backend.exec(lab.plan, node: send.from, argv, timeout: budget)
        struct Output: Decodable {
            struct Message: Decodable { var messageId: String; var status: String }
            var messages: [Message]
        }
        let messages = (try? JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8)))?.messages ?? []
        return Sent(id: id, send: send, messages: messages.map { (Self.bare($0.messageId), $0.status) })
    }

    /// Files complaints at `node` (POST /v1/complaints, what `mxgp ctl complain` does) about the
    /// first `count` messages of send `id` found in the node's mailboxes.
    func complain(at node: String, send id: String?, count: Int, state: RunState) async -> (StepResult.Verdict, String) {
        guard let id else { return (.failed, "no send step before this complaint") }
        guard let sent = await state.allSends().first(where: { $0.id == id }) else { return (.failed, "no send named \(id)") }
        let ids = sent.messages.filter { $0.status == "accepted" }.map(\.messageId).prefix(count)
        guard !ids.isEmpty else { return (.failed, "\(id) has no accepted message to complain about") }
        var notes: [String] = []
        for messageId in ids {
            let query = messageId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? messageId
            do {
                let (status, body) = try await lab.backend.admin(lab.plan, node: node, method: "POST", path: AdminPath.complaints + "?messageId=\(query)")
                guard status == 200 else { return (.failed, "\(node) answered \(status) to the complaint about \(messageId): \(body)") }
                struct Outcome: Decodable { var bookedAgainst: String?; var amount: Int; var forwardedTo: String? }
                let outcome = try JSONDecoder().decode(Outcome.self, from: Data(body.utf8))
                notes.append("\(messageId): \(outcome.amount) against \(outcome.bookedAgainst ?? "nobody")" + (outcome.forwardedTo.map { ", REPORT to \($0)" } ?? ""))
            } catch {
                return (.failed, "complaint about \(messageId) at \(node): \(error)")
            }
        }
        return (.done, notes.joined(separator: "; "))
    }

    /// Heals everything, or one fault: everything, then the others are applied again.
    func heal(_ fault: LabFault?) async throws -> String {
        let (healed, undone) = try await LabFaults(lab: lab).healAll()
        guard let fault else { return undone.isEmpty ? "nothing to heal" : "healed: " + undone.map(\.description).joined(separator: ", ") }
        guard undone.contains(fault) else { throw LabError("\(fault.description) is not active; active: \(undone.map(\.description).joined(separator: ", "))") }
        for other in undone where other != fault { try await LabFaults(lab: healed).apply(other) }
        return "healed: \(fault.description)"
    }

    // MARK: - Expectations

    func holds(_ expectation: ScenarioExpectation, lastSend: String?, state: RunState) async -> (held: Bool, detail: String) {
        do {
            switch expectation {
            case .delivered(let to, let count):
                let copies = try await mailbox(to).count
                return (copies >= count, "\(copies) in \(to)")
            case .bounced(let to, let count):
                let notices = try await mailbox(to).filter { $0.subject.hasPrefix("Undelivered Mail") }.count
                return (notices >= count, "\(notices) delivery status notifications in \(to)")
            case .via(let nodes, let send):
                guard let id = send ?? lastSend else { return (false, "no send step before this expectation") }
                let sent = await state.allSends().first { $0.id == id }
                guard let sent else { return (false, "no send named \(id)") }
                let messages = try await mailbox(sent.send.to)
                let ids = Set(sent.messages.filter { $0.status == "accepted" }.map(\.messageId))
                let mine = messages.filter { ids.contains(Self.bare($0.messageId)) }
                let off = mine.filter { hops in !nodes.allSatisfy(hops.hops.contains) }
                guard !mine.isEmpty else { return (false, "none of \(id)'s messages has arrived yet") }
                return (off.isEmpty && mine.count >= ids.count, "\(mine.count - off.count)/\(ids.count) of \(id) crossed \(nodes.joined(separator: ", "))"
                        + (off.first.map { "; e.g. \($0.hops.joined(separator: ">"))" } ?? ""))
            case .route(let node, let domain, let nextHop, let path):
                let route = try await lab.liveRoutes(node)[domain]
                var held = route != nil
                if let nextHop { held = held && route?.nextHop == nextHop }
                if let path { held = held && route?.path == path }
                return (held, "\(node) has \(route?.description ?? "no route") for \(domain)")
            case .session(let a, let b, let wanted):
                let state = try await lab.livePeers(a).first { $0.name == b }?.state.lowercased() ?? "unknown"
                // `down`: any state but established (connect and active alternate while a
                // node retries; which one a poll sees depends on how fast the backend answers).
                let held = wanted == "down" ? state != "established" && state != "unknown" : state == wanted
                return (held, "\(a)–\(b) is \(state)")
            case .queue(let node, let min, let max):
                let depth = try await lab.queueDepth(node)
                return (depth >= (min ?? 0) && depth <= (max ?? Int.max), "\(node) queues \(depth)")
            case .ledger(let node, let neighbour, let owed, let earned, let chargebacks):
                let entry = try await lab.ledger(node).first { $0.neighbour == neighbour }
                let o = entry?.owed ?? 0, e = entry?.earned ?? 0, c = entry?.chargebacks ?? 0
                return ((owed.map { o >= $0 } ?? true) && (earned.map { e >= $0 } ?? true) && (chargebacks.map { c >= $0 } ?? true),
                        "\(node) owes \(neighbour) \(o), earned \(e), chargebacks \(c)")
            }
        } catch {
            return (false, "\(error)")
        }
    }

    /// The messages in the mailbox of `address`, at every node that originates its domain (one
    /// node, except in a hijack lab, where the hijacker's mailbox counts too).
    func mailbox(_ address: String) async throws -> [AdminMailboxMessage] {
        let owners = owners(of: address)
        guard !owners.isEmpty else { throw LabError("no node of lab \(lab.name) owns the domain of \(address)") }
        var messages: [AdminMailboxMessage] = []
        for owner in owners { messages += try await lab.mailbox(owner, address) }
        return messages
    }

    /// The nodes that originate the longest suffix of `address`'s domain that any node originates.
    func owners(of address: String) -> [String] {
        guard let at = address.lastIndex(of: "@"), let domain = DomainName(String(address[address.index(after: at)...])) else { return [] }
        for suffix in domain.suffixes {
            let nodes = lab.plan.topology.nodes.filter { $0.domains.contains(suffix) }
            if !nodes.isEmpty { return nodes.map(\.name) }
        }
        return []
    }

    // MARK: - Delivery check

    struct Check {
        var records: [MessageRecord]
        var lost: [String]
        var duplicated: [String]
        var summary: String
    }

    /// Waits (up to `within`) until every accepted message is in its mailbox, then counts copies.
    func deliveryCheck(state: RunState, within: Duration) async -> Check {
        let sends = await state.allSends()
        let clock = ContinuousClock()
        let deadline = clock.now + within
        var check = await count(sends)
        while !check.lost.isEmpty, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(500))
            check = await count(sends)
        }
        if within > .zero, check.lost.isEmpty { try? await Task.sleep(for: .seconds(1)); check = await count(sends) }
        return check
    }

    func count(_ sends: [Sent]) async -> Check {
        var records: [MessageRecord] = []
        var lost: [String] = [], duplicated: [String] = []
        var bouncesLeft: [String: Int] = [:]
        for sent in sends {
            let box = (try? await mailbox(sent.send.to)) ?? []
            let source = lab.plan.node(sent.send.from)?.config.domains.first?.text ?? ""
            if bouncesLeft["scenario@\(source)"] == nil {
                bouncesLeft["scenario@\(source)"] = ((try? await mailbox("scenario@\(source)")) ?? []).filter { $0.subject.hasPrefix("Undelivered Mail") }.count
            }
            for message in sent.messages {
                let copies = box.filter { Self.bare($0.messageId) == message.messageId }
                records.append(MessageRecord(messageId: message.messageId, send: sent.id, to: sent.send.to, submitted: message.status,
                                             copies: copies.count, hops: copies.first?.hops ?? []))
                guard message.status == "accepted" else { continue }
                if copies.count > 1 { duplicated.append(message.messageId) }
                if copies.isEmpty {
                    if let left = bouncesLeft["scenario@\(source)"], left > 0 { bouncesLeft["scenario@\(source)"] = left - 1 } else { lost.append(message.messageId) }
                }
            }
        }
        let accepted = records.filter { $0.submitted == "accepted" }.count
        let delivered = records.filter { $0.copies == 1 }.count
        var summary = "\(accepted) accepted, \(delivered) delivered once, \(lost.count) lost, \(duplicated.count) duplicated"
        if !lost.isEmpty { summary += "; lost: " + lost.prefix(5).joined(separator: ", ") + (lost.count > 5 ? "…" : "") }
        if !duplicated.isEmpty { summary += "; duplicated: " + duplicated.prefix(5).joined(separator: ", ") }
        return Check(records: records, lost: lost, duplicated: duplicated, summary: summary)
    }

    /// `<id@host>` → `id@host`.
    static func bare(_ id: String) -> String { id.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }
}
