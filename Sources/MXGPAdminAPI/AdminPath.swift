import Foundation

/// The paths of the admin API, shared by the node's router, `mxgp ctl` and the lab.
public enum AdminPath {
    /// `GET`: who the node is.
    public static let node = "/v1/node"
    /// `GET`: every neighbour's session.
    public static let peers = "/v1/peers"
    /// `GET`: every best route with its alternates.
    public static let routes = "/v1/routes"
    /// `GET`: every configured neighbour as a next hop: health, penalty, traffic, latency.
    public static let nexthops = "/v1/nexthops"
    /// `GET`: the outbound queue.
    public static let queue = "/v1/queue"
    /// `GET ?limit=N`: the messages delivered last to any local mailbox (address `*`).
    public static let recentMail = "/v1/mailbox"
    /// `GET`: the ledger per neighbour.
    public static let ledger = "/v1/ledger"
    /// `POST`: re-read the configuration.
    public static let reload = "/v1/reload"
    /// `POST`: file a spam complaint.
    public static let complaints = "/v1/complaints"
    /// `GET`: the lab's protocol faults now set.
    public static let faults = "/v1/faults"
    /// `POST ?percent=N` / `DELETE`: the lab's SMTP tempfail fault.
    public static let smtpTempfail = "/v1/faults/smtp-tempfail"
    /// `GET`: Prometheus metrics.
    public static let metrics = "/metrics"

    /// The router's pattern of ``route(_:)``.
    public static let routePattern = "/v1/routes/:domain"
    /// The router's pattern of ``mailbox(_:)``.
    public static let mailboxPattern = "/v1/mailbox/:address"
    /// The router's pattern of ``resetPeer(_:)``.
    public static let resetPeerPattern = "/v1/peers/:name/reset"

    /// `GET`: the route mail for `domain` follows.
    public static func route(_ domain: String) -> String { "\(routes)/\(segment(domain))" }
    /// `GET`: the messages in the local mailbox `address`.
    public static func mailbox(_ address: String) -> String { "/v1/mailbox/\(segment(address))" }
    /// `GET`: the `limit` messages delivered last to any local mailbox.
    public static func recentMail(limit: Int) -> String { "\(recentMail)?limit=\(limit)" }
    /// `POST`: close and restart the session with neighbour `name`.
    public static func resetPeer(_ name: String) -> String { "\(peers)/\(segment(name))/reset" }
    /// `POST`: answer 421 to `percent`% of recipients.
    public static func smtpTempfail(percent: Int) -> String { "\(smtpTempfail)?percent=\(percent)" }
    /// `POST`: file a complaint about the message `messageId`, with `reason` if given.
    public static func complaint(messageId: String, reason: String? = nil) -> String {
        "\(complaints)?messageId=\(queryValue(messageId))" + (reason.map { "&reason=\(queryValue($0))" } ?? "")
    }

    /// Percent-encodes one path segment (a domain, a mail address, a name).
    public static func segment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Percent-encodes one query parameter value.
    public static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#%")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
