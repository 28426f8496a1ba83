import Testing
@testable import MXGPCore

private let us = Region("US")!
private let t0: Duration = .seconds(1000)

private func config(
    local: OperatorNumber, neighbour: OperatorNumber, relationship: Relationship = .peer,
    reconnect: ReconnectBackoff = ReconnectBackoff(initial: .milliseconds(100), cap: .seconds(5), resetAfter: .seconds(3), jitter: 0)
) -> SessionConfiguration {
    SessionConfiguration(
        localOperator: local, nodeName: "n\(local)", nodeRole: .upstream, region: us, neighbourOperator: neighbour,
        neighbourRelationship: relationship, holdTime: 3, reconnect: reconnect)
}

private func open(from op: OperatorNumber, role: Relationship = .peer) -> OpenMessage {
    OpenMessage(operatorNumber: op, holdTime: 3, role: role, nodeRole: .upstream, region: us, nodeName: "n\(op)")
}

/// Two machines joined by an in-memory network: connects succeed at once, messages arrive
/// in order, a close reaches the other side. Timers are not run.
struct SessionPair {
    enum Side { case a, b }
    private enum Event {
        case connected(ConnectionID)
        case message(MXGPMessage, ConnectionID)
        case closed(ConnectionID)
    }

    var a: SessionStateMachine
    var b: SessionStateMachine
    private var remote: [Side: [ConnectionID: ConnectionID]] = [.a: [:], .b: [:]]
    private var queue: [(Side, Event)] = []
    private var nextInbound: UInt64 = 100
    private let now = t0

    /// A is operator 200, B operator 100; each sees the other as configured.
    init(aSeesB: Relationship = .peer, bSeesA: Relationship = .peer, aOperator: OperatorNumber = 200, bOperator: OperatorNumber = 100) {
        a = SessionStateMachine(configuration: config(local: aOperator, neighbour: bOperator, relationship: aSeesB))
        b = SessionStateMachine(configuration: config(local: bOperator, neighbour: aOperator, relationship: bSeesA))
    }

    /// Starts both sides before any connection completes (a simultaneous open), then runs to quiescence.
    mutating func startBoth() {
        let fromA = a.start(now: now)
        let fromB = b.start(now: now)
        perform(fromA, by: .a)
        perform(fromB, by: .b)
        run()
    }

    /// The connection each side is established on, mapped to the other side's id (must be the same TCP connection).
    func sameConnection() -> Bool {
        guard let ca = a.established?.connection, let cb = b.established?.connection else { return false }
        return remote[.a]?[ca] == cb
    }

    private mutating func run() {
        var steps = 0
        while !queue.isEmpty, steps < 1000 {
            steps += 1
            let (side, event) = queue.removeFirst()
            var machine = side == .a ? a : b
            let actions: [SessionAction]
            switch event {
            case .connected(let id): actions = machine.transportConnected(id, now: now)
            case .message(let message, let id): actions = machine.messageReceived(message, on: id, now: now)
            case .closed(let id): actions = machine.transportClosed(id, now: now)
            }
            if side == .a { a = machine } else { b = machine }
            perform(actions, by: side)
        }
    }

    private mutating func perform(_ actions: [SessionAction], by side: Side) {
        let other: Side = side == .a ? .b : .a
        for action in actions {
            switch action {
            case .connect(let id):
                let inbound = ConnectionID.inbound(nextInbound)
                nextInbound += 1
                remote[side]![id] = inbound
                remote[other]![inbound] = id
                queue.append((side, .connected(id)))
                queue.append((other, .connected(inbound)))
            case .send(let message, let id):
                if let peer = remote[side]![id] { queue.append((other, .message(message, peer))) }
            case .close(let id):
                guard let peer = remote[side]![id] else { break }
                remote[side]![id] = nil
                remote[other]![peer] = nil
                queue.append((other, .closed(peer)))
            default:
                break
            }
        }
    }
}

@Suite("SessionStateMachine: collisions and reconnect")
struct SessionStateMachineCollisionTests {
    /// Both connections handshake; when the second OPEN arrives, the connection initiated by the
    /// higher operator survives, whichever OPEN came first.
    @Test(arguments: [
        (OperatorNumber(200), OperatorNumber(100), ConnectionID.Direction.inbound, ConnectionID.Direction.outbound),
        (200, 100, .outbound, .outbound),
        (100, 200, .inbound, .inbound),
        (100, 200, .outbound, .inbound),
    ])
    func collisionKeepsTheHigherOperatorsConnection(
        local: OperatorNumber, neighbour: OperatorNumber, firstOpenOn: ConnectionID.Direction, survivor: ConnectionID.Direction
    ) throws {
        var m = SessionStateMachine(configuration: config(local: local, neighbour: neighbour))
        let inbound = ConnectionID.inbound(1), outbound = ConnectionID.outbound(1)
        _ = m.start(now: t0)
        _ = m.transportConnected(inbound, now: t0)
        _ = m.transportConnected(outbound, now: t0)
        let first = ConnectionID(firstOpenOn, 1)
        let second = firstOpenOn == .inbound ? outbound : inbound
        let keep = ConnectionID(survivor, 1)
        let lose = keep == inbound ? outbound : inbound

        #expect(m.messageReceived(.open(open(from: neighbour)), on: first, now: t0).notifications.isEmpty)
        #expect(m.phase == .openConfirm)
        let actions = m.messageReceived(.open(open(from: neighbour)), on: second, now: t0)
        let note = try #require(actions.notifications.first)
        #expect(note.code == .cease && note.subcode == CeaseSubcode.connectionCollision.rawValue)
        #expect(note.text.contains("opened by operator \(max(local, neighbour))"))
        #expect(actions.contains(.send(.notification(note), on: lose)))
        #expect(actions.closed == [lose])
        #expect(actions.contains(.send(.keepalive, on: keep)) == (keep == second))
        #expect(m.phase == .openConfirm)
        #expect(m.messageReceived(.keepalive, on: lose, now: t0) == [])  // the loser is gone
        #expect(m.messageReceived(.keepalive, on: keep, now: t0).established?.connection == keep)
    }

    @Test(arguments: [(OperatorNumber(200), OperatorNumber(100)), (100, 200)])
    func simultaneousOpenBetweenTwoNodesConvergesOnOneConnection(aOperator: OperatorNumber, bOperator: OperatorNumber) {
        var pair = SessionPair(aOperator: aOperator, bOperator: bOperator)
        pair.startBoth()
        #expect(pair.a.phase == .established)
        #expect(pair.b.phase == .established)
        #expect(pair.sameConnection())
        // The survivor is the connection the higher operator opened.
        let aKeptOutbound = pair.a.established?.connection.direction == .outbound
        #expect(aKeptOutbound == (aOperator > bOperator))
    }

    // MARK: Reconnect backoff

    /// Fails every connect and returns the successive connect-retry delays.
    private func retryDelays(_ m: inout SessionStateMachine, count: Int) throws -> [Duration] {
        var now = t0
        var actions = m.start(now: now)
        var delays: [Duration] = []
        for _ in 0..<count {
            guard case .connect(let id) = try #require(actions.first) else {
                Issue.record("expected a connect action, got \(actions)")
                return delays
            }
            let deadline = try #require(m.connectFailed(id, reason: "connection refused", now: now).deadline(.connectRetry))
            #expect(m.phase == .active)
            #expect(m.timerFired(.connectRetry, now: deadline - .milliseconds(1)) == [])  // early firing is ignored
            delays.append(deadline - now)
            now = deadline
            actions = m.timerFired(.connectRetry, now: now)
        }
        return delays
    }

    @Test func labBackoffDoublesUpToItsCap() throws {
        var m = SessionStateMachine(configuration: config(local: 200, neighbour: 100))
        let ms: [Int] = [100, 200, 400, 800, 1600, 3200, 5000, 5000]
        #expect(try retryDelays(&m, count: 8) == ms.map { .milliseconds($0) })
        #expect(m.lastError?.text.contains("connection refused") == true)
    }

    @Test func productionBackoffDoublesUpToThirtySeconds() throws {
        let production = ReconnectBackoff(initial: .seconds(1), cap: .seconds(30), resetAfter: .seconds(60), jitter: 0)
        var m = SessionStateMachine(configuration: config(local: 200, neighbour: 100, reconnect: production))
        let seconds: [Int] = [1, 2, 4, 8, 16, 30, 30]
        #expect(try retryDelays(&m, count: 7) == seconds.map { .seconds($0) })
    }

    @Test func jitterIsSeededBoundedAndReproducible() throws {
        let jittered = ReconnectBackoff(initial: .seconds(1), cap: .seconds(30), resetAfter: .seconds(60), jitter: 0.25)
        let c = config(local: 200, neighbour: 100, reconnect: jittered)
        var m1 = SessionStateMachine(configuration: c, jitterSeed: 42)
        var m2 = SessionStateMachine(configuration: c, jitterSeed: 42)
        var m3 = SessionStateMachine(configuration: c, jitterSeed: 7)
        let d1 = try retryDelays(&m1, count: 7)
        #expect(d1 == (try retryDelays(&m2, count: 7)))
        #expect(d1 != (try retryDelays(&m3, count: 7)))
        for (delay, base) in zip(d1, [1, 2, 4, 8, 16, 30, 30].map { Duration.seconds($0) }) {
            #expect(delay <= base && delay >= base * 0.75, "delay \(delay) outside [0.75, 1] × \(base)")
        }
    }

    /// After three failures the next delay would be 800 ms; a session that stayed up for the
    /// reset time (3 s) starts over at 100 ms, a shorter one keeps backing off.
    @Test(arguments: [(Duration.seconds(3), Duration.milliseconds(100)), (.seconds(10), .milliseconds(100)), (.milliseconds(2999), .milliseconds(800))])
    func backoffResetsAfterAStableSession(uptime: Duration, nextDelay: Duration) throws {
        var m = SessionStateMachine(configuration: config(local: 200, neighbour: 100))
        _ = try retryDelays(&m, count: 3)
        let id = ConnectionID.outbound(4)
        let up = t0 + .seconds(10)
        _ = m.transportConnected(id, now: up)
        _ = m.messageReceived(.open(open(from: 100)), on: id, now: up)
        #expect(m.messageReceived(.keepalive, on: id, now: up).established != nil)
        let down = m.transportClosed(id, now: up + uptime)
        #expect(down.sessionDowns.first?.cause == .transportClosed)
        #expect(down.closed.isEmpty)  // the transport is already gone
        #expect(down.deadline(.connectRetry) == up + uptime + nextDelay)
    }

    @Test func staleEventsAreIgnored() {
        var m = SessionStateMachine(configuration: config(local: 200, neighbour: 100))
        _ = m.start(now: t0)
        #expect(m.connectFailed(.outbound(9), reason: "x", now: t0) == [])
        #expect(m.transportClosed(.inbound(9), now: t0) == [])
        #expect(m.messageReceived(.keepalive, on: .inbound(9), now: t0) == [])
        #expect(m.timerFired(.connectRetry, now: t0) == [])
        #expect(m.transportConnected(.outbound(9), now: t0) == [.close(.outbound(9))])
        #expect(m.phase == .connect)
    }
}
