import Foundation

/// Reads what the store needs from a message's RFC 5322 text: a few header fields
/// and the digest of the normalised body.
///
/// The digest covers the body only, because every hop prepends a `Received`
/// header: the same message arriving twice (a lost 250, or two paths after a
/// failover) has different headers but the same body. Normalisation turns bare
/// LF into CRLF and drops trailing empty lines, so a re-encoded copy still matches.
public struct MessageText: Sendable {
    /// The unfolded header fields in order, names as written.
    public let headers: [(name: String, value: String)]
    /// The body bytes exactly as given (after the blank line).
    public let body: ArraySlice<UInt8>

    /// Splits `data` into header fields and body.
    public init(_ data: Data) {
        let bytes = [UInt8](data)
        let split = MessageText.headerEnd(bytes)
        headers = MessageText.parseHeaders(bytes[0..<split.headerEnd])
        body = bytes[split.bodyStart...]
    }

    /// The first field named `name` (case-insensitive), trimmed; nil when absent.
    public func field(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The `Message-ID` field, trimmed; nil when absent or empty.
    public var messageId: String? {
        guard let value = field("Message-ID"), !value.isEmpty else { return nil }
        return value
    }

    /// The `Subject` field (unfolded, not MIME-decoded), or "" when absent.
    public var subject: String { field("Subject") ?? "" }

    /// SHA-256 hex of the normalised body.
    public var bodyDigest: String { ContentDigest.hex(MessageText.normalisedBody(body)) }

    /// The body with CRLF line ends and without trailing empty lines.
    static func normalisedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var lines: [ArraySlice<UInt8>] = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0 }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(body.count + lines.count)
        for line in lines {
            out.append(contentsOf: line)
            out.append(contentsOf: [0x0d, 0x0a])
        }
        return out
    }

    /// Where the header section ends and the body starts (after the first empty line).
    static func headerEnd(_ bytes: [UInt8]) -> (headerEnd: Int, bodyStart: Int) {
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let line = bytes[lineStart..<index]
                if line.isEmpty || (line.count == 1 && line.first == UInt8(ascii: "\r")) {
                    return (lineStart, index + 1)
                }
                lineStart = index + 1
            }
            index += 1
        }
        return (bytes.count, bytes.count)
    }

    static func parseHeaders(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let lineBytes = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            let line = String(decoding: lineBytes, as: UTF8.self)
            if let first = line.first, first == " " || first == "\t" {
                if !fields.isEmpty {
                    let joined = fields[fields.count - 1].value + " " + line.trimmingCharacters(in: .whitespaces)
                    fields[fields.count - 1].value = joined.trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append((name, value))
        }
        return fields
    }
}
