/// An enhanced mail system status code `class.subject.detail` (RFC 3463, RFC 2034).
public struct SMTPEnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public let statusClass: Int
    /// The subject (0–999).
    public let subject: Int
    /// The detail (0–999).
    public let detail: Int

    /// Creates a code; the class must be 2, 4 or 5 and subject and detail 0–999.
    public init(_ statusClass: Int, _ subject: Int, _ detail: Int) {
        precondition([2, 4, 5].contains(statusClass) && (0...999).contains(subject) && (0...999).contains(detail))
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `x.y.z`; nil if it is not an enhanced status code.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, (1...3).contains(parts[1].count), (1...3).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(isDigit(_:)) })
        else { return nil }
        let numbers = parts.map { $0.reduce(0) { $0 * 10 + Int($1 - 48) } }
        guard [2, 4, 5].contains(numbers[0]) else { return nil }
        self.init(numbers[0], numbers[1], numbers[2])
    }

    /// `x.y.z`.
    public var description: String { "\(statusClass).\(subject).\(detail)" }
}

/// A server reply (RFC 5321 §4.2): a three-digit code, an optional enhanced status code
/// and one or more lines of text.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, 200–599.
    public let code: Int
    /// The enhanced status code carried on every line, if any.
    public let enhancedCode: SMTPEnhancedStatusCode?
    /// The text lines (at least one, possibly empty), without code or enhanced code.
    public let lines: [String]

    /// Creates a reply. CR and LF in the text are replaced by spaces so a reply can never
    /// inject another line.
    public init(code: Int, _ enhancedCode: SMTPEnhancedStatusCode? = nil, lines: [String]) {
        precondition((200...599).contains(code), "SMTP reply code \(code) is out of range")
        self.code = code
        self.enhancedCode = enhancedCode
        let cleaned = lines.map { line in
            String(String.UnicodeScalarView(line.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : $0 }))
        }
        self.lines = cleaned.isEmpty ? [""] : cleaned
    }

    /// Creates a one-line reply with an enhanced status code.
    public init(code: Int, _ enhancedCode: SMTPEnhancedStatusCode?, _ text: String) {
        self.init(code: code, enhancedCode, lines: [text])
    }

    /// Creates a one-line reply without an enhanced status code.
    public init(code: Int, _ text: String) {
        self.init(code: code, nil, lines: [text])
    }

    /// 2xx.
    public var isPositive: Bool { code < 300 }
    /// 3xx (354 after DATA).
    public var isIntermediate: Bool { code >= 300 && code < 400 }
    /// 4xx: try again later.
    public var isTransient: Bool { code >= 400 && code < 500 }
    /// 5xx: do not try again.
    public var isPermanent: Bool { code >= 500 }

    /// All lines joined with a space (for logs and bounce messages).
    public var text: String { lines.joined(separator: " ") }

    /// The reply on the wire: `250-first`, …, `250 last`, each ending in CRLF.
    public var rendered: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 12 })
        let codeBytes = Array(String(code).utf8)
        let enhanced = enhancedCode.map { Array($0.description.utf8) + [UInt8(ascii: " ")] } ?? []
        for (index, line) in lines.enumerated() {
            out += codeBytes
            out.append(index == lines.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            out += enhanced
            out += line.utf8
            out += [13, 10]
        }
        return out
    }

    /// The first line as rendered, without CRLF: `550 5.7.1 relay denied`.
    public var description: String {
        let enhanced = enhancedCode.map { "\($0) " } ?? ""
        return "\(code) \(enhanced)\(text)"
    }
}
