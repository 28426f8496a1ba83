import MXGPCore

/// A `host:port` endpoint: an IPv4 address, an IPv6 address (written `[v6]:port`) or a
/// host name, and a port 1…65535.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// The host: an IPv4 address, an IPv6 address without brackets (canonical form) or a lower-case host name.
    public var host: String
    /// The port, 1…65535.
    public var port: UInt16

    /// Creates an endpoint without checking it.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; a missing port becomes `defaultPort` (an error when nil).
    public init?(_ text: String, defaultPort: UInt16? = nil) {
        guard case .success(let value) = HostPort.parse(text, defaultPort: defaultPort) else { return nil }
        self = value
    }

    /// Why a text is not an endpoint, in words for error messages.
    public struct ParseError: Error, Hashable, Sendable {
        /// What is wrong, for people.
        public var reason: String
    }

    /// Parses `host:port` or `[v6]:port`, saying what is wrong when it is not one.
    public static func parse(_ raw: String, defaultPort: UInt16? = nil) -> Result<HostPort, ParseError> {
        let text = raw.trimmedBlanks()
        guard !text.isEmpty else { return .failure(ParseError(reason: "it is empty")) }
        var hostText: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(ParseError(reason: "the \"[\" has no matching \"]\"")) }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return .failure(ParseError(reason: "\"]\" must be followed by \":port\"")) }
                portText = rest.dropFirst()
            }
            guard let canonical = IPAddressText.canonicalIPv6(String(hostText)) else {
                return .failure(ParseError(reason: "\"\(hostText)\" inside the brackets is not an IPv6 address"))
            }
            hostText = Substring(canonical)
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons > 1 {
                let hint = IPAddressText.canonicalIPv6(text) != nil ? "an IPv6 address needs brackets and a port, like [\(text)]:\(defaultPort ?? 1790)" : "it has more than one \":\""
                return .failure(ParseError(reason: hint))
            }
            if let colon = text.firstIndex(of: ":") {
                hostText = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                hostText = Substring(text)
            }
            guard let host = hostName(String(hostText)) else {
                return .failure(ParseError(reason: "\"\(hostText)\" is not an IPv4 address or host name"))
            }
            hostText = Substring(host)
        }
        let port: UInt16
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portText), (1...65535).contains(value) else {
                return .failure(ParseError(reason: "the port \"\(portText)\" is not a number between 1 and 65535"))
            }
            port = UInt16(value)
        } else if let defaultPort {
            port = defaultPort
        } else {
            return .failure(ParseError(reason: "it has no port"))
        }
        return .success(HostPort(host: String(hostText), port: port))
    }

    /// An IPv4 address as written, or a valid host name in lower case.
    static func hostName(_ text: String) -> String? {
        if IPAddressText.bytes(text) != nil { return text }
        // Dotted numbers that are not an IPv4 address (10.0.0.256) are a mistake, not a name.
        if text.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return nil }
        guard text != ".", let name = DomainName(text), !name.text.contains("_") else { return nil }
        return name.text
    }

    /// True for an IPv6 host.
    public var isIPv6: Bool { host.contains(":") }
    /// True for the wildcard addresses `0.0.0.0` and `::`.
    public var isUnspecified: Bool { host == "0.0.0.0" || host == "::" }
    /// True for loopback addresses (127.0.0.0/8, ::1) and `localhost`.
    public var isLoopback: Bool { Self.isLoopback(host) }

    /// True when `host` is a loopback address (127.0.0.0/8 as an IPv4 address, `::1` in any
    /// spelling) or `localhost` (in any case); a name that merely starts with `127.` is not.
    public static func isLoopback(_ host: String) -> Bool {
        guard let bytes = IPAddressText.bytes(host) else { return host.lowercased() == "localhost" }
        return bytes.count == 4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
