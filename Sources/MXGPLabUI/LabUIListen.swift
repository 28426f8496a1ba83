import MXGPTopology

/// Where `mxgp lab ui` listens: loopback unless the user says otherwise, because the page
/// can inject faults.
public struct LabUIListen: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// The default, `127.0.0.1:8790`.
    public static let standard = LabUIListen(host: "127.0.0.1", port: 8790)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True for 127.0.0.0/8, `::1` and `localhost`.
    public var isLoopback: Bool { Self.isLoopback(host) }

    /// True when `host` is `localhost`, an IPv4 address in 127.0.0.0/8 (so `127.example.com`
    /// is not) or the IPv6 loopback `::1` (in any spelling): ``HostPort/isLoopback(_:)``.
    public static func isLoopback(_ host: String) -> Bool { HostPort.isLoopback(host) }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The page's address for people.
    public var url: String { "http://\(description)/" }

    /// Parses `HOST:PORT` (`[::1]:8790` for IPv6); a non-loopback host needs `allowRemote`.
    /// Returns the address and, when remote, the warning to print.
    public static func parse(_ text: String, allowRemote: Bool) throws(LabUIError) -> (listen: LabUIListen, warning: String?) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw LabUIError(400, "--listen \(text.debugDescription) is not [IPV6]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw LabUIError(400, "--listen \(text.debugDescription) is not HOST:PORT, e.g. 127.0.0.1:8790") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".:-".contains($0) }) else {
            throw LabUIError(400, "--listen \(text.debugDescription) has no valid host")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw LabUIError(400, "--listen \(text.debugDescription): the port must be a number from 0 to 65535")
        }
        let listen = LabUIListen(host: String(host), port: port)
        guard !listen.isLoopback else { return (listen, nil) }
        guard allowRemote else {
            throw LabUIError(400, "--listen \(text) is not a loopback address; the page can inject faults into the lab, so listening beyond this machine needs --allow-remote")
        }
        return (listen, "warning: the lab UI listens on \(listen), beyond this machine; anyone who reaches it can inject faults into the lab")
    }
}
