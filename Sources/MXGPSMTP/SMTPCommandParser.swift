/// Parses one command line (without its CRLF) into an `SMTPCommand` (RFC 5321 §4.1).
///
/// Verbs are case-insensitive; a space after `FROM:`/`TO:` is tolerated (many clients send
/// one); trailing blanks are ignored. Everything else is strict: paths need angle brackets,
/// unknown MAIL/RCPT parameters get 555, control characters and non-ASCII get 500.
public enum SMTPCommandParser {
    /// Longest command line in octets, excluding CRLF (512 with CRLF, RFC 5321 §4.5.3.1.4).
    public static let defaultMaximumLineLength = 510

    /// Parses `line`; `maximumLength` excludes the CRLF.
    public static func parse(line: [UInt8], maximumLength: Int = defaultMaximumLineLength) -> Result<SMTPCommand, SMTPSyntaxError> {
        parse(line: line[...], maximumLength: maximumLength)
    }

    /// Parses a line given as text (for tests and tools).
    public static func parse(_ text: String, maximumLength: Int = defaultMaximumLineLength) -> Result<SMTPCommand, SMTPSyntaxError> {
        parse(line: Array(text.utf8), maximumLength: maximumLength)
    }

    /// Parses `line`; `maximumLength` excludes the CRLF.
    public static func parse(line: ArraySlice<UInt8>, maximumLength: Int = defaultMaximumLineLength) -> Result<SMTPCommand, SMTPSyntaxError> {
        do {
            return .success(try parseThrowing(line, maximumLength: maximumLength))
        } catch {
            return .failure(error)
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let unimplemented: Set<String> = [
        "EXPN", "TURN", "ETRN", "ATRN", "AUTH", "BDAT", "SEND", "SOML", "SAML", "XCLIENT", "XFORWARD",
    ]

    private static func parseThrowing(_ raw: ArraySlice<UInt8>, maximumLength: Int) throws(SMTPSyntaxError) -> SMTPCommand {
        guard raw.count <= maximumLength else { throw .lineTooLong }
        guard raw.allSatisfy({ ($0 >= 32 && $0 < 127) || $0 == tab }) else { throw .invalidCharacters }
        var line = raw
        while let last = line.last, last == space || last == tab { line.removeLast() }
        guard !line.isEmpty else { throw .emptyLine }
        let verbEnd = line.firstIndex(of: space) ?? line.endIndex
        let verbBytes = line[line.startIndex..<verbEnd]
        guard verbBytes.allSatisfy(isAlpha(_:)) else { throw .unknownCommand(text(verbBytes)) }
        let verb = text(verbBytes).uppercased()
        var argument = line[verbEnd...]
        while argument.first == space { argument.removeFirst() }

        switch verb {
        case "EHLO", "HELO":
            guard !argument.isEmpty, !argument.contains(space), !argument.contains(tab), let host = SMTPHost(bytes: argument)
            else { throw .invalidArguments(command: verb, detail: "Syntax: \(verb) hostname") }
            return verb == "EHLO" ? .ehlo(host) : .helo(host)
        case "MAIL":
            let (path, parameters) = try pathAndParameters(argument, keyword: "FROM:", command: verb, badAddress: .badSenderAddress)
            return .mail(try reversePath(path), try mailParameters(parameters))
        case "RCPT":
            let (path, parameters) = try pathAndParameters(argument, keyword: "TO:", command: verb, badAddress: .badRecipientAddress)
            if let first = parameters.first { throw .unsupportedParameter(text(first)) }
            return .rcpt(try forwardPath(path))
        case "DATA", "RSET", "QUIT", "STARTTLS":
            guard argument.isEmpty else { throw .invalidArguments(command: verb, detail: "Syntax: \(verb)") }
            switch verb {
            case "DATA": return .data
            case "RSET": return .rset
            case "QUIT": return .quit
            default: return .startTLS
            }
        case "NOOP":
            return .noop(argument.isEmpty ? nil : text(argument))
        case "HELP":
            return .help(argument.isEmpty ? nil : text(argument))
        case "VRFY":
            guard !argument.isEmpty else { throw .invalidArguments(command: verb, detail: "Syntax: VRFY address") }
            return .vrfy(text(argument))
        default:
            if unimplemented.contains(verb) { throw .notImplemented(verb) }
            throw .unknownCommand(verb)
        }
    }

    /// Splits `FROM:<path> params` into the bytes inside the brackets and the parameter words.
    private static func pathAndParameters(
        _ argument: ArraySlice<UInt8>, keyword: String, command: String, badAddress: SMTPSyntaxError
    ) throws(SMTPSyntaxError) -> (ArraySlice<UInt8>, [ArraySlice<UInt8>]) {
        let key = Array(keyword.utf8)
        guard argument.count >= key.count,
            zip(argument.prefix(key.count), key).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) })
        else { throw .invalidArguments(command: command, detail: "Syntax: \(command) \(keyword)<address>") }
        var rest = argument.dropFirst(key.count)
        while rest.first == space { rest.removeFirst() }
        guard rest.first == UInt8(ascii: "<"), let close = closingBracket(rest) else { throw badAddress }
        let inner = rest[(rest.startIndex + 1)..<close]
        guard inner.count + 2 <= SMTPMailbox.maximumPathLength else { throw badAddress }
        let tail = rest[(close + 1)...]
        guard tail.isEmpty || tail.first == space else { throw badAddress }
        let words = tail.split(separator: space)
        return (inner, words)
    }

    /// The index of the `>` that closes the path, skipping quoted strings.
    private static func closingBracket(_ bytes: ArraySlice<UInt8>) -> Int? {
        var inQuotes = false
        var index = bytes.startIndex + 1
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: ">") {
                return index
            } else if byte == UInt8(ascii: "<") {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// Drops an obsolete source route `@a,@b:` (RFC 5321 §4.1.2 A-d-l: accepted and ignored).
    private static func withoutSourceRoute(_ path: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard path.first == UInt8(ascii: "@") else { return path }
        guard let colon = path.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let route = path[path.startIndex..<colon].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        for hop in route {
            guard hop.first == UInt8(ascii: "@"), SMTPHost(bytes: hop.dropFirst()) != nil else { return nil }
        }
        return path[(colon + 1)...]
    }

    private static func reversePath(_ inner: ArraySlice<UInt8>) throws(SMTPSyntaxError) -> SMTPReversePath {
        if inner.isEmpty { return .null }
        guard let path = withoutSourceRoute(inner), let mailbox = SMTPMailbox(bytes: path) else { throw .badSenderAddress }
        return .mailbox(mailbox)
    }

    private static func forwardPath(_ inner: ArraySlice<UInt8>) throws(SMTPSyntaxError) -> SMTPForwardPath {
        if text(inner).lowercased() == "postmaster" { return .postmaster }
        guard let path = withoutSourceRoute(inner), let mailbox = SMTPMailbox(bytes: path) else { throw .badRecipientAddress }
        return .mailbox(mailbox)
    }

    private static func mailParameters(_ words: [ArraySlice<UInt8>]) throws(SMTPSyntaxError) -> SMTPMailParameters {
        var parameters = SMTPMailParameters()
        for word in words {
            let equals = word.firstIndex(of: UInt8(ascii: "=")) ?? word.endIndex
            let key = text(word[word.startIndex..<equals]).uppercased()
            let value = equals < word.endIndex ? text(word[(equals + 1)...]) : nil
            switch key {
            case "SIZE":
                guard parameters.size == nil else { throw .invalidArguments(command: "MAIL", detail: "Duplicate SIZE parameter") }
                guard let value, (1...18).contains(value.utf8.count), value.utf8.allSatisfy(isDigit(_:)), let size = Int(value)
                else { throw .invalidArguments(command: "MAIL", detail: "Bad SIZE parameter") }
                parameters.size = size
            case "BODY":
                guard parameters.body == nil else { throw .invalidArguments(command: "MAIL", detail: "Duplicate BODY parameter") }
                guard let value, let body = SMTPBodyType(rawValue: value.uppercased())
                else { throw .invalidArguments(command: "MAIL", detail: "Bad BODY parameter") }
                parameters.body = body
            default:
                throw .unsupportedParameter(text(word))
            }
        }
        return parameters
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
