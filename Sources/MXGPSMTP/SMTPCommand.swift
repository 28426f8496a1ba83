/// The body type declared with `MAIL FROM:<…> BODY=…` (RFC 6152).
public enum SMTPBodyType: String, Hashable, Sendable {
    /// `BODY=7BIT`.
    case sevenBit = "7BIT"
    /// `BODY=8BITMIME`.
    case eightBitMIME = "8BITMIME"
}

/// The parameters of MAIL FROM that the server understands (SIZE, BODY).
public struct SMTPMailParameters: Hashable, Sendable {
    /// `SIZE=n`: the client's estimate of the message size in octets (RFC 1870).
    public var size: Int?
    /// `BODY=7BIT|8BITMIME`.
    public var body: SMTPBodyType?

    /// Creates parameters; both default to "not given".
    public init(size: Int? = nil, body: SMTPBodyType? = nil) {
        self.size = size
        self.body = body
    }
}

/// One SMTP command (RFC 5321 §4.1.1).
public enum SMTPCommand: Hashable, Sendable {
    /// `EHLO domain-or-literal`.
    case ehlo(SMTPHost)
    /// `HELO domain-or-literal`.
    case helo(SMTPHost)
    /// `MAIL FROM:<reverse-path> [params]`.
    case mail(SMTPReversePath, SMTPMailParameters)
    /// `RCPT TO:<forward-path>`.
    case rcpt(SMTPForwardPath)
    /// `DATA`.
    case data
    /// `RSET`.
    case rset
    /// `NOOP [string]`.
    case noop(String?)
    /// `QUIT`.
    case quit
    /// `VRFY string`.
    case vrfy(String)
    /// `HELP [string]`.
    case help(String?)
    /// `STARTTLS` (RFC 3207).
    case startTLS

    /// The command as the client sends it, without CRLF.
    public var wireText: String {
        switch self {
        case .ehlo(let host): return "EHLO \(host)"
        case .helo(let host): return "HELO \(host)"
        case .mail(let path, let params):
            var text = "MAIL FROM:\(path)"
            if let size = params.size { text += " SIZE=\(size)" }
            if let body = params.body { text += " BODY=\(body.rawValue)" }
            return text
        case .rcpt(let path): return "RCPT TO:\(path)"
        case .data: return "DATA"
        case .rset: return "RSET"
        case .noop(let text): return text.map { "NOOP \($0)" } ?? "NOOP"
        case .quit: return "QUIT"
        case .vrfy(let text): return "VRFY \(text)"
        case .help(let text): return text.map { "HELP \($0)" } ?? "HELP"
        case .startTLS: return "STARTTLS"
        }
    }

    /// The command on the wire, with CRLF.
    public var rendered: [UInt8] { Array(wireText.utf8) + [13, 10] }
}

/// Why a command line was refused; `reply` is what the server answers.
public enum SMTPSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An empty line.
    case emptyLine
    /// The line is longer than the command line limit.
    case lineTooLong
    /// The line holds control characters or non-ASCII bytes.
    case invalidCharacters
    /// The verb is not an SMTP command.
    case unknownCommand(String)
    /// A real SMTP command this server does not implement (EXPN, TURN, AUTH, BDAT …).
    case notImplemented(String)
    /// The arguments do not fit the command.
    case invalidArguments(command: String, detail: String)
    /// The MAIL FROM path is malformed.
    case badSenderAddress
    /// The RCPT TO path is malformed.
    case badRecipientAddress
    /// A MAIL or RCPT parameter this server does not support.
    case unsupportedParameter(String)

    /// The reply the server sends for this error.
    public var reply: SMTPReply {
        switch self {
        case .emptyLine, .unknownCommand: return .syntaxError()
        case .lineTooLong: return .lineTooLong
        case .invalidCharacters: return .syntaxError("Error: invalid characters in command")
        case .notImplemented: return .notImplemented
        case .invalidArguments(_, let detail): return .badArguments(detail)
        case .badSenderAddress: return .badSenderAddress
        case .badRecipientAddress: return .badRecipientAddress
        case .unsupportedParameter(let parameter): return .unsupportedParameter(parameter)
        }
    }

    /// The reply code (500, 501, 502, 555).
    public var code: Int { reply.code }

    public var description: String { reply.description }
}
