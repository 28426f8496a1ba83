/// Message body transformations for the DATA phase (RFC 5321 §4.5.2).
public enum SMTPBody {
    /// Normalises line endings to CRLF: a bare LF becomes CRLF, a bare CR becomes CRLF too.
    public static func normalizingLineEndings(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 32 + 2)
        var index = 0
        while index < message.count {
            let byte = message[index]
            if byte == 13 {
                out += [13, 10]
                if index + 1 < message.count, message[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                out += [13, 10]
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// The DATA payload for `message`: line endings normalised, every line starting with `.`
    /// given an extra `.`, a final CRLF added if missing, then the terminating `.` CRLF.
    public static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        let normalized = normalizingLineEndings(message)
        var out: [UInt8] = []
        out.reserveCapacity(normalized.count + normalized.count / 64 + 5)
        var atLineStart = true
        for byte in normalized {
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == 10
        }
        if !out.isEmpty && !atLineStart { out += [13, 10] }
        out += [UInt8(ascii: "."), 13, 10]
        return out
    }

    /// Undoes dot-stuffing of one received DATA line (without CRLF): nil for the terminating
    /// `.`, otherwise the line with one leading `.` removed.
    public static func unstuff(line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard line.first == UInt8(ascii: ".") else { return line }
        if line.count == 1 { return nil }
        return line.dropFirst()
    }

    /// Undoes dot-stuffing of a whole DATA payload (lines ending in CRLF, terminated by
    /// `.` CRLF); returns the message with CRLF line endings, or nil if the terminator is missing.
    public static func unstuffed(_ payload: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var lines = payload.split(separator: 10, omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else { return nil }
        lines.removeLast()
        for var line in lines {
            if line.last == 13 { line.removeLast() }
            guard let content = unstuff(line: line) else { return out }
            out += content
            out += [13, 10]
        }
        return nil
    }

    /// True if any byte has the high bit set (the message needs 8BITMIME).
    public static func hasEightBitData(_ message: [UInt8]) -> Bool { message.contains { $0 >= 0x80 } }
}
