import Glibc
import MXGPSMTP

/// smtp-command: the whole input is one command line (without CRLF) for `SMTPCommandParser`;
/// its lines (split at LF, a trailing CR dropped) are also server reply lines for `SMTPReplyParser`.
///
/// Invariants: a command that parses renders (`wireText`) to a line that parses to the same
/// command and is itself a fixed point; a refused line's reply is a 5xx. Every reply the reply
/// parser assembles has a code in 200...559, each of its lines is the end of the line it came from
/// (printable ASCII input), and its `rendered` form parses back to the same reply (up to the blanks the
/// parser drops after an enhanced status code) and is then a fixed point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMTPCommand(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    checkCommand(bytes)
    checkReplies(bytes)
    return 0
}

func checkCommand(_ line: [UInt8]) {
    switch SMTPCommandParser.parse(line: line) {
    case .failure(let error):
        guard error.reply.isPermanent else { fatalError("\(error) answers \(error.reply), not a 5xx") }
    case .success(let command):
        let text = command.wireText
        guard text.utf8.count <= line.count + 16 else { fatalError("\(command) renders longer than its input: \(text.debugDescription)") }
        switch SMTPCommandParser.parse(text, maximumLength: Int.max) {
        case .failure(let error):
            fatalError("\(line) parsed to \(command), whose wire text \(text.debugDescription) fails: \(error)")
        case .success(let again):
            guard again == command else { fatalError("\(text.debugDescription) parses to \(again), not \(command)") }
            guard again.wireText == text else { fatalError("wire text not stable: \(text.debugDescription) → \(again.wireText.debugDescription)") }
        }
    }
}

func checkReplies(_ bytes: [UInt8]) {
    var parser = SMTPReplyParser(maximumLineLength: 512, maximumLines: 8)
    var inputs: [ArraySlice<UInt8>] = []
    for var line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
        if line.last == 13 { line.removeLast() }
        inputs.append(line)
        let result = parser.consume(line: line)
        let hadCR = inputs.contains { $0.contains(13) }
        if case .success(let reply?) = result {
            for (text, input) in zip(reply.lines, inputs) where input.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                guard input.suffix(text.utf8.count).elementsEqual(text.utf8) else {
                    fatalError("reply line \(text.debugDescription) is not the end of \(String(decoding: input, as: UTF8.self).debugDescription)")
                }
            }
        }
        if case .success(nil) = result {} else { inputs = [] }
        switch result {
        case .failure:
            guard !parser.isMidReply else { fatalError("parser not reset after an error") }
        case .success(nil):
            guard parser.isMidReply else { fatalError("waiting for more lines but not mid-reply") }
        case .success(let reply?):
            guard !parser.isMidReply else { fatalError("mid-reply after a finished reply") }
            guard (200...559).contains(reply.code) else { fatalError("reply code \(reply.code) out of range") }
            // A CR inside a line becomes a space in the reply, which may then read as an enhanced code.
            if !hadCR { checkRendered(reply) }
        }
    }
}

func checkRendered(_ reply: SMTPReply) {
    // Lines holding CR or LF cannot come from one line; the parser only sees lines split at LF.
    let rendered = reply.rendered
    switch SMTPReplyParser.parse(String(decoding: rendered, as: UTF8.self)) {
    case .failure(let error):
        fatalError("\(reply) renders to \(String(decoding: rendered, as: UTF8.self).debugDescription), which fails: \(error)")
    case .success(let again):
        // Blanks after an enhanced status code are dropped, so a line starting with blanks loses them.
        let trimmed = reply.lines.map { String($0.drop(while: { $0 == " " })) }
        guard again.code == reply.code, again.enhancedCode == reply.enhancedCode,
              again.lines.map({ String($0.drop(while: { $0 == " " })) }) == trimmed
        else { fatalError("\(reply) renders and parses back as \(again) (\(again.lines) vs \(reply.lines))") }
        guard SMTPReplyParser.parse(String(decoding: again.rendered, as: UTF8.self)) == .success(again) else {
            fatalError("\(again) is not a fixed point of render and parse")
        }
    }
}

// libFuzzer's driver; SwiftPM links executables with this file's top-level code as `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

var fuzzerArgc = CommandLine.argc
var fuzzerArgv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&fuzzerArgc, &fuzzerArgv, fuzzSMTPCommand))
