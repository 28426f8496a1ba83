/// Where a spam complaint goes at one hop (PROTOCOL.md §12), as a pure function the node's
/// complaint desk and the simulation share.
public enum ComplaintRouting {
    /// What this hop does with a REPORT.
    public enum Step: Sendable, Hashable {
        /// Book the contract's chargeback against `previous` (the neighbour that handed the
        /// message over) and pass the REPORT on to it.
        case book(previous: String)
        /// The complaint ends here; `dropped` is false when that is its normal end (the origin).
        case stop(String, dropped: Bool)
    }

    /// The neighbour this hop owes the chargeback to: the one that sent the REPORT, once it
    /// passed the checks (the hop books it as payable, PROTOCOL.md §12); nil when the complaint
    /// was filed here or dropped.
    public static func payable(_ step: Step, from neighbour: String?) -> String? {
        switch step {
        case .book: return neighbour
        case .stop(_, let dropped): return dropped ? nil : neighbour
        }
    }

    /// The step for `report` at the node of operator `local`, received from `neighbour` (nil:
    /// filed at this node). `carried` says whether this node has a record of carrying the
    /// message; `neighbourByOperator` maps its neighbours' operator numbers to their names.
    public static func step(
        _ report: ReportMessage, local: OperatorNumber, from neighbour: String?, carried: Bool,
        neighbourByOperator: [OperatorNumber: String]
    ) -> Step {
        guard let index = report.path.lastIndex(of: local) else {
            return .stop("operator \(local) is not on the reported path", dropped: true)
        }
        if let neighbour {
            // It must come from the hop this node handed the message to, about mail it carried.
            guard index + 1 < report.path.count, neighbourByOperator[report.path[index + 1]] == neighbour else {
                return .stop("\(neighbour) is not the next hop after this node on the reported path", dropped: true)
            }
            guard carried else { return .stop("this node has no record of carrying <\(report.messageID)>", dropped: true) }
        }
        guard index > 0 else { return .stop("this node is the first relay: the complaint ends at the origin", dropped: false) }
        guard let previous = neighbourByOperator[report.path[index - 1]] else {
            return .stop("operator \(report.path[index - 1]) before this node on the path is not a neighbour", dropped: true)
        }
        return .book(previous: previous)
    }
}
