import NIOCore
import Testing

@testable import MXGPCore

/// Fuzz loops use `SeededRandom` (SplitMix64) so failures reproduce.

@Suite("Codec fuzz")
struct CodecFuzzTests {
    /// Decodes everything in `bytes` and checks the decoder's contract: it returns
    /// messages, asks for more data, or throws `MXGPWireError`; nothing else. While
    /// it waits for more, it never holds a full `maximumMessageSize` worth of bytes.
    @discardableResult
    static func checkContract(_ bytes: [UInt8], maximumMessageSize: Int = 4096) -> Int {
        var decoder = MXGPMessageDecoder(maximumMessageSize: maximumMessageSize)
        var buffer = ByteBuffer(bytes: bytes)
        var decoded = 0
        do {
            while let message = try decoder.decode(buffer: &buffer) {
                decoded += 1
                // Whatever decodes re-encodes without trapping.
                _ = message.encoded()
            }
            #expect(buffer.readableBytes < maximumMessageSize, "waiting for more while holding \(buffer.readableBytes) bytes")
            if buffer.readableBytes > 0 {
                let announced = buffer.readableBytes >= MXGPFraming.headerLength ? Int(buffer.getInteger(at: buffer.readerIndex + 2, as: UInt32.self)!) : 0
                #expect(announced <= maximumMessageSize)
            }
        } catch is MXGPWireError {
            // Fine: a typed error the session turns into a NOTIFICATION.
        } catch {
            Issue.record("decoder threw \(type(of: error)): \(error)")
        }
        return decoded
    }

    @Test("20,000 random inputs, half of them behind a plausible header")
    func randomBytes() {
        var rng = SeededRandom(seed: 0x4D58_4750)
        var decodedAny = 0
        for iteration in 0..<20_000 {
            let length = Int.random(in: 0...96, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if iteration % 2 == 0 {
                let type = UInt8.random(in: 0...8, using: &rng)
                let total = UInt32(7 + bytes.count)
                bytes = [0x4D, 0x58] + withUnsafeBytes(of: total.bigEndian, Array.init) + [type] + bytes
            }
            decodedAny += Self.checkContract(bytes)
        }
        // Empty-body messages at least come through this way.
        #expect(decodedAny > 0)
    }

    @Test("20,000 mutations of valid encodings")
    func mutations() {
        var rng = SeededRandom(seed: 0x0007_0006)
        let seeds = CodecSamples.messages.map { Array($0.message.encoded().readableBytesView) }.filter { $0.count <= 4096 }
        var outcomes = [0, 0]
        for _ in 0..<20_000 {
            var bytes = seeds.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<7, using: &rng) {
                case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                case 3: bytes.remove(at: at)
                case 4: bytes.removeLast(Int.random(in: 0...min(bytes.count, 8), using: &rng))
                case 5: bytes[at] = [0, 1, 0x7F, 0x80, 0xFF].randomElement(using: &rng)!
                default: bytes.append(contentsOf: bytes[at...].prefix(8))
                }
            }
            // Often keep the header's length honest so the body decoders are reached.
            if bytes.count >= 7, Bool.random(using: &rng) {
                let total = UInt32(bytes.count)
                bytes.replaceSubrange(2..<6, with: withUnsafeBytes(of: total.bigEndian, Array.init))
            }
            outcomes[Self.checkContract(bytes) > 0 ? 1 : 0] += 1
        }
        // The loop reaches both outcomes: some mutants still decode, some are rejected.
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }

    @Test("a stream of random chunks never makes a 4096-byte decoder hold 4096 bytes")
    func boundedBuffering() {
        var rng = SeededRandom(seed: 42)
        for _ in 0..<2_000 {
            var decoder = MXGPMessageDecoder(maximumMessageSize: 4096)
            var buffer = ByteBuffer()
            // A header announcing some length, then random body chunks.
            let announced = UInt32.random(in: 7...100_000, using: &rng)
            buffer.writeInteger(MXGPFraming.marker)
            buffer.writeInteger(announced)
            buffer.writeInteger(UInt8.random(in: 1...7, using: &rng))
            var fed = 7
            while true {
                do {
                    if try decoder.decode(buffer: &buffer) != nil { break }
                } catch let error as MXGPWireError {
                    if error.kind == .messageTooLarge {
                        #expect(announced > 4096)
                        #expect(fed == 7, "too large must be caught on the header, before the body is buffered")
                    }
                    break
                } catch {
                    Issue.record("unexpected \(error)")
                    break
                }
                #expect(buffer.readableBytes < 4096)
                #expect(announced <= 4096, "a header announcing \(announced) bytes must not be waited for")
                let chunk = Int.random(in: 1...512, using: &rng)
                buffer.writeBytes((0..<chunk).map { _ in UInt8.random(in: 0...255, using: &rng) })
                fed += chunk
                if fed > 8192 { Issue.record("fed \(fed) bytes without a result"); break }
            }
        }
    }

    @Test("headers announcing more than the maximum throw at once", arguments: [4097, 65536, 1 << 20, Int(UInt32.max)])
    func tooLarge(_ announced: Int) {
        var decoder = MXGPMessageDecoder(maximumMessageSize: 4096)
        var buffer = ByteBuffer()
        buffer.writeInteger(MXGPFraming.marker)
        buffer.writeInteger(UInt32(announced))
        buffer.writeInteger(MessageType.update.rawValue)
        #expect(throws: MXGPWireError(.messageTooLarge, "message length \(announced) exceeds the maximum of 4096 bytes")) {
            try decoder.decode(buffer: &buffer)
        }
    }
}
