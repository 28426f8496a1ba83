/// The NOTIFICATIONs the session sends, with texts that say what happened and what to do.
extension SessionStateMachine {
    /// How the neighbour is named in texts.
    var neighbourName: String { "neighbour operator \(configuration.neighbourOperator)" }

    /// NOTIFICATION cease with `subcode`, then close: for connections refused outright.
    func reject(_ id: ConnectionID, _ subcode: CeaseSubcode, _ text: String) -> [SessionAction] {
        let note = NotificationMessage(code: .cease, subcode: subcode.rawValue, text: text)
        return [.send(.notification(note), on: id), .close(id)]
    }

    /// A message that is not allowed in `phase`.
    func fsmError(_ message: MXGPMessage, in phase: SessionPhase) -> NotificationMessage {
        let hint: String
        switch phase {
        case .openSent: hint = "expected OPEN"
        case .openConfirm: hint = "expected KEEPALIVE"
        default: hint = "OPEN is only valid as the first message"
        }
        let names: [MessageType: String] = [.routeRefresh: "ROUTE-REFRESH", .endOfRIB: "END-OF-RIB"]
        let type = MessageType(rawValue: message.typeCode).map { names[$0] ?? "\($0)".uppercased() } ?? "type \(message.typeCode)"
        return NotificationMessage(
            code: .finiteStateMachineError, subcode: 0,
            text: "unexpected \(type) from \(neighbourName) in state \(phase) (\(hint))")
    }

    func holdExpiredNotification(after hold: Duration?) -> NotificationMessage {
        NotificationMessage(
            code: .holdTimerExpired, subcode: 0,
            text: "hold timer expired: no message from \(neighbourName) for \(durationText(hold)); "
                + "check the link and whether the neighbour is running")
    }

    func collisionNotification(keeping keep: ConnectionID, closing lose: ConnectionID) -> NotificationMessage {
        let winner = keep.direction == .outbound ? configuration.localOperator : configuration.neighbourOperator
        return NotificationMessage(
            code: .cease, subcode: CeaseSubcode.connectionCollision.rawValue,
            text: "connection collision: both sides connected at once; keeping the connection opened by operator "
                + "\(winner), closing the other one")
    }

    /// "3 s", "300 ms".
    func durationText(_ hold: Duration?) -> String {
        guard let hold else { return "the hold time" }
        let ms = hold.wholeMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

extension Liveness.HoldOutcome {
    /// The actions of a not-due outcome (none when expired).
    var actions: [SessionAction] {
        if case .notDue(let actions) = self { return actions }
        return []
    }
}
