/// The checks a received OPEN must pass, and the parameters it yields.
enum OpenNegotiation {
    /// Checks `open` against the configuration; returns the negotiated parameters,
    /// or the NOTIFICATION to send before closing.
    static func negotiate(
        _ open: OpenMessage, on connection: ConnectionID, configuration config: SessionConfiguration
    ) -> Result<NegotiatedSession, NotificationMessage> {
        if let problem = check(open, configuration: config) { return .failure(problem) }
        let holdTime = min(config.holdTime, open.holdTime)
        let hold: Duration? = holdTime == 0 ? nil : .seconds(Int(holdTime))
        var fast: Duration?
        if let mine = config.fastLivenessMilliseconds, let theirs = open.fastLivenessInterval {
            fast = .milliseconds(Int(max(mine, theirs)))
        }
        var keepalive = hold.map { $0 / 3 }
        var timeout = hold
        if let fast {
            keepalive = keepalive.map { min($0, fast) } ?? fast
            timeout = timeout.map { min($0, fast * 3) } ?? fast * 3
        }
        return .success(NegotiatedSession(
            connection: connection, peerOpen: open, holdTime: holdTime, keepaliveInterval: keepalive,
            livenessTimeout: timeout, fastLivenessInterval: fast, routeRefresh: open.supportsRouteRefresh))
    }

    /// The first rule `open` breaks, as a NOTIFICATION; nil when it is acceptable.
    static func check(_ open: OpenMessage, configuration config: SessionConfiguration) -> NotificationMessage? {
        let peer = "\(open.nodeName) (operator \(open.operatorNumber))"
        guard open.version == mxgpVersion else {
            return openError(.unsupportedVersion,
                "\(peer) speaks MXGP version \(open.version); \(config.nodeName) speaks version \(mxgpVersion)")
        }
        guard open.operatorNumber == config.neighbourOperator else {
            return openError(.badOperator,
                "operator mismatch: \(config.nodeName) (operator \(config.localOperator)) expects neighbour operator "
                + "\(config.neighbourOperator), but \(open.nodeName) announced operator \(open.operatorNumber); "
                + "check the neighbour's address or its configured operator number")
        }
        guard open.role == config.neighbourRelationship else {
            return openError(.roleMismatch, roleMismatchText(open, configuration: config))
        }
        guard open.holdTime == 0 || open.holdTime >= 3 else {
            return openError(.unacceptableHoldTime, "\(peer) proposed hold time \(open.holdTime) s; it must be 0 or at least 3 s")
        }
        return nil
    }

    /// Names both sides, both roles, and what to change.
    static func roleMismatchText(_ open: OpenMessage, configuration config: SessionConfiguration) -> String {
        let me = "\(config.nodeName) (operator \(config.localOperator))"
        let them = "\(open.nodeName) (operator \(open.operatorNumber))"
        return "role mismatch: \(them) says it is the \(open.role) of \(me), "
            + "but \(me) is configured to treat it as its \(config.neighbourRelationship) "
            + "(and so announces itself as \(config.localRole)); "
            + "make the relationship of this link agree in both nodes' configurations"
    }

    private static func openError(_ subcode: OpenErrorSubcode, _ text: String) -> NotificationMessage {
        NotificationMessage(code: .openMessageError, subcode: subcode.rawValue, text: text)
    }
}
