import MXGPCore

/// The host part of a mailbox or the argument of EHLO/HELO (RFC 5321 §4.1.3, §4.1.2):
/// a domain name or an address literal such as `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
public enum SMTPHost: Hashable, Sendable, CustomStringConvertible {
    /// A domain name, normalised to lower case.
    case domain(DomainName)
    /// An address literal including its brackets, as the client wrote it.
    case addressLiteral(String)

    /// Parses a domain or an address literal; nil if it is neither (the root `.` is refused).
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "[") {
            guard SMTPHost.isAddressLiteral(Array(bytes)) else { return nil }
            self = .addressLiteral(String(decoding: bytes, as: UTF8.self))
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.allSatisfy({ $0 < 0x80 }), text != ".", !text.hasSuffix("."),
            let name = DomainName(text), !name.isRoot
        else { return nil }
        self = .domain(name)
    }

    /// Parses a domain or an address literal from text.
    public init?(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// The domain, if this is not an address literal.
    public var domain: DomainName? {
        if case .domain(let name) = self { return name }
        return nil
    }

    public var description: String {
        switch self {
        case .domain(let name): return name.text
        case .addressLiteral(let literal): return literal
        }
    }

    /// `[a.b.c.d]`, `[IPv6:…]` or a general literal `[tag:content]`.
    static func isAddressLiteral(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return false }
        let inner = bytes[1..<(bytes.count - 1)]
        if let colon = inner.firstIndex(of: UInt8(ascii: ":")) {
            let tag = inner[..<colon]
            let content = inner[(colon + 1)...]
            guard !tag.isEmpty, !content.isEmpty, tag.allSatisfy(isLetDig(_:)) || isTagWithHyphen(tag) else { return false }
            if String(decoding: tag, as: UTF8.self).lowercased() == "ipv6" {
                return content.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
                    && content.contains(UInt8(ascii: ":"))
            }
            // General-address-literal: dcontent is printable US-ASCII except [ \ ].
            return content.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != 91 && $0 != 92 && $0 != 93 }
        }
        let parts = inner.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(isDigit(_:)) else { return false }
            return Int(String(decoding: part, as: UTF8.self))! <= 255
        }
    }

    private static func isTagWithHyphen(_ tag: ArraySlice<UInt8>) -> Bool {
        tag.allSatisfy { isLetDig($0) || $0 == UInt8(ascii: "-") } && tag.last != UInt8(ascii: "-")
    }
}

/// A mailbox `local-part@domain` (RFC 5321 §4.1.2). The local part is kept exactly as
/// written (case matters to the receiving host); the domain is normalised to lower case.
public struct SMTPMailbox: Hashable, Sendable, CustomStringConvertible {
    /// The local part as written, including quotes if it was a quoted string.
    public let localPart: String
    /// The domain or address literal.
    public let host: SMTPHost

    /// Most octets of a local part (RFC 5321 §4.5.3.1.1).
    public static let maximumLocalPartLength = 64
    /// Most octets of a path including the angle brackets (RFC 5321 §4.5.3.1.3).
    public static let maximumPathLength = 256

    /// Creates a mailbox from validated parts.
    public init(localPart: String, host: SMTPHost) {
        self.localPart = localPart
        self.host = host
    }

    /// Parses `local@domain` (no angle brackets); nil if either part is invalid.
    public init?(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// Parses `local@domain` from bytes (no angle brackets); nil if either part is invalid.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        let array = Array(bytes)
        guard let at = SMTPMailbox.separatorIndex(array) else { return nil }
        let local = array[..<at]
        guard local.count <= SMTPMailbox.maximumLocalPartLength, SMTPMailbox.isValidLocalPart(local),
            let host = SMTPHost(bytes: array[(at + 1)...])
        else { return nil }
        self.localPart = String(decoding: local, as: UTF8.self)
        self.host = host
    }

    /// The domain, if the host is not an address literal.
    public var domain: DomainName? { host.domain }

    /// `local@domain`.
    public var description: String { "\(localPart)@\(host)" }

    /// The index of the `@` that separates local part and domain (skipping a quoted local part).
    static func separatorIndex(_ bytes: [UInt8]) -> Int? {
        if bytes.first == UInt8(ascii: "\"") {
            var index = 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    let next = index + 1
                    return next < bytes.count && bytes[next] == UInt8(ascii: "@") ? next : nil
                default: index += 1
                }
            }
            return nil
        }
        return bytes.lastIndex(of: UInt8(ascii: "@"))
    }

    /// Dot-string of atext, or a quoted string of printable ASCII (RFC 5321 §4.1.2).
    static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        guard !local.isEmpty else { return false }
        if local.first == UInt8(ascii: "\"") {
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                if escaped {
                    guard byte >= 32 && byte <= 126 else { return false }
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte < 32 || byte > 126 {
                    return false
                }
            }
            return !escaped
        }
        var previousDot = true
        for byte in local {
            if byte == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousDot = false
            }
        }
        return !previousDot
    }
}

/// The argument of MAIL FROM: a mailbox or the null path `<>` (bounces).
public enum SMTPReversePath: Hashable, Sendable, CustomStringConvertible {
    /// `<>`: the message is a notification and must not itself bounce.
    case null
    /// `<local@domain>`.
    case mailbox(SMTPMailbox)

    /// The path in angle brackets as sent on the wire.
    public var description: String {
        switch self {
        case .null: return "<>"
        case .mailbox(let box): return "<\(box)>"
        }
    }
}

/// The argument of RCPT TO: a mailbox or the special bare `<postmaster>` (RFC 5321 §4.5.1).
public enum SMTPForwardPath: Hashable, Sendable, CustomStringConvertible {
    /// `<postmaster>` without a domain: the receiving host's postmaster.
    case postmaster
    /// `<local@domain>`.
    case mailbox(SMTPMailbox)

    /// The mailbox, if this is not the bare postmaster.
    public var mailbox: SMTPMailbox? {
        if case .mailbox(let box) = self { return box }
        return nil
    }

    /// The path in angle brackets as sent on the wire.
    public var description: String {
        switch self {
        case .postmaster: return "<postmaster>"
        case .mailbox(let box): return "<\(box)>"
        }
    }
}

// MARK: - Character classes

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
@inline(__always) func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
@inline(__always) func isLetDig(_ byte: UInt8) -> Bool { isDigit(byte) || isAlpha(byte) }
@inline(__always) func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 97 && (byte | 0x20) <= 102) }

/// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
@inline(__always) func isAtext(_ byte: UInt8) -> Bool {
    if isLetDig(byte) { return true }
    switch byte {
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
        UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
        UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
        UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}
