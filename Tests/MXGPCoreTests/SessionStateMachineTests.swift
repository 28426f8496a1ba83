import Testing
@testable import MXGPCore

// MARK: - Fixtures

private let us = Region("US")!
private let t0: Duration = .seconds(1000)

private let noJitterLab = ReconnectBackoff(initial: .milliseconds(100), cap: .seconds(5), resetAfter: .seconds(3), jitter: 0)
private let noJitterProduction = ReconnectBackoff(initial: .seconds(1), cap: .seconds(30), resetAfter: .seconds(60), jitter: 0)

/// Local node "up1" (operator 200, upstream); the neighbour "colo1" (operator 100) is its customer.
private func sessionConfig(
    local: OperatorNumber = 200, neighbour: OperatorNumber = 100, relationship: Relationship = .customer,
    hold: UInt16 = 3, fast: UInt16? = nil, reconnect: ReconnectBackoff = noJitterLab, passive: Bool = false
) -> SessionConfiguration {
    SessionConfiguration(
        localOperator: local, nodeName: "up1", nodeRole: .upstream, region: us, neighbourOperator: neighbour,
        neighbourRelationship: relationship, holdTime: hold, fastLivenessMilliseconds: fast, reconnect: reconnect,
        passive: passive)
}

/// The OPEN the neighbour sends; `role` is its own role toward us.
private func neighbourOpen(
    op: OperatorNumber = 100, role: Relationship = .customer, hold: UInt16 = 3, fast: UInt16? = nil, name: String = "colo1"
) -> OpenMessage {
    var caps: [Capability] = [.routeRefresh]
    if let fast { caps.append(.fastLiveness(intervalMilliseconds: fast)) }
    return OpenMessage(operatorNumber: op, holdTime: hold, role: role, nodeRole: .colo, region: us, nodeName: name, capabilities: caps)
}

extension Array where Element == SessionAction {
    var notifications: [NotificationMessage] {
        compactMap { if case .send(.notification(let n), _) = $0 { return n } else { return nil } }
    }
    var closed: [ConnectionID] {
        compactMap { if case .close(let id) = $0 { return id } else { return nil } }
    }
    var sessionDowns: [SessionDownReason] {
        compactMap { if case .sessionDown(let r) = $0 { return r } else { return nil } }
    }
    var handshakeFailures: [SessionDownReason] {
        compactMap { if case .handshakeFailed(_, let r) = $0 { return r } else { return nil } }
    }
    var established: NegotiatedSession? {
        for case .sessionEstablished(let n) in self { return n }
        return nil
    }
    func deadline(_ timer: SessionTimer) -> Duration? {
        for case .armTimer(timer, let deadline) in self { return deadline }
        return nil
    }
}

/// Drives a machine through start → connect → OPEN → KEEPALIVE; returns it Established.
private func establishedSession(
    _ config: SessionConfiguration = sessionConfig(), peer: OpenMessage = neighbourOpen(), at now: Duration = t0
) -> (SessionStateMachine, ConnectionID, [SessionAction]) {
    var m = SessionStateMachine(configuration: config)
    let id = ConnectionID.outbound(1)
    _ = m.start(now: now)
    _ = m.transportConnected(id, now: now)
    _ = m.messageReceived(.open(peer), on: id, now: now)
    let actions = m.messageReceived(.keepalive, on: id, now: now)
    return (m, id, actions)
}

// MARK: - OPEN exchange

@Suite("SessionStateMachine: OPEN exchange")
struct SessionStateMachineOpenTests {
    @Test func activeOpenExchangeReachesEstablished() {
        let config = sessionConfig()
        var m = SessionStateMachine(configuration: config)
        #expect(m.phase == .idle)
        #expect(m.start(now: t0) == [.connect(.outbound(1))])
        #expect(m.phase == .connect)

        let o1 = ConnectionID.outbound(1)
        #expect(m.transportConnected(o1, now: t0) == [
            .send(.open(config.localOpen), on: o1), .armTimer(.hold(o1), deadline: t0 + .seconds(3)),
        ])
        #expect(m.phase == .openSent)

        let t1 = t0 + .milliseconds(50)
        #expect(m.messageReceived(.open(neighbourOpen()), on: o1, now: t1) == [
            .send(.keepalive, on: o1),
            .armTimer(.hold(o1), deadline: t1 + .seconds(3)),
            .armTimer(.keepalive(o1), deadline: t1 + .seconds(1)),
        ])
        #expect(m.phase == .openConfirm)

        let t2 = t0 + .milliseconds(80)
        let expected = NegotiatedSession(
            connection: o1, peerOpen: neighbourOpen(), holdTime: 3, keepaliveInterval: .seconds(1),
            livenessTimeout: .seconds(3), fastLivenessInterval: nil, routeRefresh: true)
        #expect(m.messageReceived(.keepalive, on: o1, now: t2) == [
            .armTimer(.hold(o1), deadline: t2 + .seconds(3)),
            .armTimer(.keepalive(o1), deadline: t1 + .seconds(1)),
            .sessionEstablished(expected),
        ])
        #expect(m.phase == .established)
        #expect(m.established == expected)
    }

    @Test func passiveSessionWaitsForTheNeighbour() {
        let config = sessionConfig(passive: true)
        var m = SessionStateMachine(configuration: config)
        #expect(m.start(now: t0) == [])
        #expect(m.phase == .active)
        let i7 = ConnectionID.inbound(7)
        #expect(m.transportConnected(i7, now: t0) == [
            .send(.open(config.localOpen), on: i7), .armTimer(.hold(i7), deadline: t0 + .seconds(3)),
        ])
        _ = m.messageReceived(.open(neighbourOpen()), on: i7, now: t0)
        let actions = m.messageReceived(.keepalive, on: i7, now: t0)
        #expect(actions.established?.connection == i7)
        #expect(m.phase == .established)
        // A passive session never connects out, not even after it goes down.
        let down = m.transportClosed(i7, now: t0 + .seconds(1))
        #expect(down.sessionDowns.count == 1)
        #expect(!down.contains { if case .armTimer(.connectRetry, _) = $0 { return true } else { return false } })
        #expect(m.phase == .active)
    }

    @Test func localOpenAnnouncesTheComplementRoleAndCapabilities() {
        let open = sessionConfig(relationship: .provider, hold: 90, fast: 150).localOpen
        #expect(open.role == .customer)
        #expect(open.operatorNumber == 200)
        #expect(open.holdTime == 90)
        #expect(open.nodeName == "up1")
        #expect(open.capabilities == [.routeRefresh, .fastLiveness(intervalMilliseconds: 150)])
    }

    @Test func inboundWhileOutboundPendingCancelsNothingAndProceeds() {
        var m = SessionStateMachine(configuration: sessionConfig())
        _ = m.start(now: t0)
        let actions = m.transportConnected(.inbound(1), now: t0)
        #expect(actions.first == .send(.open(sessionConfig().localOpen), on: .inbound(1)))
        #expect(m.phase == .openSent)
        // The inbound connection gets established; the pending outbound attempt is abandoned.
        _ = m.messageReceived(.open(neighbourOpen()), on: .inbound(1), now: t0)
        let up = m.messageReceived(.keepalive, on: .inbound(1), now: t0)
        #expect(up.closed == [.outbound(1)])
        #expect(up.established?.connection == .inbound(1))
        // The late outbound success is closed without ceremony.
        #expect(m.transportConnected(.outbound(1), now: t0) == [.close(.outbound(1))])
    }

    /// Every (configured relationship, announced role) pair: only equal ones are accepted.
    @Test(arguments: Relationship.allCases, Relationship.allCases)
    func roleCheck(configured: Relationship, announced: Relationship) throws {
        var m = SessionStateMachine(configuration: sessionConfig(relationship: configured))
        let o1 = ConnectionID.outbound(1)
        _ = m.start(now: t0)
        _ = m.transportConnected(o1, now: t0)
        let actions = m.messageReceived(.open(neighbourOpen(role: announced)), on: o1, now: t0)
        if configured == announced {
            #expect(m.phase == .openConfirm)
            #expect(actions.notifications.isEmpty)
        } else {
            let note = try #require(actions.notifications.first)
            #expect(note.code == .openMessageError)
            #expect(note.subcode == OpenErrorSubcode.roleMismatch.rawValue)
            #expect(note.text.contains("says it is the \(announced)"))
            #expect(note.text.contains("treat it as its \(configured)"))
            #expect(note.text.contains("colo1 (operator 100)") && note.text.contains("up1 (operator 200)"))
            #expect(actions.closed == [o1])
            #expect(actions.handshakeFailures.first?.notification == note)
            #expect(actions.deadline(.connectRetry) == t0 + .milliseconds(100))
            #expect(m.phase == .active)
        }
    }

    /// Two real machines, each configured with its own view of the link: the session comes up
    /// exactly when the two views are complements.
    @Test(arguments: Relationship.allCases, Relationship.allCases)
    func twoNodesAgreeOnlyOnComplementaryRelationships(aSeesB: Relationship, bSeesA: Relationship) {
        var pair = SessionPair(aSeesB: aSeesB, bSeesA: bSeesA)
        pair.startBoth()
        let consistent = bSeesA == aSeesB.complement
        #expect((pair.a.phase == .established) == consistent)
        #expect((pair.b.phase == .established) == consistent)
        if !consistent {
            #expect(pair.a.lastError?.notification?.subcode == OpenErrorSubcode.roleMismatch.rawValue)
        }
    }

    @Test func wrongOperatorIsRefused() throws {
        var m = SessionStateMachine(configuration: sessionConfig())
        _ = m.start(now: t0)
        _ = m.transportConnected(.outbound(1), now: t0)
        let actions = m.messageReceived(.open(neighbourOpen(op: 666, name: "evil")), on: .outbound(1), now: t0)
        let note = try #require(actions.notifications.first)
        #expect(note.code == .openMessageError)
        #expect(note.subcode == OpenErrorSubcode.badOperator.rawValue)
        #expect(note.text.contains("expects neighbour operator 100"))
        #expect(note.text.contains("announced operator 666"))
        #expect(actions.closed == [.outbound(1)])
        #expect(m.lastError?.notification == note)
    }

    @Test func unsupportedVersionAndBadHoldTimeAreRefused() {
        var old = neighbourOpen()
        old.version = 9
        #expect(OpenNegotiation.check(old, configuration: sessionConfig())?.subcode == OpenErrorSubcode.unsupportedVersion.rawValue)
        #expect(OpenNegotiation.check(neighbourOpen(hold: 2), configuration: sessionConfig())?.subcode
            == OpenErrorSubcode.unacceptableHoldTime.rawValue)
        #expect(OpenNegotiation.check(neighbourOpen(hold: 0), configuration: sessionConfig()) == nil)
    }

    /// (local hold, peer hold, local fast ms, peer fast ms) → (hold, keepalive, timeout, fast).
    @Test(arguments: [
        (UInt16(3), UInt16(3), UInt16?.none, UInt16?.none, UInt16(3), Duration?.some(.seconds(1)), Duration?.some(.seconds(3)), Duration?.none),
        (90, 3, nil, nil, 3, .seconds(1), .seconds(3), nil),
        (90, 90, nil, nil, 90, .seconds(30), .seconds(90), nil),
        (3, 0, nil, nil, 0, nil, nil, nil),
        (3, 3, 100, nil, 3, .seconds(1), .seconds(3), nil),
        (3, 3, nil, 100, 3, .seconds(1), .seconds(3), nil),
        (3, 3, 100, 300, 3, .milliseconds(300), .milliseconds(900), .milliseconds(300)),
        (3, 3, 250, 100, 3, .milliseconds(250), .milliseconds(750), .milliseconds(250)),
        (0, 0, 200, 200, 0, .milliseconds(200), .milliseconds(600), .milliseconds(200)),
        (3, 3, 2000, 2000, 3, .seconds(1), .seconds(3), .seconds(2)),
    ] as [(UInt16, UInt16, UInt16?, UInt16?, UInt16, Duration?, Duration?, Duration?)])
    func negotiation(
        localHold: UInt16, peerHold: UInt16, localFast: UInt16?, peerFast: UInt16?,
        hold: UInt16, keepalive: Duration?, timeout: Duration?, fast: Duration?
    ) throws {
        let config = sessionConfig(hold: localHold, fast: localFast)
        let (m, id, actions) = establishedSession(config, peer: neighbourOpen(hold: peerHold, fast: peerFast))
        let n = try #require(actions.established)
        #expect(n.holdTime == hold)
        #expect(n.keepaliveInterval == keepalive)
        #expect(n.livenessTimeout == timeout)
        #expect(n.fastLivenessInterval == fast)
        #expect(actions.deadline(.hold(id)) == timeout.map { t0 + $0 })
        #expect(m.phase == .established)
    }
}

// MARK: - Timers

@Suite("SessionStateMachine: timers")
struct SessionStateMachineTimerTests {
    @Test func holdTimerExpiresWhenTheNeighbourIsSilent() throws {
        var (m, id, _) = establishedSession()
        let expiry = t0 + .seconds(3)
        #expect(m.timerFired(.hold(id), now: expiry - .milliseconds(1)) == [])  // early (stale) firing
        let actions = m.timerFired(.hold(id), now: expiry)
        let note = try #require(actions.notifications.first)
        #expect(note.code == .holdTimerExpired)
        #expect(note.text.contains("for 3 s"))
        #expect(actions.closed == [id])
        #expect(actions.contains(.cancelTimer(.keepalive(id))))
        let down = try #require(actions.sessionDowns.first)
        #expect(down.cause == .notificationSent)
        #expect(actions.deadline(.connectRetry) == expiry + .milliseconds(100))
        #expect(m.phase == .active)
    }

    @Test func anyMessageRestartsTheHoldTimer() {
        var (m, id, _) = establishedSession()
        let t1 = t0 + .seconds(2)
        _ = m.messageReceived(.update(UpdateMessage(withdrawn: [DomainName("a.example")!])), on: id, now: t1)
        // The timer armed for t0+3 s fires but a message arrived since: re-armed, no NOTIFICATION.
        #expect(m.timerFired(.hold(id), now: t0 + .seconds(3)) == [.armTimer(.hold(id), deadline: t1 + .seconds(3))])
        #expect(m.phase == .established)
        #expect(m.timerFired(.hold(id), now: t1 + .seconds(3)).notifications.first?.code == .holdTimerExpired)
    }

    @Test func holdTimerExpiresInOpenSent() {
        var m = SessionStateMachine(configuration: sessionConfig())
        _ = m.start(now: t0)
        _ = m.transportConnected(.outbound(1), now: t0)
        let actions = m.timerFired(.hold(.outbound(1)), now: t0 + .seconds(3))
        #expect(actions.notifications.map(\.code) == [.holdTimerExpired])
        #expect(actions.handshakeFailures.count == 1)
        #expect(actions.deadline(.connectRetry) == t0 + .seconds(3) + .milliseconds(100))
    }

    @Test func keepalivesAreSentEveryIntervalUnlessOtherTrafficWasSent() {
        var (m, id, _) = establishedSession()
        let k1 = t0 + .seconds(1)
        #expect(m.timerFired(.keepalive(id), now: k1) == [.send(.keepalive, on: id), .armTimer(.keepalive(id), deadline: k1 + .seconds(1))])
        // An UPDATE sent at k1+0.5 s postpones the next KEEPALIVE to k1+1.5 s.
        let update = MXGPMessage.update(UpdateMessage(withdrawn: [DomainName("b.example")!]))
        #expect(m.send(update, now: k1 + .milliseconds(500)) == [.send(update, on: id)])
        #expect(m.timerFired(.keepalive(id), now: k1 + .seconds(1)) == [.armTimer(.keepalive(id), deadline: k1 + .milliseconds(1500))])
        #expect(m.timerFired(.keepalive(id), now: k1 + .milliseconds(1500)).first == .send(.keepalive, on: id))
    }

    @Test func productionKeepaliveIsAThirdOfTheHoldTime() {
        let (_, id, actions) = establishedSession(sessionConfig(hold: 90), peer: neighbourOpen(hold: 90))
        #expect(actions.deadline(.keepalive(id)) == t0 + .seconds(30))
        #expect(actions.deadline(.hold(id)) == t0 + .seconds(90))
    }

    @Test func fastLivenessDrivesKeepaliveAndDetection() throws {
        var (m, id, actions) = establishedSession(sessionConfig(fast: 100), peer: neighbourOpen(fast: 300))
        #expect(actions.deadline(.keepalive(id)) == t0 + .milliseconds(300))
        #expect(actions.deadline(.hold(id)) == t0 + .milliseconds(900))
        let note = try #require(m.timerFired(.hold(id), now: t0 + .milliseconds(900)).notifications.first)
        #expect(note.code == .holdTimerExpired)
        #expect(note.text.contains("900 ms"))
    }

    @Test func zeroHoldTimeArmsNoTimers() {
        let (_, id, actions) = establishedSession(sessionConfig(hold: 0), peer: neighbourOpen(hold: 3))
        #expect(actions.established?.holdTime == 0)
        #expect(actions.deadline(.hold(id)) == nil)
        #expect(actions.deadline(.keepalive(id)) == nil)
    }
}

// MARK: - Errors and shutdown

@Suite("SessionStateMachine: errors")
struct SessionStateMachineErrorTests {
    @Test func notificationReceivedTakesTheSessionDown() throws {
        var (m, id, _) = establishedSession()
        let note = NotificationMessage(code: .cease, subcode: CeaseSubcode.administrativeShutdown.rawValue, text: "maintenance window")
        let actions = m.messageReceived(.notification(note), on: id, now: t0 + .seconds(1))
        let down = try #require(actions.sessionDowns.first)
        #expect(down.cause == .notificationReceived)
        #expect(down.notification == note)
        #expect(down.text.contains("maintenance window"))
        #expect(actions.notifications.isEmpty)  // never answer a NOTIFICATION with one
        #expect(actions.closed == [id])
        #expect(m.phase == .active)
    }

    @Test func notificationDuringHandshakeFailsIt() {
        var m = SessionStateMachine(configuration: sessionConfig())
        _ = m.start(now: t0)
        _ = m.transportConnected(.outbound(1), now: t0)
        let note = NotificationMessage(code: .openMessageError, subcode: 4, text: "role mismatch: fix it")
        let actions = m.messageReceived(.notification(note), on: .outbound(1), now: t0)
        #expect(actions.handshakeFailures.first?.cause == .notificationReceived)
        #expect(actions.handshakeFailures.first?.text.contains("role mismatch: fix it") == true)
        #expect(m.lastError?.notification == note)
    }

    @Test(arguments: [
        (MXGPWireError(.malformedUpdate, "withdrawn length 9 exceeds 3"), NotificationCode.updateMessageError, UInt8(1)),
        (MXGPWireError(.badMarker, "bad marker"), .messageHeaderError, 3),
        (MXGPWireError(.unknownMessageType, "type 99"), .messageHeaderError, 2),
    ])
    func decodeErrorSendsItsNotificationAndCloses(error: MXGPWireError, code: NotificationCode, subcode: UInt8) throws {
        var (m, id, _) = establishedSession()
        let actions = m.decodeError(error, on: id, now: t0)
        let note = try #require(actions.notifications.first)
        #expect(note.code == code && note.subcode == subcode)
        #expect(note.text == error.detail)
        #expect(actions.closed == [id])
        #expect(actions.sessionDowns.first?.text.contains(error.detail) == true)
        #expect(m.phase == .active)
    }

    enum Stage: String, CaseIterable { case openSent, openConfirm, established }

    @Test(arguments: [
        (Stage.openSent, MXGPMessage.keepalive),
        (.openSent, .update(UpdateMessage())),
        (.openSent, .routeRefresh),
        (.openConfirm, .update(UpdateMessage())),
        (.openConfirm, .open(neighbourOpen())),
        (.established, .open(neighbourOpen())),
    ])
    func messageInTheWrongStateIsAnFSMError(stage: Stage, message: MXGPMessage) throws {
        var m = SessionStateMachine(configuration: sessionConfig())
        let id = ConnectionID.outbound(1)
        _ = m.start(now: t0)
        _ = m.transportConnected(id, now: t0)
        if stage != .openSent { _ = m.messageReceived(.open(neighbourOpen()), on: id, now: t0) }
        if stage == .established { _ = m.messageReceived(.keepalive, on: id, now: t0) }
        let actions = m.messageReceived(message, on: id, now: t0)
        let note = try #require(actions.notifications.first)
        #expect(note.code == .finiteStateMachineError)
        let hints: [Stage: String] = [
            .openSent: "expected OPEN", .openConfirm: "expected KEEPALIVE", .established: "only valid as the first message",
        ]
        #expect(note.text.contains(hints[stage]!))
        #expect(actions.closed == [id])
        #expect((actions.sessionDowns.count == 1) == (stage == .established))
        #expect(m.phase == .active)
    }

    @Test func establishedSessionPassesRoutingMessagesOn() {
        var (m, id, _) = establishedSession()
        let update = UpdateMessage(withdrawn: [DomainName("x.example")!])
        let report = ReportMessage(messageID: "m1@x", reporter: 100, path: [200, 100], reason: "spam")
        #expect(m.messageReceived(.update(update), on: id, now: t0) == [.deliverUpdate(update)])
        #expect(m.messageReceived(.routeRefresh, on: id, now: t0) == [.routeRefreshRequested])
        #expect(m.messageReceived(.endOfRIB, on: id, now: t0) == [.endOfRIBReceived])
        #expect(m.messageReceived(.report(report), on: id, now: t0) == [.reportReceived(report)])
        #expect(m.messageReceived(.keepalive, on: id, now: t0) == [])
        #expect(m.messageReceived(.keepalive, on: .inbound(42), now: t0) == [])  // unknown connection
    }

    @Test func stopSendsCeaseAndReturnsToIdle() throws {
        var (m, id, _) = establishedSession()
        let actions = m.stop(reason: "planned maintenance until 14:00", now: t0 + .seconds(1))
        #expect(actions == [
            .cancelTimer(.hold(id)), .cancelTimer(.keepalive(id)),
            .send(.notification(NotificationMessage(
                code: .cease, subcode: CeaseSubcode.administrativeShutdown.rawValue, text: "planned maintenance until 14:00")), on: id),
            .close(id),
            .sessionDown(try #require(m.lastError)),
        ])
        #expect(m.lastError?.cause == .administrativeStop)
        #expect(m.phase == .idle)
        // Idle refuses the neighbour and ignores stale timers.
        #expect(m.transportConnected(.inbound(5), now: t0).notifications.first?.subcode == CeaseSubcode.connectionRejected.rawValue)
        #expect(m.timerFired(.hold(id), now: t0 + .seconds(10)) == [])
    }

    @Test func stopWhileConnectingAbandonsEverything() {
        var m = SessionStateMachine(configuration: sessionConfig())
        _ = m.start(now: t0)
        _ = m.transportConnected(.inbound(1), now: t0)
        let actions = m.stop(reason: "bye", now: t0)
        #expect(actions.closed == [.outbound(1), .inbound(1)])
        #expect(actions.notifications.map(\.subcode) == [CeaseSubcode.administrativeShutdown.rawValue])
        #expect(actions.sessionDowns.isEmpty)
        #expect(m.phase == .idle)
    }

    @Test func newInboundConnectionWhileEstablishedIsRejected() {
        var (m, _, _) = establishedSession()
        let actions = m.transportConnected(.inbound(9), now: t0)
        #expect(actions.notifications.map(\.subcode) == [CeaseSubcode.connectionCollision.rawValue])
        #expect(actions.closed == [.inbound(9)])
        #expect(m.phase == .established)
    }
}
