/// Hold and keepalive bookkeeping of one connection.
///
/// Timers restart lazily: receiving or sending only records the time. When an
/// armed timer fires before the recorded activity says it is due, the timer is
/// re-armed for the real deadline instead. This keeps the action stream short
/// (no re-arm per message) and makes stale timer firings harmless.
struct Liveness: Hashable, Sendable {
    private(set) var holdTime: Duration?
    private(set) var keepaliveInterval: Duration?
    private(set) var lastReceived: Duration
    private(set) var lastSent: Duration
    private var holdDeadline: Duration?
    private var keepaliveDeadline: Duration?

    init(now: Duration) {
        lastReceived = now
        lastSent = now
    }

    /// Sets new intervals and (re-)arms or cancels both timers accordingly.
    mutating func configure(hold: Duration?, keepalive: Duration?, on id: ConnectionID, now: Duration) -> [SessionAction] {
        holdTime = hold
        keepaliveInterval = keepalive
        var actions: [SessionAction] = []
        let newHold = hold.map { lastReceived + $0 }
        let newKeepalive = keepalive.map { max(lastSent + $0, now) }
        actions += Liveness.update(&holdDeadline, to: newHold, timer: .hold(id))
        actions += Liveness.update(&keepaliveDeadline, to: newKeepalive, timer: .keepalive(id))
        return actions
    }

    private static func update(_ slot: inout Duration?, to deadline: Duration?, timer: SessionTimer) -> [SessionAction] {
        let wasArmed = slot != nil
        slot = deadline
        if let deadline { return [.armTimer(timer, deadline: deadline)] }
        return wasArmed ? [.cancelTimer(timer)] : []
    }

    mutating func received(now: Duration) { lastReceived = max(lastReceived, now) }
    mutating func sent(now: Duration) { lastSent = max(lastSent, now) }

    /// The outcome of a hold timer firing.
    enum HoldOutcome: Equatable {
        /// Not due (stale firing, or a message arrived since): run these actions.
        case notDue([SessionAction])
        /// The neighbour was silent for the whole hold time.
        case expired
    }

    mutating func holdFired(on id: ConnectionID, now: Duration) -> HoldOutcome {
        guard let armed = holdDeadline, let hold = holdTime, now >= armed else { return .notDue([]) }
        let due = lastReceived + hold
        if now < due {
            holdDeadline = due
            return .notDue([.armTimer(.hold(id), deadline: due)])
        }
        holdDeadline = nil
        return .expired
    }

    /// Sends a KEEPALIVE when nothing was sent for a whole interval; re-arms either way.
    mutating func keepaliveFired(on id: ConnectionID, now: Duration) -> [SessionAction] {
        guard let armed = keepaliveDeadline, let interval = keepaliveInterval, now >= armed else { return [] }
        let due = lastSent + interval
        if now < due {
            keepaliveDeadline = due
            return [.armTimer(.keepalive(id), deadline: due)]
        }
        lastSent = now
        keepaliveDeadline = now + interval
        return [.send(.keepalive, on: id), .armTimer(.keepalive(id), deadline: now + interval)]
    }

    /// Cancels whichever timers are armed.
    mutating func cancel(on id: ConnectionID) -> [SessionAction] {
        var actions: [SessionAction] = []
        if holdDeadline != nil { actions.append(.cancelTimer(.hold(id))) }
        if keepaliveDeadline != nil { actions.append(.cancelTimer(.keepalive(id))) }
        holdDeadline = nil
        keepaliveDeadline = nil
        return actions
    }
}
