import Foundation
import MXGPAdminAPI
import MXGPCore
import NIOConcurrencyHelpers

/// How a scenario run is paced for a room (`mxgp lab run --slow FACTOR --no-pause --stop-before-heal`).
public struct ScenarioPacing: Sendable {
    /// Wait steps last this many times as long, and each step after the first starts after a
    /// breather of (FACTOR − 1) s, so a room can follow. 1 runs at full speed.
    public var slow: Double
    /// Stop before the last `heal` step: it and the steps after it are not run, and the lab
    /// keeps its faults for the class to look at.
    public var stopBeforeFinalHeal: Bool
    /// Asks a `pause:` question and waits for the room (Enter on a terminal); returns what
    /// the report says. nil: pauses are skipped.
    public var ask: (@Sendable (String) async -> String)?
    /// Why pauses are skipped, for the report (`--no-pause`, no terminal, the simulator).
    public var whyNotPaused: String?

    public init(slow: Double = 1, stopBeforeFinalHeal: Bool = false, ask: (@Sendable (String) async -> String)? = nil, whyNotPaused: String? = nil) {
        self.slow = max(1, slow)
        self.stopBeforeFinalHeal = stopBeforeFinalHeal
        self.ask = ask
        self.whyNotPaused = whyNotPaused
    }

    /// The pause between steps: (slow − 1) seconds.
    public var breather: Duration { .milliseconds(Int64(((slow - 1) * 1000).rounded())) }
}

/// Runs a scenario's steps against a target (a lab that is up, or the simulator) and reports
/// each step's verdict.
///
/// Sends are submitted at the source node's relay (background ones run while later steps go
/// on); faults and heals go to the target; expectations are polled every 200 ms of the
/// target's clock until they hold or their `within` runs out, and the time it took is
/// reported (for a route expectation after a fault, that is the failover time).
public struct ScenarioRunner: Sendable {
    public var target: any ScenarioTarget
    public var scenario: Scenario
    /// Called with each step's result as it finishes.
    public var progress: @Sendable (StepResult) -> Void
    /// How the run is paced for a room: slower, with questions, stopping before the final heal.
    public var pacing = ScenarioPacing()

    public init(target: any ScenarioTarget, scenario: Scenario, progress: @escaping @Sendable (StepResult) -> Void = { _ in }) {
        self.target = target
        self.scenario = scenario
        self.progress = progress
    }

    /// Runs against a lab that is up.
    public init(lab: Lab, scenario: Scenario, progress: @escaping @Sendable (StepResult) -> Void = { _ in }) {
        self.init(target: LabScenarioTarget(lab: lab), scenario: scenario, progress: progress)
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
            var background: [(id: String, wait: @Sendable () async -> Sent)] = []
            var schedule: [ScheduleEntry] = []
        }
        private let fields = NIOLockedValueBox(Fields())

        func record(_ sent: Sent) { fields.withLockedValue { $0.sends.append(sent) } }
        func note(_ at: Double, _ action: String, _ fault: LabFault?, send: ScheduledSend? = nil) {
            fields.withLockedValue { $0.schedule.append(ScheduleEntry(at: at, action: action, fault: fault, send: send)) }
        }
        /// Remembers a send running in the background, and how to wait for it.
        func runInBackground(_ id: String, _ wait: @escaping @Sendable () async -> Sent) { fields.withLockedValue { $0.background.append((id, wait)) } }
        /// The fault schedule so far.
        var schedule: [ScheduleEntry] { fields.withLockedValue { $0.schedule } }
        /// Every send, waiting for background ones first.
        func allSends() async -> [Sent] {
            let running = fields.withLockedValue { fields in
                defer { fields.background = [] }
                return fields.background
            }
            for (_, wait) in running { record(await wait()) }
            return fields.withLockedValue { $0.sends }
        }
    }

    public func run() async -> ScenarioReport {
        let state = RunState()
        var results: [StepResult] = []
        var lastSend: String?
        var watch = RouteWatch(scenario)
        await watch.sample(target)
        let stop = pacing.stopBeforeFinalHeal ? scenario.steps.lastIndex { $0.action.isHeal } : nil
        for (index, step) in scenario.steps.enumerated() {
            if index == stop { break }
            if index > 0, pacing.slow > 1 { await target.pause(for: pacing.breather) }
            let began = await target.elapsed()
            let at = began.inSeconds
            var (verdict, detail) = (StepResult.Verdict.done, "")
            switch step.action {
            case .send(let send):
                let id = send.id ?? "send\(index + 1)"
                lastSend = id
                state.note(at, "send", nil, send: ScheduledSend(id: id, send))
                let waiter = await self.send(send, id: id)
                if send.background {
                    state.runInBackground(id, waiter)
                    detail = "started in the background"
                } else {
                    let sent = await waiter()
                    state.record(sent)
                    let accepted = sent.messages.filter { $0.status == "accepted" }.count
                    detail = "\(accepted)/\(send.count) accepted"
                    if accepted == 0 { verdict = .failed }
                }
            case .fault(let fault):
                state.note(at, "fault", fault)
                do { try await target.apply(fault) } catch {
                    (verdict, detail) = (.failed, "\(error)")
                }
            case .heal(let fault):
                state.note(at, "heal", fault)
                do { detail = try await heal(fault) } catch { (verdict, detail) = (.failed, "\(error)") }
            case .wait(let duration):
                await target.pause(for: duration * pacing.slow)
            case .pause(let question):
                if let ask = pacing.ask {
                    detail = await ask(question)
                } else {
                    detail = "not paused (" + (pacing.whyNotPaused ?? "no terminal to wait on") + ")"
                }
            case .expect(let expectation, let within):
                let deadline = began + (within ?? .zero)
                var outcome = await holds(expectation, lastSend: lastSend, state: state)
                while !outcome.held, await target.elapsed() < deadline {
                    await target.pause(for: .milliseconds(200))
                    outcome = await holds(expectation, lastSend: lastSend, state: state)
                    await watch.sample(target)
                }
                (verdict, detail) = (outcome.held ? .passed : .failed, outcome.detail)
            case .complain(let node, let send, let count):
                state.note(at, "complain", nil)
                (verdict, detail) = await complain(at: node, send: send ?? lastSend, count: count, state: state)
            case .check(let within):
                let check = await deliveryCheck(state: state, within: within)
                (verdict, detail) = (check.lost.isEmpty && check.duplicated.isEmpty ? .passed : .failed, check.summary)
            }
            var result = StepResult(index: index, line: step.line, step: step.action.label(slow: pacing.slow), verdict: verdict, at: at,
                                    seconds: (await target.elapsed() - began).inSeconds, detail: detail)
            switch step.action {
            case .expect: (result.kind, result.harmful) = (.story, step.harmful)
            case .check: result.kind = .check
            default: break
            }
            progress(result)
            results.append(result)
            await watch.sample(target)
        }
        let final = await deliveryCheck(state: state, within: .zero)
        let seconds = await target.elapsed().inSeconds
        return ScenarioReport(
            scenario: scenario.name, description: scenario.description, lab: target.name, seed: scenario.seed,
            startedAt: target.startStamp(running: seconds), seconds: seconds, steps: results, schedule: state.schedule,
            messages: final.records, lost: final.lost, duplicated: final.duplicated, routeChanges: watch.changes, stoppedBefore: stop)
    }

    // MARK: - Steps

    /// Starts a send at the target; the closure waits for its answers.
    func send(_ send: ScenarioSend, id: String) async -> @Sendable () async -> Sent {
        let domain = target.topology.node(named: send.from)?.domains.first?.text ?? "\(send.from).\(target.name).lab"
        let waiter = await target.startSend(send, sender: "scenario@\(domain)", subject: "mxgp scenario \(scenario.name) \(id)", id: id)
        return { Sent(id: id, send: send, messages: await waiter()) }
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
            do {
                let outcome = try await target.complain(node, messageId: messageId)
                notes.append("\(messageId): \(outcome.amount) against \(outcome.bookedAgainst ?? "nobody")" + (outcome.forwardedTo.map { ", REPORT to \($0)" } ?? ""))
            } catch {
                return (.failed, "complaint about \(messageId) at \(node): \(error)")
            }
        }
        return (.done, notes.joined(separator: "; "))
    }

    /// Heals everything, or one fault, and says what was healed.
    func heal(_ fault: LabFault?) async throws -> String {
        let undone = try await target.heal(fault)
        return undone.isEmpty ? "nothing to heal" : "healed: " + undone.map(\.description).joined(separator: ", ")
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
            case .route(let node, let domain, let nextHop, let path, let reason):
                let route = try await target.routes(node)[domain]
                var held = route != nil
                if let nextHop { held = held && route?.nextHop == nextHop }
                if let path { held = held && route?.path == path }
                if let reason { held = held && route?.reason == reason }
                return (held, "\(node) has \(route?.description ?? "no route") for \(domain)")
            case .session(let a, let b, let wanted):
                let state = try await target.peers(a).first { $0.name == b }?.state.lowercased() ?? "unknown"
                // `down`: any state but established (connect and active alternate while a
                // node retries; which one a poll sees depends on how fast the backend answers).
                let held = wanted == "down" ? state != "established" && state != "unknown" : state == wanted
                return (held, "\(a)–\(b) is \(SessionStateText.explained(state))")
            case .queue(let node, let min, let max):
                let depth = try await target.queueDepth(node)
                return (depth >= (min ?? 0) && depth <= (max ?? Int.max), "\(node) queues \(depth)")
            case .ledger(let node, let neighbour, let owed, let earned, let chargebacks, let payable):
                let entry = try await target.ledger(node).first { $0.neighbour == neighbour }
                let o = entry?.owed ?? 0, e = entry?.earned ?? 0, c = entry?.chargebacks ?? 0, p = entry?.chargebacksPayable ?? 0
                return ((owed.map { o >= $0 } ?? true) && (earned.map { e >= $0 } ?? true) && (chargebacks.map { c >= $0 } ?? true)
                        && (payable.map { p >= $0 } ?? true),
                        "\(node) owes \(neighbour) \(o), earned \(e), chargebacks \(c), payable \(p)")
            }
        } catch {
            return (false, "\(error)")
        }
    }

    /// The messages in the mailbox of `address`, at every node that originates its domain (one
    /// node, except in a hijack lab, where the hijacker's mailbox counts too).
    func mailbox(_ address: String) async throws -> [AdminMailboxMessage] {
        let owners = owners(of: address)
        guard !owners.isEmpty else { throw LabError("no node of lab \(target.name) owns the domain of \(address)") }
        var messages: [AdminMailboxMessage] = []
        for owner in owners { messages += try await target.mailbox(owner, address) }
        return messages
    }

    /// The nodes that originate the longest suffix of `address`'s domain that any node originates.
    func owners(of address: String) -> [String] {
        guard let at = address.lastIndex(of: "@"), let domain = DomainName(String(address[address.index(after: at)...])) else { return [] }
        for suffix in domain.suffixes {
            let nodes = target.topology.nodes.filter { $0.domains.contains(suffix) }
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
        let deadline = await target.elapsed() + within
        var check = await count(sends)
        while !check.lost.isEmpty, await target.elapsed() < deadline {
            await target.pause(for: .milliseconds(500))
            check = await count(sends)
        }
        if within > .zero, check.lost.isEmpty { await target.pause(for: .seconds(1)); check = await count(sends) }
        return check
    }

    func count(_ sends: [Sent]) async -> Check {
        var records: [MessageRecord] = []
        var lost: [String] = [], duplicated: [String] = []
        var bouncesLeft: [String: Int] = [:]
        for sent in sends {
            let box = (try? await mailbox(sent.send.to)) ?? []
            let source = target.topology.node(named: sent.send.from)?.domains.first?.text ?? ""
            if bouncesLeft["scenario@\(source)"] == nil {
                bouncesLeft["scenario@\(source)"] = ((try? await mailbox("scenario@\(source)")) ?? []).filter { $0.subject.hasPrefix("Undelivered Mail") }.count
            }
            for message in sent.messages {
                let copies = box.filter { Self.bare($0.messageId) == message.messageId }
                let receivedAt = copies.first?.receivedAt
                var record = MessageRecord(messageId: message.messageId, send: sent.id, to: sent.send.to, submitted: message.status,
                                           copies: copies.count, hops: copies.first?.hops ?? [], receivedAt: receivedAt,
                                           deliveredAt: await receivedAt.asyncMap { await target.runSeconds(receivedAt: $0) } ?? nil)
                if let first = copies.first, let arrived = MessageDelay.date(first.receivedAt), let submitted = target.submittedAt(message.messageId) {
                    record.delaySeconds = max(0, arrived.timeIntervalSince(submitted))
                }
                records.append(record)
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
