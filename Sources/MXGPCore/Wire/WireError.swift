/// A message that could not be decoded. Every case maps to the NOTIFICATION the
/// receiver sends before closing the session.
public struct MXGPWireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, by category.
    public enum Kind: String, Hashable, Sendable {
        case badMarker
        case badLength
        case messageTooLarge
        case unknownMessageType
        case malformedOpen
        case unsupportedVersion
        case malformedUpdate
        case badDomain
        case malformedNotification
        case malformedReport
    }

    public var kind: Kind
    /// Which field and which value, for the log line and the NOTIFICATION text.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }

    /// The NOTIFICATION to send for this error.
    public var notification: NotificationMessage {
        switch kind {
        case .badMarker:
            return NotificationMessage(code: .messageHeaderError, subcode: HeaderErrorSubcode.badMarker.rawValue, text: detail)
        case .badLength, .messageTooLarge:
            return NotificationMessage(code: .messageHeaderError, subcode: HeaderErrorSubcode.badLength.rawValue, text: detail)
        case .unknownMessageType:
            return NotificationMessage(code: .messageHeaderError, subcode: HeaderErrorSubcode.badType.rawValue, text: detail)
        case .malformedOpen:
            return NotificationMessage(code: .openMessageError, subcode: OpenErrorSubcode.malformed.rawValue, text: detail)
        case .unsupportedVersion:
            return NotificationMessage(code: .openMessageError, subcode: OpenErrorSubcode.unsupportedVersion.rawValue, text: detail)
        case .malformedUpdate:
            return NotificationMessage(code: .updateMessageError, subcode: UpdateErrorSubcode.malformed.rawValue, text: detail)
        case .badDomain:
            return NotificationMessage(code: .updateMessageError, subcode: UpdateErrorSubcode.badDomain.rawValue, text: detail)
        case .malformedNotification:
            return NotificationMessage(code: .messageHeaderError, subcode: HeaderErrorSubcode.badLength.rawValue, text: detail)
        case .malformedReport:
            return NotificationMessage(code: .reportError, subcode: 1, text: detail)
        }
    }
}
