import Foundation
import Synchronization

/// The latest snapshot and the pages listening for changes: each page gets the whole
/// snapshot once, then only deltas.
public actor LabUIHub {
    /// What a page receives: the first snapshot, then deltas.
    public enum Event: Sendable {
        case snapshot(LabUISnapshot, sequence: Int)
        case delta(LabUIDelta)
        /// A keep-alive comment.
        case ping
    }

    public private(set) var snapshot = LabUISnapshot()
    public private(set) var sequence = 0
    /// When the poller last published (a page can show how fresh the state is).
    public private(set) var updatedAt: Date?
    var subscribers: [UUID: AsyncStream<Event>.Continuation] = [:]
    var finished = false

    public init() {}

    /// Publishes a new snapshot of the nodes and mail (the faults stay as ``publishFaults(_:)``
    /// last set them); every page gets the delta (nothing when nothing changed).
    public func publish(_ next: LabUISnapshot) {
        updatedAt = Date()
        var next = next
        next.faults = snapshot.faults
        send(next)
    }

    /// Publishes the lab's active faults (the fault watcher reads them from `lab.json`).
    public func publishFaults(_ faults: [LabUIFault]) {
        var next = snapshot
        next.faults = faults
        send(next)
    }

    func send(_ next: LabUISnapshot) {
        guard let delta = next.delta(from: snapshot, sequence: sequence + 1) else { return }
        sequence += 1
        snapshot = next
        for continuation in subscribers.values { continuation.yield(.delta(delta)) }
    }

    /// A stream of events for one page: the current snapshot first.
    public func subscribe() -> (id: UUID, events: AsyncStream<Event>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(256))
        continuation.yield(.snapshot(snapshot, sequence: sequence))
        if finished { continuation.finish() } else { subscribers[id] = continuation }
        return (id, stream)
    }

    /// Sends a keep-alive to one page (a closed page then ends its stream).
    public func ping(_ id: UUID) {
        subscribers[id]?.yield(.ping)
    }

    /// Stops sending to one page.
    public func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
    }

    /// Ends every page's stream (shutdown).
    public func finish() {
        finished = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    /// How many pages listen.
    public var listeners: Int { subscribers.count }
}

/// A flag the API raises so the poller polls at once (after a fault) instead of waiting.
final class WakeFlag: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    /// True once after each raise.
    func take() -> Bool { raised.withLock { value in defer { value = false }; return value } }
}
