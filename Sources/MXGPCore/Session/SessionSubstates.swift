/// One transport connection that has not reached Established yet.
struct SessionHandshake: Hashable, Sendable {
    enum Phase: Hashable, Sendable {
        /// OPEN sent, waiting for the neighbour's OPEN.
        case openSent
        /// The neighbour's OPEN was accepted and KEEPALIVE sent; waiting for its KEEPALIVE.
        case openConfirm(NegotiatedSession)
    }

    var id: ConnectionID
    var phase: Phase
    var liveness: Liveness

    var isOpenConfirm: Bool {
        if case .openConfirm = phase { return true }
        return false
    }

    var phaseName: SessionPhase { isOpenConfirm ? .openConfirm : .openSent }
}

/// A started session that is not Established: at most one outbound attempt in flight,
/// an optional connect-retry deadline, and up to two handshaking connections
/// (one per direction; two at once is a collision, resolved when OPENs arrive).
struct SessionRunning: Hashable, Sendable {
    var attempt: ConnectionID?
    var retryDeadline: Duration?
    var handshakes: [SessionHandshake] = []

    func index(of id: ConnectionID) -> Int? { handshakes.firstIndex { $0.id == id } }

    /// True when nothing is in progress: no attempt, no connection, no retry pending.
    var isQuiet: Bool { attempt == nil && retryDeadline == nil && handshakes.isEmpty }

    var phase: SessionPhase {
        if handshakes.contains(where: \.isOpenConfirm) { return .openConfirm }
        if !handshakes.isEmpty { return .openSent }
        return attempt != nil ? .connect : .active
    }
}

/// The one connection of an Established session.
struct SessionEstablished: Hashable, Sendable {
    var session: NegotiatedSession
    var liveness: Liveness
    /// When the session reached Established (for the backoff reset).
    var since: Duration

    var id: ConnectionID { session.connection }
}
