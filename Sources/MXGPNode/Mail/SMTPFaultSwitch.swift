import MXGPSMTP
import NIOConcurrencyHelpers

/// A protocol fault for labs (`mxgp lab fault LAB smtp-tempfail NODE [PCT]`): while set, the
/// node's SMTP server answers `421 4.7.0` to that share of recipients, as an overloaded or
/// spam-flooded relay would. Set and cleared through the admin API (`/v1/faults/smtp-tempfail`).
public final class SMTPFaultSwitch: Sendable {
    private let percent = NIOLockedValueBox(0)

    public init() {}

    /// The share of recipients answered 421, 0 when off.
    public var tempfailPercent: Int { percent.withLockedValue { $0 } }

    /// Sets the share (0 turns the fault off; values are clamped to 0…100).
    public func setTempfail(percent: Int) { self.percent.withLockedValue { $0 = max(0, min(100, percent)) } }

    /// The reply for this recipient: 421 for `percent` of them, nil otherwise.
    public func tempfailReply(node: String) -> SMTPReply? {
        let share = tempfailPercent
        guard share > 0, Int.random(in: 0..<100) < share else { return nil }
        return MailAdmission.tempfail(node: node)
    }
}
