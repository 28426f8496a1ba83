import Glibc
import MXGPCore
import NIOCore

/// mxgp-decoder: the input is a byte stream from a peer.
///
/// Invariants: the decoder returns messages, waits, or throws `MXGPWireError`; feeding the same
/// bytes in small chunks gives the same messages and the same error as feeding them at once;
/// every decoded message re-encodes to bytes that decode to the same message (an UPDATE the
/// decoder treated as withdraw re-encodes to a plain withdraw).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMXGPDecoder(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    let maximum = 4096
    let whole = decodeStream([bytes], maximumMessageSize: maximum)
    let chunkSize = 1 + count % 5
    let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map { Array(bytes[$0..<min($0 + chunkSize, bytes.count)]) }
    let chunked = decodeStream(chunks, maximumMessageSize: maximum)
    guard whole.messages == chunked.messages, whole.error == chunked.error,
          whole.error != nil || whole.leftover == chunked.leftover
    else {
        fatalError("chunked decoding differs: \(whole) vs \(chunked)")
    }
    for message in whole.messages { checkRoundTrip(message, maximumMessageSize: maximum) }
    return 0
}

struct Outcome: CustomStringConvertible {
    var messages: [MXGPMessage] = []
    var error: MXGPWireError.Kind?
    var leftover = 0
    var description: String { "\(messages.count) messages, error \(String(describing: error)), \(leftover) bytes left" }
}

func decodeStream(_ chunks: [[UInt8]], maximumMessageSize: Int) -> Outcome {
    var decoder = MXGPMessageDecoder(maximumMessageSize: maximumMessageSize)
    var buffer = ByteBuffer()
    var outcome = Outcome()
    do {
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let message = try decoder.decode(buffer: &buffer) { outcome.messages.append(message) }
            guard buffer.readableBytes < maximumMessageSize else { fatalError("waiting while holding \(buffer.readableBytes) bytes") }
        }
        outcome.leftover = buffer.readableBytes
        do {
            if let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
                fatalError("decodeLast produced \(message) after decode returned nil")
            }
            guard outcome.leftover == 0 else { fatalError("decodeLast accepted \(outcome.leftover) trailing bytes at EOF") }
        } catch let error as MXGPWireError {
            guard error.kind == .badLength, outcome.leftover > 0 else { fatalError("decodeLast threw \(error) with \(outcome.leftover) bytes left") }
        }
    } catch let error as MXGPWireError {
        outcome.error = error.kind
        outcome.leftover = buffer.readableBytes
    } catch {
        fatalError("decoder threw \(type(of: error)): \(error)")
    }
    return outcome
}

func checkRoundTrip(_ message: MXGPMessage, maximumMessageSize: Int) {
    var expected = message
    if case .update(var update) = message, update.treatedAsWithdraw != nil {
        update.treatedAsWithdraw = nil
        expected = .update(update)
    }
    var encoded = message.encoded()
    let length = encoded.readableBytes
    var decoder = MXGPMessageDecoder(maximumMessageSize: max(maximumMessageSize, length))
    do {
        guard let again = try decoder.decode(buffer: &encoded) else { fatalError("re-encoded \(message) (\(length) bytes) does not decode") }
        guard again == expected else { fatalError("round trip changed \(message) into \(again)") }
        guard encoded.readableBytes == 0 else { fatalError("re-encoded \(message) leaves \(encoded.readableBytes) bytes") }
    } catch {
        fatalError("re-encoded \(message) fails to decode: \(error)")
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
exit(runFuzzerDriver(&fuzzerArgc, &fuzzerArgv, fuzzMXGPDecoder))
