import MXGPSMTP
import NIOConcurrencyHelpers
import NIOCore

/// Idle outbound SMTP connections, kept per next hop (`host:port`) after a delivered
/// message so the next message to the same hop skips the connect, greeting, EHLO and
/// STARTTLS (DESIGN §3: connections pooled per next hop).
///
/// Bounded: at most `maximumIdlePerNextHop` idle connections per hop, each closed with QUIT
/// after `idleTimeout` unused or after `maximumTransactions` messages. A connection comes
/// back only after a delivered message; any failure ends it (see `SMTPClientSession`).
/// Thread-safe.
public final class SMTPConnectionPool: Sendable {
    /// Most idle connections kept per next hop; more are closed when they come back.
    public let maximumIdlePerNextHop: Int
    /// How long a connection may sit idle before it is closed.
    public let idleTimeout: TimeAmount
    /// Messages one connection carries before it is closed (and a fresh one opened).
    public let maximumTransactions: Int
    /// Idle connections per next hop, and whether the pool is closed.
    private let state = NIOLockedValueBox(State())
    private struct State {
        var idle: [String: [KeptSMTPConnection]] = [:]
        var closed = false
    }

    /// Creates an empty pool.
    public init(maximumIdlePerNextHop: Int = 16, idleTimeout: TimeAmount = .seconds(5), maximumTransactions: Int = 100) {
        self.maximumIdlePerNextHop = maximumIdlePerNextHop
        self.idleTimeout = idleTimeout
        self.maximumTransactions = maximumTransactions
    }

    /// Takes the most recently used idle connection to `nextHop`, if any is still open.
    func checkout(_ nextHop: String) -> KeptSMTPConnection? {
        state.withLockedValue { state in
            while let kept = state.idle[nextHop]?.popLast() {
                kept.idleTimer?.cancel()
                kept.idleTimer = nil
                if kept.channel.isActive { return kept }
            }
            return nil
        }
    }

    /// Gives back a connection whose last message was delivered; closes it instead when
    /// the pool is closed or full, or the connection has carried enough messages.
    func checkin(_ kept: KeptSMTPConnection, nextHop: String) {
        kept.transactions += 1
        let keep: Bool = state.withLockedValue { state in
            guard !state.closed, kept.channel.isActive, kept.transactions < maximumTransactions,
                (state.idle[nextHop]?.count ?? 0) < maximumIdlePerNextHop
            else { return false }
            state.idle[nextHop, default: []].append(kept)
            kept.idleTimer = kept.channel.eventLoop.scheduleTask(in: idleTimeout) { [weak self] in self?.expire(kept, nextHop: nextHop) }
            return true
        }
        if !keep { kept.handler.quit() }
    }

    /// Idle connections now, per next hop (for tests and status).
    public var idleCounts: [String: Int] { state.withLockedValue { $0.idle.mapValues(\.count).filter { $0.value > 0 } } }

    /// Closes every idle connection (QUIT) and keeps no more: for shutdown.
    public func close() {
        let all: [KeptSMTPConnection] = state.withLockedValue { state in
            state.closed = true
            defer { state.idle = [:] }
            return state.idle.values.flatMap { $0 }
        }
        for kept in all {
            kept.idleTimer?.cancel()
            kept.handler.quit()
        }
    }

    /// The idle timer of `kept` fired: closes it if it is still idle here.
    private func expire(_ kept: KeptSMTPConnection, nextHop: String) {
        let removed: Bool = state.withLockedValue { state in
            guard let index = state.idle[nextHop]?.firstIndex(where: { $0 === kept }) else { return false }
            state.idle[nextHop]!.remove(at: index)
            return true
        }
        if removed { kept.handler.quit() }
    }
}

/// An open SMTP client connection between transactions. Owned by the pool while idle and
/// by one delivery while checked out.
// reason: one owner at a time: the pool (under its lock) while idle, one delivery while checked out.
final class KeptSMTPConnection: @unchecked Sendable {
    let channel: Channel
    let handler: SMTPClientHandler
    /// What the next session on it needs (TLS, extensions).
    var connection: SMTPClientConnection
    /// Messages delivered over it so far.
    var transactions = 0
    var idleTimer: Scheduled<Void>?

    init(channel: Channel, handler: SMTPClientHandler, connection: SMTPClientConnection) {
        self.channel = channel
        self.handler = handler
        self.connection = connection
    }

    /// Runs `session` (a continuing one) on this connection, bounded by `timeout`.
    func run(_ session: SMTPClientSession, timeout: TimeAmount) async -> SMTPTransactionResult {
        let promise = channel.eventLoop.makePromise(of: SMTPTransactionResult.self)
        handler.resume(session, outcome: promise)
        let timer = channel.eventLoop.scheduleTask(in: timeout) { [handler] in handler.timedOut() }
        defer { timer.cancel() }
        // The handler always completes the promise (finished, closed or timed out).
        return (try? await promise.futureResult.get())
            ?? SMTPTransactionResult(outcome: SMTPDelivery.failure("connection gone", recipients: session.recipients))
    }
}
