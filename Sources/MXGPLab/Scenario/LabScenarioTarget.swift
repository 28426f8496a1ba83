import Foundation
import MXGPAdminAPI
import MXGPTopology
import NIOConcurrencyHelpers

/// A scenario against a lab that is up: sends run `mxgp send` inside the source node, faults go
/// through ``LabFaults``, questions through each node's admin API; the clock is the wall clock.
public struct LabScenarioTarget: ScenarioTarget {
    public var lab: Lab
    private let start = ContinuousClock.now
    private let startDate = Date()
    /// Submission times by Message-ID, from `mxgp send --json`.
    private let submitted = NIOLockedValueBox<[String: Date]>([:])

    public init(lab: Lab) { self.lab = lab }

    public var name: String { lab.name }
    public var topology: Topology { lab.plan.topology }
    public func elapsed() async -> Duration { ContinuousClock.now - start }
    public func pause(for duration: Duration) async { try? await Task.sleep(for: duration) }
    /// The node's ISO 8601 mailbox time against this run's start on the wall clock.
    public func runSeconds(receivedAt: String) async -> Double? {
        ReportHTML.date(receivedAt).map { ($0.timeIntervalSince(startDate) * 1000).rounded() / 1000 }
    }

    public func startStamp(running seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(-seconds))
    }

    public func startSend(_ send: ScenarioSend, sender: String, subject: String, id: String) async -> @Sendable () async -> [(messageId: String, status: String)] {
        let task = Task { await self.send(send, sender: sender, subject: subject) }
        return { await task.value }
    }

    func send(_ send: ScenarioSend, sender: String, subject: String) async -> [(messageId: String, status: String)] {
        var argv = [lab.backend.nodeBinary(lab.state), "send", "--server", "127.0.0.1:25", "--from", sender, "--to", send.to,
                    "--count", String(send.count), "--subject", subject, "--json"]
        if let rate = send.rate { argv += ["--rate", String(rate)] }
        let budget = Duration.seconds(30) + .milliseconds(Int64(Double(send.count) * 1000 / (send.rate ?? 50)))
        let result = await lab.backend.exec(lab.plan, node: send.from, argv, timeout: budget)
        struct Output: Decodable {
            struct Message: Decodable { var messageId: String; var status: String; var submittedAt: String? }
            var messages: [Message]
        }
        let messages = (try? JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8)))?.messages ?? []
        submitted.withLockedValue { times in
            for message in messages { if let text = message.submittedAt, let date = MessageDelay.date(text) { times[ScenarioRunner.bare(message.messageId)] = date } }
        }
        return messages.map { (ScenarioRunner.bare($0.messageId), $0.status) }
    }

    public func apply(_ fault: LabFault) async throws { _ = try await LabFaults(lab: lab).apply(fault) }

    /// Heals everything, or one fault: everything, then the others are applied again.
    public func heal(_ fault: LabFault?) async throws -> [LabFault] {
        let (healed, undone) = try await LabFaults(lab: lab).healAll()
        guard let fault else { return undone }
        guard undone.contains(fault) else { throw LabError("\(fault.description) is not active; active: \(undone.map(\.description).joined(separator: ", "))") }
        for other in undone where other != fault { _ = try await LabFaults(lab: healed).apply(other) }
        return [fault]
    }

    public func submittedAt(_ messageId: String) -> Date? { submitted.withLockedValue { $0[messageId] } }

    public func routes(_ node: String) async throws -> [String: RouteKey] { try await lab.liveRoutes(node) }
    public func peers(_ node: String) async throws -> [(name: String, state: String)] { try await lab.livePeers(node) }
    public func mailbox(_ node: String, _ address: String) async throws -> [AdminMailboxMessage] { try await lab.mailbox(node, address) }
    public func queueDepth(_ node: String) async throws -> Int { try await lab.queueDepth(node) }
    public func ledger(_ node: String) async throws -> [AdminLedgerEntry] { try await lab.ledger(node) }

    /// POST /v1/complaints, what `mxgp ctl complain` does.
    public func complain(_ node: String, messageId: String) async throws -> ScenarioComplaint {
        let query = messageId.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? messageId
        let (status, body) = try await lab.backend.admin(lab.plan, node: node, method: "POST", path: AdminPath.complaints + "?messageId=\(query)")
        guard status == 200 else { throw LabError("\(node) answered \(status) to the complaint about \(messageId): \(body)") }
        return try JSONDecoder().decode(ScenarioComplaint.self, from: Data(body.utf8))
    }
}
