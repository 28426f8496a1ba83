/// What one attempt at a next hop means for each recipient, and when to try again, as pure
/// functions the node's delivery engine and the simulation share.
public enum RelayAttempt {
    /// The recipients of one attempt, sorted by what happens to them next.
    public struct Sorted: Sendable, Hashable {
        /// Taken by the next hop (its 250): they leave the queue.
        public var delivered: [String] = []
        /// Refused for good: a DSN goes back, with the reply.
        public var bounced: [Bounce] = []
        /// Not taken, for now: try the next alternate, then later.
        public var deferred: [String] = []
        /// Why the last deferred recipient was not taken.
        public var lastError: String?
    }

    /// A recipient refused for good, with the reply that refused it.
    public struct Bounce: Sendable, Hashable {
        public var address: String
        public var reply: String

        public init(address: String, reply: String) {
            self.address = address
            self.reply = reply
        }
    }

    /// Sorts an attempt's outcome. A policy refusal (``isPolicyRefusal(_:)``) by a next hop that
    /// is not the last candidate defers (another route may take the message); other 5xx bounce.
    public static func sort(_ outcome: SMTPClientOutcome, lastCandidate: Bool) -> Sorted {
        var sorted = Sorted()
        for result in outcome.recipients {
            let address = result.recipient.mailbox?.description ?? ""
            switch result.status {
            case .delivered: sorted.delivered.append(address)
            case .bounced(let reply) where !lastCandidate && isPolicyRefusal(reply):
                sorted.deferred.append(address)
                sorted.lastError = reply.description
            case .bounced(let reply): sorted.bounced.append(Bounce(address: address, reply: reply.description))
            case .deferred(let why):
                sorted.deferred.append(address)
                sorted.lastError = why.description
            }
        }
        return sorted
    }

    /// A permanent refusal that is about this next hop rather than the message's destination:
    /// relay or region refusal (`5.7.1`) and over the contract's size (`5.3.4`). The relay
    /// moves on to the next alternate; only the last candidate's refusal bounces.
    public static func isPolicyRefusal(_ reply: SMTPReply) -> Bool {
        guard let code = reply.enhancedCode else { return false }
        return (code.subject == 7 && code.detail == 1) || (code.subject == 3 && code.detail == 4)
    }

    /// Seconds to wait after `attempts` failed attempts: `base × n²`, at most `cap`.
    public static func retryDelay(attempts: Int, base: Double, cap: Double) -> Double {
        min(cap, base * Double(max(1, attempts) * max(1, attempts)))
    }
}
