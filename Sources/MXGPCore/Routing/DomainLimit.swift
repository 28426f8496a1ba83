/// What a node does when a neighbour announces more domains than its `max-domains`
/// (DESIGN §5; PROTOCOL.md §13).
public enum DomainLimitAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// Accept everything, log a warning and count it.
    case warn
    /// Keep the session; ignore the announcements of new domains beyond the limit (they are
    /// not in the Adj-RIB-In, so a later withdrawal makes room for a re-announcement).
    case block
    /// Close the session with NOTIFICATION Cease 6/1 (maximum domains reached); it reconnects
    /// with the usual backoff.
    case reset
}

/// The per-session domain limit as a pure function over one UPDATE.
public enum DomainLimit {
    /// The result of checking one UPDATE against the limit.
    public struct Outcome: Sendable, Hashable {
        /// The update to apply (with `block`, without the domains over the limit).
        public var update: UpdateMessage
        /// New domains that were over the limit (0: within it).
        public var over: Int
    }

    /// Checks `update` from a neighbour that has `current` domains in its Adj-RIB-In, of which
    /// `known(domain)` says whether a domain is one. `limit` 0 means no limit.
    public static func check(
        _ update: UpdateMessage, limit: Int, action: DomainLimitAction, current: Int, known: (DomainName) -> Bool
    ) -> Outcome {
        guard limit > 0, !update.announced.isEmpty, update.attributes != nil else { return Outcome(update: update, over: 0) }
        let withdrawn = Set(update.withdrawn.filter(known))
        var count = current - withdrawn.count
        var accepted: [DomainName] = []
        var over = 0
        for domain in update.announced {
            if known(domain) && !withdrawn.contains(domain) {
                accepted.append(domain)  // a replacement, not a new domain
            } else if count < limit {
                count += 1
                accepted.append(domain)
            } else {
                over += 1
                if action != .block { accepted.append(domain) }
            }
        }
        var result = update
        result.announced = accepted
        return Outcome(update: result, over: over)
    }
}
