/// A mail domain name a route is for, normalised to lower case without a trailing dot.
///
/// The root `.` is the default route. Lookups use the longest label-wise suffix:
/// a message for `x@a.b.example` tries `a.b.example`, `b.example`, `example`, `.`.
public struct DomainName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The normalised text (`.` for the root).
    public let text: String

    /// The root domain, which carries the default route.
    public static let root = DomainName(unchecked: ".")

    /// Most bytes a domain name may have on the wire.
    public static let maximumLength = 253

    init(unchecked text: String) { self.text = text }

    /// Validates and normalises a domain name; returns nil if it is not a valid name.
    ///
    /// Labels are 1–63 characters of letters, digits, `-` and `_`, not starting or
    /// ending with `-`; the whole name is at most 253 bytes.
    public init?(_ raw: String) {
        if raw == "." { self = .root; return }
        var text = raw.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        guard DomainName.isValid(utf8: text.utf8) else { return nil }
        self.text = text
    }

    /// Validates raw wire bytes without allocating.
    static func isValid<C: Collection>(utf8 bytes: C) -> Bool where C.Element == UInt8 {
        if bytes.count == 1, bytes.first == UInt8(ascii: ".") { return true }
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                if labelLength == 0 || previous == UInt8(ascii: "-") { return false }
                labelLength = 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                labelLength += 1
            case UInt8(ascii: "-"):
                if labelLength == 0 { return false }
                labelLength += 1
            default:
                return false
            }
            if labelLength > 63 { return false }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// True for the root (default route).
    public var isRoot: Bool { text == "." }

    /// The name and every label-wise suffix, longest first, ending with the root.
    public var suffixes: [DomainName] {
        if isRoot { return [self] }
        var result = [self]
        var rest = Substring(text)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            result.append(DomainName(unchecked: String(rest)))
        }
        result.append(.root)
        return result
    }

    /// True when `self` equals `suffix` or lies under it label-wise (`a.example` is under `example`).
    public func isUnder(_ suffix: DomainName) -> Bool {
        if suffix.isRoot || suffix == self { return true }
        return text.hasSuffix("." + suffix.text)
    }

    /// Number of labels (0 for the root).
    public var labelCount: Int { isRoot ? 0 : text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) } }

    public var description: String { text }

    public static func < (a: DomainName, b: DomainName) -> Bool { a.text < b.text }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let name = DomainName(raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a domain name: \(raw)"))
        }
        self = name
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// The domain part of a mail address (`user@Example.COM` → `example.com`), or nil.
public func domainOfAddress(_ address: String) -> DomainName? {
    guard let at = address.lastIndex(of: "@") else { return nil }
    return DomainName(String(address[address.index(after: at)...]))
}
