/// Why a server's reply could not be parsed.
public enum SMTPReplyParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line does not start with a three-digit code followed by space, `-` or the end.
    case malformedLine(String)
    /// A continuation line carries a different code than the first line.
    case inconsistentCode(expected: Int, found: Int)
    /// The line is longer than the limit.
    case lineTooLong
    /// The reply has more lines than the limit.
    case tooManyLines

    public var description: String {
        switch self {
        case .malformedLine(let line): return "malformed SMTP reply line: \(line.prefix(80).debugDescription)"
        case .inconsistentCode(let expected, let found): return "reply line with code \(found) inside a \(expected) reply"
        case .lineTooLong: return "SMTP reply line too long"
        case .tooManyLines: return "SMTP reply has too many lines"
        }
    }
}

/// Assembles replies from lines (without CRLF) on the client side (RFC 5321 §4.2.1).
///
/// Feed every line to `consume(line:)`; it returns the reply once its last line
/// (`250 text`, not `250-text`) arrived. Enhanced status codes (RFC 2034) are recognised when
/// their class matches the reply code's first digit and removed from the text.
public struct SMTPReplyParser: Sendable {
    /// Longest reply line accepted, excluding CRLF (RFC 5321 allows 512 with CRLF; be generous).
    public var maximumLineLength: Int
    /// Most lines in one reply.
    public var maximumLines: Int

    private var code: Int?
    private var enhanced: SMTPEnhancedStatusCode?
    private var lines: [String] = []

    /// Creates a parser with the given limits.
    public init(maximumLineLength: Int = 2048, maximumLines: Int = 200) {
        self.maximumLineLength = maximumLineLength
        self.maximumLines = maximumLines
    }

    /// True while part of a multi-line reply has been read.
    public var isMidReply: Bool { code != nil }

    /// Consumes one line; returns the finished reply, nil if more lines follow, or an error
    /// (after which the parser is reset; the connection should be closed).
    public mutating func consume(line: ArraySlice<UInt8>) -> Result<SMTPReply?, SMTPReplyParseError> {
        let result = consumeLine(line)
        if case .failure = result { self = SMTPReplyParser(maximumLineLength: maximumLineLength, maximumLines: maximumLines) }
        return result
    }

    /// Consumes one line given as an array.
    public mutating func consume(line: [UInt8]) -> Result<SMTPReply?, SMTPReplyParseError> { consume(line: line[...]) }

    /// Parses a whole buffer of CRLF- (or LF-) terminated lines holding exactly one reply.
    public static func parse(_ text: String) -> Result<SMTPReply, SMTPReplyParseError> {
        var parser = SMTPReplyParser()
        let bytes = Array(text.utf8)
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, var line) in lines.enumerated() {
            if line.last == 13 { line.removeLast() }
            switch parser.consume(line: line) {
            case .failure(let error): return .failure(error)
            case .success(let reply?):
                guard index == lines.count - 1 else { return .failure(.malformedLine("data after the end of the reply")) }
                return .success(reply)
            case .success(nil): continue
            }
        }
        return .failure(.malformedLine("incomplete reply"))
    }

    private mutating func consumeLine(_ line: ArraySlice<UInt8>) -> Result<SMTPReply?, SMTPReplyParseError> {
        guard line.count <= maximumLineLength else { return .failure(.lineTooLong) }
        let base = line.startIndex
        guard line.count >= 3, (50...53).contains(line[base]), (48...53).contains(line[base + 1]), isDigit(line[base + 2])
        else { return .failure(.malformedLine(String(decoding: line, as: UTF8.self))) }
        let lineCode = Int(line[base] - 48) * 100 + Int(line[base + 1] - 48) * 10 + Int(line[base + 2] - 48)
        var isLast = true
        var text = line[(base + 3)...]
        if let separator = text.first {
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
                return .failure(.malformedLine(String(decoding: line, as: UTF8.self)))
            }
            isLast = separator == UInt8(ascii: " ")
            text = text.dropFirst()
        }
        if let code, code != lineCode { return .failure(.inconsistentCode(expected: code, found: lineCode)) }
        if code == nil {
            code = lineCode
            enhanced = Self.enhancedCode(in: text, replyCode: lineCode)
        }
        if let enhanced, Self.enhancedCode(in: text, replyCode: lineCode) == enhanced {
            text = text.drop { $0 != UInt8(ascii: " ") }  // as written, which may be longer than `enhanced.description`
            while text.first == UInt8(ascii: " ") { text.removeFirst() }
        }
        lines.append(String(decoding: text, as: UTF8.self))
        guard lines.count <= maximumLines else { return .failure(.tooManyLines) }
        guard isLast else { return .success(nil) }
        let reply = SMTPReply(code: lineCode, enhanced, lines: lines)
        code = nil
        enhanced = nil
        lines = []
        return .success(reply)
    }

    private static func enhancedCode(in text: ArraySlice<UInt8>, replyCode: Int) -> SMTPEnhancedStatusCode? {
        let word = text.prefix { $0 != UInt8(ascii: " ") }
        guard let code = SMTPEnhancedStatusCode(bytes: word), code.statusClass == replyCode / 100 else { return nil }
        return code
    }
}
