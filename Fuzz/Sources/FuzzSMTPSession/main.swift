import Glibc
import MXGPSMTP

/// smtp-session: the input is a client's byte stream, split at LF into lines for
/// `SMTPServerSession`, driven by a driver that answers decisions. A line starting with byte
/// 0x01 is an event instead (its second byte picks: TLS established, idle timeout, shutdown,
/// overlong line, defer decisions, answer deferred decisions, store failure, stale answer).
///
/// Invariants: replies have codes 200...559 and no CR/LF inside their lines; nothing happens
/// after `.close`; `.startTLS` comes right after a 220; the pipeline stays within its bound;
/// a delivered message follows a 354, has recipients, fits `maxMessageSize` and ends in CRLF;
/// there are never more replies than inputs plus the greeting and a final 421.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMTPSession(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    var driver = Driver()
    driver.run(bytes)
    return 0
}

struct Driver {
    let configuration = SMTPServerConfiguration(
        hostname: "mx.fuzz.example", maxMessageSize: 2000, maxRecipients: 3, maxCommandLineLength: 512,
        maxDataLineLength: 200, maxConsecutiveErrors: 5, maxPipelinedLines: 8, tlsAvailable: true)
    var session: SMTPServerSession
    var closed = false
    var deferring = false
    var deferred: [SMTPServerAction] = []
    var lastStore: SMTPDecisionID?
    var inputs = 0
    var replies = 0
    var sawStartMailInput = false
    var decisions = 0

    init() { session = SMTPServerSession(configuration: configuration) }

    mutating func run(_ bytes: [UInt8]) {
        handle(session.connected())
        for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            inputs += 1
            if line.first == 1 {
                event(line.dropFirst().first ?? 0)
            } else {
                handle(session.lineReceived(line))
            }
            guard session.queuedLineCount <= configuration.maxPipelinedLines else {
                fatalError("\(session.queuedLineCount) lines queued, more than \(configuration.maxPipelinedLines)")
            }
        }
        answerDeferred()
        handle(session.closed())
        guard replies <= inputs + decisions + 2 else { fatalError("\(replies) replies for \(inputs) inputs and \(decisions) decisions") }
    }

    mutating func event(_ code: UInt8) {
        switch code % 8 {
        case 0: handle(session.tlsEstablished())
        case 1: handle(session.timedOut())
        case 2: handle(session.shutdown())
        case 3: handle(session.lineTooLong())
        case 4: deferring.toggle()
        case 5: answerDeferred()
        case 6: if let id = lastStore { handle(session.storeFailed(id, reply: SMTPReply(code: 250, "not an error"))) }
        default: handle(session.recipientDecision(SMTPDecisionID(9_999), accepted: true))
        }
    }

    mutating func answerDeferred() {
        let pending = deferred
        deferred = []
        for action in pending { answer(action) }
    }

    mutating func handle(_ actions: [SMTPServerAction]) {
        if closed {
            guard actions.isEmpty else { fatalError("actions after close: \(actions)") }
            return
        }
        for (index, action) in actions.enumerated() {
            guard !closed else { fatalError("actions after close in one batch: \(actions)") }
            switch action {
            case .send(let reply):
                replies += 1
                guard (200...559).contains(reply.code) else { fatalError("reply code \(reply.code)") }
                for line in reply.lines where line.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
                    fatalError("reply line with CR/LF: \(line.debugDescription)")
                }
                if reply.code == 354 { sawStartMailInput = true }
            case .close:
                closed = true
            case .startTLS:
                guard index > 0, case .send(let reply) = actions[index - 1], reply.code == 220 else {
                    fatalError(".startTLS not after a 220: \(actions)")
                }
            case .checkRecipient:
                decisions += 1
                if deferring { deferred.append(action) } else { answer(action) }
            case .deliver(let envelope, let body, let id):
                decisions += 1
                guard sawStartMailInput else { fatalError("delivery without a 354") }
                sawStartMailInput = false
                guard !envelope.recipients.isEmpty else { fatalError("delivery without recipients") }
                guard body.count <= configuration.maxMessageSize else { fatalError("delivered \(body.count) bytes") }
                guard body.isEmpty || body.suffix(2) == [13, 10] else { fatalError("body does not end in CRLF") }
                lastStore = id
                if deferring { deferred.append(action) } else { answer(action) }
            }
        }
    }

    mutating func answer(_ action: SMTPServerAction) {
        switch action {
        case .checkRecipient(let check):
            let accepted = !check.recipient.description.hasPrefix("<no")
            handle(session.recipientDecision(check.id, accepted: accepted))
        case .deliver(_, let body, let id):
            if body.count % 7 == 3 {
                handle(session.storeFailed(id))
            } else {
                handle(session.messageStored(id, queueID: "Q\(id.rawValue)"))
            }
        default:
            break
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
exit(runFuzzerDriver(&fuzzerArgc, &fuzzerArgv, fuzzSMTPSession))
