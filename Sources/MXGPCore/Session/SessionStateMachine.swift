/// The MXGP session state machine for one neighbour (RFC 4271 §8, simplified).
///
/// Pure: no sockets, clocks or randomness. The driver reports events together
/// with the current time (`now`, a `Duration` since an arbitrary epoch, so a
/// simulation can use a virtual clock) and performs the returned actions in order.
///
/// Phases: Idle → Connect/Active → OpenSent → OpenConfirm → Established. Up to two
/// connections may handshake at once (one per direction); when both reach the
/// OPEN exchange, the connection initiated by the side with the higher operator
/// number is kept and the other is closed with NOTIFICATION cease/connection
/// collision (RFC 4271 §6.8).
public struct SessionStateMachine: Sendable {
    /// The configuration the machine was created with.
    public let configuration: SessionConfiguration
    private var state: State
    private var backoff: ReconnectBackoffState
    private var nextOutboundNumber: UInt64 = 1
    /// Why the session (or the last handshake or connection attempt) last failed.
    public private(set) var lastError: SessionDownReason?

    private enum State: Sendable {
        case idle
        case running(SessionRunning)
        case established(SessionEstablished)
    }

    /// Creates an Idle session; `jitterSeed` makes the reconnect jitter reproducible.
    public init(configuration: SessionConfiguration, jitterSeed: UInt64 = 0) {
        self.configuration = configuration
        self.state = .idle
        self.backoff = ReconnectBackoffState(configuration.reconnect, seed: jitterSeed)
    }

    /// The current phase, named as in RFC 4271 (the most advanced connection's).
    public var phase: SessionPhase {
        switch state {
        case .idle: return .idle
        case .running(let running): return running.phase
        case .established: return .established
        }
    }

    /// The negotiated parameters while Established.
    public var established: NegotiatedSession? {
        if case .established(let est) = state { return est.session }
        return nil
    }

    // MARK: - Administrative events

    /// Starts the session: connects out at once (unless passive) and accepts the neighbour's connections.
    public mutating func start(now: Duration) -> [SessionAction] {
        guard case .idle = state else { return [] }
        var running = SessionRunning()
        var actions: [SessionAction] = []
        if !configuration.passive { actions.append(beginAttempt(&running)) }
        state = .running(running)
        return actions
    }

    /// Stops the session: sends NOTIFICATION cease/administrative shutdown with `reason` on
    /// every connection, closes them, and returns to Idle. The reconnect backoff starts over.
    public mutating func stop(reason: String, subcode: CeaseSubcode = .administrativeShutdown, now: Duration) -> [SessionAction] {
        let note = NotificationMessage(code: .cease, subcode: subcode.rawValue, text: reason)
        var actions: [SessionAction] = []
        switch state {
        case .idle:
            return []
        case .running(let running):
            if let attempt = running.attempt { actions.append(.close(attempt)) }
            if running.retryDeadline != nil { actions.append(.cancelTimer(.connectRetry)) }
            for var handshake in running.handshakes {
                actions += handshake.liveness.cancel(on: handshake.id)
                actions += [.send(.notification(note), on: handshake.id), .close(handshake.id)]
            }
        case .established(var est):
            actions += est.liveness.cancel(on: est.id)
            actions += [.send(.notification(note), on: est.id), .close(est.id)]
            let down = SessionDownReason(
                cause: .administrativeStop, notification: note, text: "session stopped by the administrator: \(reason)")
            lastError = down
            actions.append(.sessionDown(down))
        }
        state = .idle
        backoff.reset()
        return actions
    }

    // MARK: - Transport events

    /// A connection is up: the outbound attempt `id` succeeded, or the neighbour connected (`id` inbound).
    public mutating func transportConnected(_ id: ConnectionID, now: Duration) -> [SessionAction] {
        switch state {
        case .idle:
            guard id.direction == .inbound else { return [.close(id)] }
            return reject(id, .connectionRejected, "the session with \(neighbourName) is administratively down")
        case .established(let est):
            guard id.direction == .inbound else { return [.close(id)] }
            return reject(id, .connectionCollision, "a session with \(neighbourName) is already established on \(est.id)")
        case .running(var running):
            if id.direction == .outbound {
                guard running.attempt == id else { return [.close(id)] }
                running.attempt = nil
            } else if let other = running.handshakes.first(where: { $0.id.direction == .inbound }) {
                return reject(id, .connectionRejected, "\(neighbourName) already has an inbound connection (\(other.id)) in progress")
            }
            var actions: [SessionAction] = []
            if running.retryDeadline != nil {
                running.retryDeadline = nil
                actions.append(.cancelTimer(.connectRetry))
            }
            var handshake = SessionHandshake(id: id, phase: .openSent, liveness: Liveness(now: now))
            actions.append(.send(.open(configuration.localOpen), on: id))
            actions += handshake.liveness.configure(hold: configuration.openSentHoldTime, keepalive: nil, on: id, now: now)
            running.handshakes.append(handshake)
            state = .running(running)
            return actions
        }
    }

    /// The outbound attempt `id` failed (refused, unreachable, timed out, TLS failure).
    public mutating func connectFailed(_ id: ConnectionID, reason: String, now: Duration) -> [SessionAction] {
        guard case .running(var running) = state, running.attempt == id else { return [] }
        running.attempt = nil
        lastError = SessionDownReason(cause: .transportClosed, text: "could not connect to \(neighbourName): \(reason)")
        let actions = scheduleRetryIfQuiet(&running, now: now)
        state = .running(running)
        return actions
    }

    /// The connection `id` closed or broke without this machine asking for it.
    public mutating func transportClosed(_ id: ConnectionID, now: Duration) -> [SessionAction] {
        switch state {
        case .idle:
            return []
        case .running(var running):
            if running.attempt == id { return connectFailed(id, reason: "connection closed while connecting", now: now) }
            guard let index = running.index(of: id) else { return [] }
            let text = "\(neighbourName) closed connection \(id) in \(running.handshakes[index].phaseName) without a NOTIFICATION"
            let actions = failHandshake(
                at: index, in: &running, SessionDownReason(cause: .transportClosed, text: text), notify: nil, now: now)
            state = .running(running)
            return actions
        case .established(let est):
            guard est.id == id else { return [] }
            let text = "connection to \(neighbourName) closed without a NOTIFICATION"
            return dropEstablished(est, SessionDownReason(cause: .transportClosed, text: text), notify: nil, now: now)
        }
    }

    /// A message arrived on connection `id`. Every message counts as a sign of life.
    public mutating func messageReceived(_ message: MXGPMessage, on id: ConnectionID, now: Duration) -> [SessionAction] {
        switch state {
        case .idle:
            return []
        case .running(var running):
            guard let index = running.index(of: id) else { return [] }
            running.handshakes[index].liveness.received(now: now)
            return handshakeReceived(message, at: index, running, now: now)
        case .established(var est):
            guard est.id == id else { return [] }
            est.liveness.received(now: now)
            return establishedReceived(message, est, now: now)
        }
    }

    /// The bytes on connection `id` could not be decoded: sends the error's NOTIFICATION and closes.
    public mutating func decodeError(_ error: MXGPWireError, on id: ConnectionID, now: Duration) -> [SessionAction] {
        let note = error.notification
        let reason = SessionDownReason(
            cause: .notificationSent, notification: note,
            text: "could not decode a message from \(neighbourName) (\(error)); sent NOTIFICATION \(note)")
        switch state {
        case .idle:
            return []
        case .running(var running):
            guard let index = running.index(of: id) else { return [] }
            let actions = failHandshake(at: index, in: &running, reason, notify: note, now: now)
            state = .running(running)
            return actions
        case .established(let est):
            guard est.id == id else { return [] }
            return dropEstablished(est, reason, notify: note, now: now)
        }
    }

    /// An armed timer fired. Stale firings (cancelled, re-armed later, unknown connection) are ignored.
    public mutating func timerFired(_ timer: SessionTimer, now: Duration) -> [SessionAction] {
        switch (timer, state) {
        case (.connectRetry, .running(var running)):
            guard let deadline = running.retryDeadline, now >= deadline else { return [] }
            running.retryDeadline = nil
            var actions: [SessionAction] = []
            if running.isQuiet && !configuration.passive { actions.append(beginAttempt(&running)) }
            state = .running(running)
            return actions
        case (.hold(let id), .running(let running)):
            return handshakeHoldFired(id, running, now: now)
        case (.keepalive(let id), .running(var running)):
            guard let index = running.index(of: id) else { return [] }
            let actions = running.handshakes[index].liveness.keepaliveFired(on: id, now: now)
            state = .running(running)
            return actions
        case (.hold(let id), .established(var est)) where id == est.id:
            let outcome = est.liveness.holdFired(on: id, now: now)
            guard case .expired = outcome else {
                state = .established(est)
                return outcome.actions
            }
            let note = holdExpiredNotification(after: est.session.livenessTimeout)
            let reason = SessionDownReason(cause: .notificationSent, notification: note, text: note.text)
            return dropEstablished(est, reason, notify: note, now: now)
        case (.keepalive(let id), .established(var est)) where id == est.id:
            let actions = est.liveness.keepaliveFired(on: id, now: now)
            state = .established(est)
            return actions
        default:
            return []
        }
    }

    /// Sends a routing message (UPDATE, ROUTE-REFRESH, END-OF-RIB, REPORT, KEEPALIVE) on the
    /// established connection; counts as traffic for the keepalive timer. Returns no actions
    /// (the message is dropped) unless the session is Established.
    public mutating func send(_ message: MXGPMessage, now: Duration) -> [SessionAction] {
        guard case .established(var est) = state else { return [] }
        switch message {
        case .open, .notification: return []
        case .update, .routeRefresh, .endOfRIB, .report, .keepalive: break
        }
        est.liveness.sent(now: now)
        state = .established(est)
        return [.send(message, on: est.id)]
    }

    // MARK: - Handshake

    private mutating func handshakeHoldFired(_ id: ConnectionID, _ running: SessionRunning, now: Duration) -> [SessionAction] {
        var running = running
        guard let index = running.index(of: id) else { return [] }
        var actions: [SessionAction]
        switch running.handshakes[index].liveness.holdFired(on: id, now: now) {
        case .notDue(let rearm):
            actions = rearm
        case .expired:
            let note = holdExpiredNotification(after: running.handshakes[index].liveness.holdTime)
            let reason = SessionDownReason(cause: .notificationSent, notification: note, text: note.text)
            actions = failHandshake(at: index, in: &running, reason, notify: note, now: now)
        }
        state = .running(running)
        return actions
    }

    private mutating func handshakeReceived(
        _ message: MXGPMessage, at index: Int, _ running: SessionRunning, now: Duration
    ) -> [SessionAction] {
        var running = running
        let handshake = running.handshakes[index]
        let actions: [SessionAction]
        switch (handshake.phase, message) {
        case (.openSent, .open(let open)):
            actions = openReceived(open, at: index, in: &running, now: now)
        case (.openConfirm(let negotiated), .keepalive):
            return establish(negotiated, at: index, running, now: now)
        case (_, .notification(let note)):
            let reason = SessionDownReason(
                cause: .notificationReceived, notification: note,
                text: "\(neighbourName) refused the session in \(handshake.phaseName) with NOTIFICATION \(note)")
            actions = failHandshake(at: index, in: &running, reason, notify: nil, now: now)
        default:
            let note = fsmError(message, in: handshake.phaseName)
            let reason = SessionDownReason(cause: .notificationSent, notification: note, text: note.text)
            actions = failHandshake(at: index, in: &running, reason, notify: note, now: now)
        }
        state = .running(running)
        return actions
    }

    private mutating func openReceived(
        _ open: OpenMessage, at index: Int, in running: inout SessionRunning, now: Duration
    ) -> [SessionAction] {
        let id = running.handshakes[index].id
        let negotiated: NegotiatedSession
        switch OpenNegotiation.negotiate(open, on: id, configuration: configuration) {
        case .failure(let note):
            let reason = SessionDownReason(
                cause: .notificationSent, notification: note, text: "refused the OPEN from \(open.nodeName): \(note.text)")
            return failHandshake(at: index, in: &running, reason, notify: note, now: now)
        case .success(let result):
            negotiated = result
        }
        var actions: [SessionAction] = []
        if let other = running.handshakes.first(where: { $0.id != id && $0.isOpenConfirm })?.id {
            let keep = collisionWinner(id, other, peer: open)
            let lose = keep == id ? other : id
            let note = collisionNotification(keeping: keep, closing: lose)
            let reason = SessionDownReason(cause: .notificationSent, notification: note, text: note.text)
            actions += failHandshake(at: running.index(of: lose)!, in: &running, reason, notify: note, now: now)
            if lose == id { return actions }
        }
        let current = running.index(of: id)!
        actions.append(.send(.keepalive, on: id))
        running.handshakes[current].phase = .openConfirm(negotiated)
        running.handshakes[current].liveness.sent(now: now)
        let hold = negotiated.holdDuration
        actions += running.handshakes[current].liveness.configure(hold: hold, keepalive: hold.map { $0 / 3 }, on: id, now: now)
        return actions
    }

    /// Keeps the connection initiated by the side with the higher operator number
    /// (equal operators: the higher node name).
    private func collisionWinner(_ a: ConnectionID, _ b: ConnectionID, peer: OpenMessage) -> ConnectionID {
        let local = (configuration.localOperator, configuration.nodeName)
        let remote = (peer.operatorNumber, peer.nodeName)
        let keepOutbound = local > remote
        return (a.direction == .outbound) == keepOutbound ? a : b
    }

    private mutating func establish(
        _ negotiated: NegotiatedSession, at index: Int, _ running: SessionRunning, now: Duration
    ) -> [SessionAction] {
        var running = running
        var handshake = running.handshakes.remove(at: index)
        var actions: [SessionAction] = []
        if let attempt = running.attempt { actions.append(.close(attempt)) }
        if running.retryDeadline != nil { actions.append(.cancelTimer(.connectRetry)) }
        for var other in running.handshakes {
            let note = collisionNotification(keeping: handshake.id, closing: other.id)
            actions += other.liveness.cancel(on: other.id)
            actions += [.send(.notification(note), on: other.id), .close(other.id)]
        }
        actions += handshake.liveness.configure(
            hold: negotiated.livenessTimeout, keepalive: negotiated.keepaliveInterval, on: handshake.id, now: now)
        actions.append(.sessionEstablished(negotiated))
        state = .established(SessionEstablished(session: negotiated, liveness: handshake.liveness, since: now))
        return actions
    }

    // MARK: - Established

    private mutating func establishedReceived(
        _ message: MXGPMessage, _ est: SessionEstablished, now: Duration
    ) -> [SessionAction] {
        let actions: [SessionAction]
        switch message {
        case .keepalive: actions = []
        case .update(let update): actions = [.deliverUpdate(update)]
        case .routeRefresh: actions = [.routeRefreshRequested]
        case .endOfRIB: actions = [.endOfRIBReceived]
        case .report(let report): actions = [.reportReceived(report)]
        case .notification(let note):
            let reason = SessionDownReason(
                cause: .notificationReceived, notification: note,
                text: "\(neighbourName) closed the session with NOTIFICATION \(note)")
            return dropEstablished(est, reason, notify: nil, now: now)
        case .open:
            let note = fsmError(message, in: .established)
            let reason = SessionDownReason(cause: .notificationSent, notification: note, text: note.text)
            return dropEstablished(est, reason, notify: note, now: now)
        }
        state = .established(est)
        return actions
    }

    // MARK: - Failure paths

    /// Removes a handshaking connection (sending `notify` first, if any) and retries when nothing is left.
    private mutating func failHandshake(
        at index: Int, in running: inout SessionRunning, _ reason: SessionDownReason, notify: NotificationMessage?,
        now: Duration
    ) -> [SessionAction] {
        var handshake = running.handshakes.remove(at: index)
        var actions = handshake.liveness.cancel(on: handshake.id)
        if let notify { actions.append(.send(.notification(notify), on: handshake.id)) }
        if reason.cause != .transportClosed { actions.append(.close(handshake.id)) }
        actions.append(.handshakeFailed(handshake.id, reason))
        lastError = reason
        actions += scheduleRetryIfQuiet(&running, now: now)
        return actions
    }

    /// Ends an Established session and schedules the reconnect.
    private mutating func dropEstablished(
        _ est: SessionEstablished, _ reason: SessionDownReason, notify: NotificationMessage?, now: Duration
    ) -> [SessionAction] {
        var est = est
        var actions = est.liveness.cancel(on: est.id)
        if let notify { actions.append(.send(.notification(notify), on: est.id)) }
        if reason.cause != .transportClosed { actions.append(.close(est.id)) }
        actions.append(.sessionDown(reason))
        lastError = reason
        if now - est.since >= configuration.reconnect.resetAfter { backoff.reset() }
        var running = SessionRunning()
        actions += scheduleRetryIfQuiet(&running, now: now)
        state = .running(running)
        return actions
    }

    private mutating func scheduleRetryIfQuiet(_ running: inout SessionRunning, now: Duration) -> [SessionAction] {
        guard running.isQuiet, !configuration.passive else { return [] }
        let deadline = now + backoff.nextDelay()
        running.retryDeadline = deadline
        return [.armTimer(.connectRetry, deadline: deadline)]
    }

    private mutating func beginAttempt(_ running: inout SessionRunning) -> SessionAction {
        let id = ConnectionID.outbound(nextOutboundNumber)
        nextOutboundNumber += 1
        running.attempt = id
        return .connect(id)
    }
}
