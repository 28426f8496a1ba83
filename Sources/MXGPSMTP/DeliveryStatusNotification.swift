/// A delivery status notification (RFC 3464) for recipients that could not be delivered:
/// a `multipart/report; report-type=delivery-status` message with a human-readable part,
/// the machine-readable status per recipient, and the original message's headers.
public enum DeliveryStatusNotification {
    /// One recipient that failed.
    public struct Failure: Sendable, Hashable {
        public var recipient: String
        /// The last reply or reason (e.g. `550 5.7.1 relay access denied`).
        public var diagnostic: String

        public init(recipient: String, diagnostic: String) {
            self.recipient = recipient
            self.diagnostic = diagnostic
        }

        /// The enhanced status code in the diagnostic, or 5.0.0.
        var status: String {
            for word in diagnostic.split(separator: " ") {
                let parts = word.split(separator: ".")
                if parts.count == 3, parts.allSatisfy({ Int($0) != nil }), word.first == "5" || word.first == "4" { return String(word) }
            }
            return "5.0.0"
        }
    }

    /// The DSN bytes (CRLF line endings). `date` is an RFC 5322 date; the caller reads the clock.
    public static func compose(
        reportingNode: String, sender: String, messageID: String, originalHeaders: [UInt8], failures: [Failure], date: String,
        boundary: String
    ) -> [UInt8] {
        var text = "From: Mail Delivery System <mailer-daemon@\(reportingNode)>\r\n"
        text += "To: \(sender)\r\n"
        text += "Subject: Undelivered Mail Returned to Sender\r\n"
        text += "Date: \(date)\r\n"
        text += "Message-ID: <\(messageID)>\r\n"
        text += "Auto-Submitted: auto-replied\r\n"
        text += "MIME-Version: 1.0\r\n"
        text += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\(boundary)\"\r\n\r\n"
        text += "--\(boundary)\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        text += "This is the mail system at \(reportingNode) (mxgp).\r\n\r\n"
        text += "Your message could not be delivered to the following recipients:\r\n\r\n"
        for failure in failures { text += "  <\(failure.recipient)>: \(failure.diagnostic)\r\n" }
        text += "\r\n--\(boundary)\r\nContent-Type: message/delivery-status\r\n\r\n"
        text += "Reporting-MTA: dns; \(reportingNode)\r\n"
        for failure in failures {
            text += "\r\nFinal-Recipient: rfc822; \(failure.recipient)\r\n"
            text += "Action: failed\r\n"
            text += "Status: \(failure.status)\r\n"
            text += "Diagnostic-Code: smtp; \(failure.diagnostic)\r\n"
        }
        text += "\r\n--\(boundary)\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        var result = Array(text.utf8)
        result += originalHeaders
        result += Array("\r\n--\(boundary)--\r\n".utf8)
        return result
    }

    /// The header section of `message` (up to the first empty line), with CRLF line endings.
    public static func headerSection(of message: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for var line in message.split(separator: 10, omittingEmptySubsequences: false) {
            if line.last == 13 { line.removeLast() }
            if line.isEmpty { break }
            result += line
            result += [13, 10]
        }
        return result
    }
}
