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

    /// True when `host` is `localhost`, an IPv4 address in 127.0.0.0/8 (four decimal parts,
    /// so `127.example.com` is not) or the IPv6 loopback `::1` (in any spelling). Pure.
    public static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" { return true }
        if let ipv4 = ipv4(host) { return ipv4[0] == 127 }
        return ipv6IsLoopback(host)
    }

    /// The four bytes of a dotted-quad IPv4 address (`127.0.0.1`), or nil.
    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// True for `::1` and its longer spellings (`0:0:0:0:0:0:0:1`, `::0:1`).
    static func ipv6IsLoopback(_ text: String) -> Bool {
        guard text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return false }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ half: String) -> [UInt16]? {
            if half.isEmpty { return [] }
            var values: [UInt16] = []
            for group in half.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        guard let head = groups(halves[0]) else { return false }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return false }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        return all == [0, 0, 0, 0, 0, 0, 0, 1]
    }

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
