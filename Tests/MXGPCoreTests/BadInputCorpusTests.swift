import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import MXGPCore

/// One file of `Corpus/` and what the decoder must make of it (see
/// `Scripts/gen-codec-corpus.py`, which writes both).
struct CorpusCase: Sendable, Decodable, CustomTestStringConvertible {
    var file: String
    /// A `MXGPWireError.Kind` raw value, "treatAsWithdraw" or "incomplete".
    var expect: String
    /// Valid messages in the file before the bad one.
    var valid_before: Int
    var description: String

    var testDescription: String { "\(file) → \(expect)" }

    enum Expectation: Equatable {
        case error(MXGPWireError.Kind)
        case treatAsWithdraw
        case incomplete
    }

    var expectation: Expectation? {
        switch expect {
        case "treatAsWithdraw": return .treatAsWithdraw
        case "incomplete": return .incomplete
        default: return MXGPWireError.Kind(rawValue: expect).map(Expectation.error)
        }
    }

    var bytes: [UInt8] {
        get throws { try Array(Data(contentsOf: BadInputCorpus.directory.appendingPathComponent(file))) }
    }
}

enum BadInputCorpus {
    static var directory: URL { Bundle.module.url(forResource: "Corpus", withExtension: nil)! }

    struct Manifest: Decodable {
        var cases: [CorpusCase]
    }

    static let cases: [CorpusCase] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else { return [] }
        return manifest.cases
    }()

    /// What happened when decoding a whole input directly with the decoder.
    enum Outcome: Equatable {
        case messages([MXGPMessage])
        case threw(MXGPWireError.Kind, after: [MXGPMessage])
        case needsMore(after: [MXGPMessage], eofError: MXGPWireError.Kind?)
    }

    static func decodeAll(_ bytes: [UInt8], maximumMessageSize: Int = MXGPFraming.defaultMaximumMessageSize) -> Outcome {
        var decoder = MXGPMessageDecoder(maximumMessageSize: maximumMessageSize)
        var buffer = ByteBuffer(bytes: bytes)
        var messages: [MXGPMessage] = []
        do {
            while let message = try decoder.decode(buffer: &buffer) { messages.append(message) }
        } catch let error as MXGPWireError {
            return .threw(error.kind, after: messages)
        } catch {
            Issue.record("decoder threw a non-MXGPWireError: \(error)")
            return .messages(messages)
        }
        if buffer.readableBytes == 0 { return .messages(messages) }
        do {
            _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
            return .needsMore(after: messages, eofError: nil)
        } catch let error as MXGPWireError {
            return .needsMore(after: messages, eofError: error.kind)
        } catch {
            Issue.record("decodeLast threw a non-MXGPWireError: \(error)")
            return .needsMore(after: messages, eofError: nil)
        }
    }
}

@Suite("Bad input corpus")
struct BadInputCorpusTests {
    @Test("the corpus and its manifest are present and consistent")
    func manifest() throws {
        let cases = BadInputCorpus.cases
        #expect(cases.count >= 250, "manifest.json is missing or short; run Scripts/gen-codec-corpus.py")
        #expect(Set(cases.map(\.file)).count == cases.count, "duplicate file names in the manifest")
        for item in cases {
            #expect(item.expectation != nil, "\(item.file): unknown expectation \(item.expect)")
            #expect(!(try item.bytes).isEmpty, "\(item.file) is empty")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: BadInputCorpus.directory.path).filter { $0.hasSuffix(".bin") }
        #expect(Set(files) == Set(cases.map(\.file)), "corpus files and manifest disagree")
        // Every error kind the decoder can raise on input is exercised.
        let kinds = Set(cases.compactMap { if case .error(let kind)? = $0.expectation { kind } else { nil } })
        #expect(kinds == [.badMarker, .badLength, .messageTooLarge, .unknownMessageType, .malformedOpen, .unsupportedVersion,
                          .malformedUpdate, .badDomain, .malformedNotification, .malformedReport])
    }

    @Test("each case gives exactly its expected result", arguments: BadInputCorpus.cases)
    func decodeCase(_ item: CorpusCase) throws {
        let bytes = try item.bytes
        let outcome = BadInputCorpus.decodeAll(bytes)
        switch item.expectation {
        case .error(let kind)?:
            guard case .threw(let actual, let before) = outcome else {
                Issue.record("\(item.file) (\(item.description)): expected \(kind), got \(outcome)")
                return
            }
            #expect(actual == kind, "\(item.description)")
            #expect(before.count == item.valid_before)
        case .treatAsWithdraw?:
            guard case .messages(let messages) = outcome, messages.count == item.valid_before + 1,
                  case .update(let update) = messages.last
            else {
                Issue.record("\(item.file) (\(item.description)): expected one UPDATE treated as withdraw, got \(outcome)")
                return
            }
            #expect(update.treatedAsWithdraw != nil, "\(item.description)")
            #expect(update.attributes == nil)
            #expect(update.announced.isEmpty)
            #expect(!update.withdrawn.isEmpty, "the announced domains must be withdrawn")
            for earlier in messages.dropLast() {
                if case .update(let u) = earlier { #expect(u.treatedAsWithdraw == nil) }
            }
        case .incomplete?:
            guard case .needsMore(let before, let eofError) = outcome else {
                Issue.record("\(item.file) (\(item.description)): expected the decoder to wait for more, got \(outcome)")
                return
            }
            #expect(before.count == item.valid_before)
            #expect(eofError == .badLength, "end of stream inside a message must be reported")
        case nil:
            Issue.record("\(item.file): unknown expectation \(item.expect)")
        }
    }

    @Test("oversized headers fail on the 7 header bytes alone")
    func oversizedNeedsNoBody() throws {
        let oversized = BadInputCorpus.cases.filter { $0.expect == "messageTooLarge" }
        #expect(!oversized.isEmpty)
        for item in oversized {
            let bytes = try item.bytes
            // Only the header of the bad message is in the file: nothing to buffer.
            #expect(bytes.count == 7 * (item.valid_before + 1), "\(item.file)")
        }
    }

    @Test("through a channel pipeline, whole and byte by byte, each case errors cleanly", arguments: BadInputCorpus.cases)
    func throughChannel(_ item: CorpusCase) throws {
        let bytes = try item.bytes
        for chunkSize in [bytes.count, 1, 5] {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(MXGPMessageDecoder()))
            var thrown: Error?
            var offset = 0
            while offset < bytes.count, thrown == nil {
                let end = min(offset + chunkSize, bytes.count)
                do { try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<end])) } catch { thrown = error }
                offset = end
            }
            var outputs: [MXGPMessage] = []
            while let message = try channel.readInbound(as: MXGPMessage.self) { outputs.append(message) }
            var finishError: Error?
            do { _ = try channel.finish() } catch { finishError = error }

            let context = "\(item.file), chunks of \(chunkSize)"
            switch item.expectation {
            case .error(let kind)?:
                #expect((thrown as? MXGPWireError)?.kind == kind, "\(context): got \(String(describing: thrown))")
                #expect(outputs.count == item.valid_before, "\(context)")
            case .treatAsWithdraw?:
                #expect(thrown == nil, "\(context)")
                #expect(finishError == nil, "\(context)")
                guard case .update(let update)? = outputs.last, outputs.count == item.valid_before + 1 else {
                    Issue.record("\(context): expected an UPDATE last, got \(outputs)")
                    continue
                }
                #expect(update.treatedAsWithdraw != nil, "\(context)")
            case .incomplete?:
                #expect(thrown == nil, "\(context)")
                #expect(outputs.count == item.valid_before, "\(context)")
                #expect((finishError as? MXGPWireError)?.kind == .badLength, "\(context): got \(String(describing: finishError))")
            case nil:
                Issue.record("\(context): unknown expectation")
            }
        }
    }
}
