import Foundation
import MXGPLab

/// An error the page's API answers with: a 4xx status and `{"error": "..."}`.
public struct LabUIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
    public var description: String { message }
}

/// The bodies the page posts, checked before anything touches the lab. Pure.
public enum LabUIRequests {
    /// The largest body the API reads.
    public static let maxBody = 16 * 1024

    /// `POST /api/faults` and `POST /api/heal` bodies: `{"fault": "cut colo1 up1"}` (the
    /// `mxgp lab fault` words) or `{"kind": "cut", "args": ["colo1", "up1"], "from": "colo1"}`.
    struct FaultBody: Decodable {
        var fault: String?
        var kind: String?
        var args: [String]?
        var from: String?
    }

    /// `POST /api/send`: `{"from": "colo1", "to": "bob@bob.example", "count": 1}`.
    struct SendBody: Decodable {
        var from: String
        var to: String
        var count: Int?
    }

    /// A checked send request.
    public struct Send: Sendable, Hashable {
        public var from: String
        public var to: String
        public var count: Int
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data, example: String) throws(LabUIError) -> T {
        guard !body.isEmpty else { throw LabUIError(400, "the body is empty; send JSON like \(example)") }
        guard body.count <= maxBody else { throw LabUIError(413, "the body is larger than \(maxBody) bytes") }
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw LabUIError(400, "the JSON lacks \"\(key.stringValue)\"; send JSON like \(example)")
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            throw LabUIError(400, "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type; send JSON like \(example)")
        } catch {
            throw LabUIError(400, "the body is not valid JSON; send JSON like \(example)")
        }
    }

    /// The fault a body asks for, parsed as `mxgp lab fault` parses its words (the lab then
    /// checks its nodes and links).
    public static func fault(_ body: Data) throws(LabUIError) -> LabFault {
        let example = #"{"fault": "cut colo1 up1"} or {"kind": "cut", "args": ["colo1", "up1"]}"#
        let request = try decode(FaultBody.self, body, example: example)
        var kind: String
        var arguments: [String]
        var from = request.from
        if let text = request.fault {
            var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !words.isEmpty else { throw LabUIError(400, "the fault is empty; e.g. \"cut colo1 up1\"") }
            if let index = words.firstIndex(of: "--from") {
                guard index + 1 < words.count else { throw LabUIError(400, "--from needs a node after it") }
                from = words[index + 1]
                words.removeSubrange(index...index + 1)
            }
            kind = words.removeFirst()
            arguments = words
        } else if let given = request.kind {
            kind = given
            arguments = request.args ?? []
        } else {
            throw LabUIError(400, "say which fault: send JSON like \(example)")
        }
        kind = kind.lowercased()
        for word in arguments + [from].compactMap({ $0 }) where word.count > 64 || word.contains(where: { $0.isNewline }) {
            throw LabUIError(400, "\(String(word.prefix(64)).debugDescription) is not a node name or value")
        }
        do {
            return try LabFault.parse(kind: kind, arguments: arguments, from: from)
        } catch {
            throw LabUIError(400, error.description)
        }
    }

    /// The fault a heal body names, or nil for an empty body or `{}` (heal everything).
    public static func heal(_ body: Data) throws(LabUIError) -> LabFault? {
        if body.isEmpty { return nil }
        let request = try decode(FaultBody.self, body, example: #"{} (heal everything) or {"fault": "cut colo1 up1"}"#)
        if request.fault == nil, request.kind == nil, request.args == nil, request.from == nil { return nil }
        return try fault(body)
    }

    /// A send request with its count checked (1–100).
    public static func send(_ body: Data) throws(LabUIError) -> Send {
        let request = try decode(SendBody.self, body, example: #"{"from": "colo1", "to": "bob@bob.example"}"#)
        let count = request.count ?? 1
        guard (1...100).contains(count) else { throw LabUIError(400, "count must be from 1 to 100") }
        let parts = request.to.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, request.to.count <= 254, !request.to.contains(where: { $0.isWhitespace }) else {
            throw LabUIError(400, "\(request.to.debugDescription) is not a mail address like bob@bob.example")
        }
        return Send(from: request.from, to: request.to, count: count)
    }
}
