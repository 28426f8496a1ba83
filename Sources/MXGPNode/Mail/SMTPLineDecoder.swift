import NIOCore

/// One line of SMTP input, without its line ending, or the news that a line was too long.
public enum SMTPLine: Sendable, Hashable {
    case line([UInt8])
    /// A line exceeded the limit; its bytes up to the next line feed were discarded.
    case tooLong
}

/// Splits SMTP input into lines (CRLF, tolerating a bare LF) with bounded memory: a line
/// longer than `maximumLineLength` is discarded up to its end and reported as `.tooLong`.
public struct SMTPLineDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = SMTPLine

    /// Longest line accepted, line ending excluded (RFC 5321: 998 for text lines).
    public var maximumLineLength: Int
    private var discarding = false

    public init(maximumLineLength: Int = 1000) {
        self.maximumLineLength = maximumLineLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> SMTPLine? {
        let view = buffer.readableBytesView
        if let lf = view.firstIndex(of: UInt8(ascii: "\n")) {
            let length = lf - view.startIndex
            if discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = false
                return .tooLong
            }
            var end = length
            if end > 0 && view[view.startIndex + end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end > maximumLineLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .tooLong
            }
            let line = buffer.readBytes(length: end)!
            buffer.moveReaderIndex(forwardBy: length + 1 - end)
            return .line(line)
        }
        // No line end yet: never buffer more than the limit.
        if buffer.readableBytes > maximumLineLength + 1 {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            discarding = true
        }
        return nil
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SMTPLine? {
        try decode(buffer: &buffer)
    }
}
