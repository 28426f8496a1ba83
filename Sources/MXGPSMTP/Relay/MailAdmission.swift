import MXGPCore

/// What a receiving relay answers, as pure functions: relay control (DESIGN §3), contract
/// limits and region refusals (DESIGN §4). The node's front desk and the simulation both ask
/// these, so the rules live in one place.
public enum MailAdmission {
    /// A refusal, with a short reason for logs and metrics (`max-size`, `rate-limit`, `region`).
    public struct Refusal: Sendable, Hashable {
        public var reason: String
        public var detail: String
        public var reply: SMTPReply
    }

    /// The contract refusal for one more message of `size` bytes (nil: not known yet) from
    /// neighbour `name`, or nil when the contract allows it. Size is checked first; `admit`
    /// (the rate window, counting the message when the caller wants it counted) only after.
    public static func contractRefusal(neighbour name: String, contract: MailContract?, size: Int?, admit: (Int) -> Bool) -> Refusal? {
        guard let contract else { return nil }
        if let size, size > contract.maxSize {
            return Refusal(
                reason: "max-size", detail: "message of \(size) bytes is over the contract's max-size \(contract.maxSize)",
                reply: SMTPReply(code: 552, SMTPEnhancedStatusCode(5, 3, 4), "message size \(size) exceeds the \(contract.maxSize) bytes the contract with \(name) allows"))
        }
        if !admit(contract.rateLimit) {
            return Refusal(
                reason: "rate-limit", detail: "over the contract's rate-limit of \(contract.rateLimit) messages per minute",
                reply: SMTPReply(code: 421, SMTPEnhancedStatusCode(4, 7, 0), "rate limit of \(contract.rateLimit) messages per minute for \(name) reached; try another route or later"))
        }
        return nil
    }

    /// The answer to RCPT TO for `domain` from `source`: a lab tempfail first, then the
    /// contract, then relay control (`mayAccept`, from ``RelayDecision/mayAccept(domain:from:engine:)``).
    /// Refusals a sender can route around or retry are temporary (4xx).
    public static func recipient(
        domain: DomainName, source: MailSource, tempfail: SMTPReply?, contractRefusal: SMTPReply?, mayAccept: Bool
    ) -> SMTPRecipientDecision {
        if let tempfail { return .reject(tempfail) }
        if let contractRefusal { return .reject(contractRefusal) }
        if mayAccept { return .accept }
        switch source {
        case .localClient:
            // A local client's domain that has no route right now (a session is down): try later.
            return .reject(SMTPReply(code: 451, SMTPEnhancedStatusCode(4, 4, 0), "no route to \(domain) right now; try again later"))
        case .neighbour(let name):
            // A domain this node does not announce to the neighbour right now: routes are
            // changing (a session flapped, a withdrawal is in flight). Temporary, so the sender
            // tries its next route or later instead of bouncing the mail.
            return .reject(SMTPReply(code: 451, SMTPEnhancedStatusCode(4, 7, 1), "\(domain) is not announced to \(name) right now; try another route or later"))
        case .stranger:
            return .relayDenied
        }
    }

    /// The 421 of the lab's `smtp-tempfail` fault (spam overload, injected).
    public static func tempfail(node: String) -> SMTPReply {
        SMTPReply(code: 421, SMTPEnhancedStatusCode(4, 7, 0), "\(node) is not taking mail right now (smtp-tempfail); try later")
    }

    /// The refusal of mail from a neighbour whose origin region (the `X-MXGP-Origin-Region`
    /// the first relay stamped) this node refuses, or nil.
    public static func regionRefusal(origin: Region?, refused: Set<Region>, node: String) -> Refusal? {
        guard let origin, refused.contains(origin) else { return nil }
        return Refusal(
            reason: "region", detail: "mail originating in \(origin) is refused here",
            reply: SMTPReply(code: 550, SMTPEnhancedStatusCode(5, 7, 1), "\(node) refuses mail originating in region \(origin)"))
    }
}
