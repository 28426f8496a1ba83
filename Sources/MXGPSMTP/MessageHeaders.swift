import MXGPCore

/// One relay on a message's path, read from a `Received:` header mxgp wrote.
public struct MXGPHop: Hashable, Sendable, CustomStringConvertible {
    /// The node that received the message.
    public let node: String
    /// The operator that runs the node.
    public let operatorNumber: OperatorNumber

    /// Creates a hop.
    public init(node: String, operatorNumber: OperatorNumber) {
        self.node = node
        self.operatorNumber = operatorNumber
    }

    /// `colo1 (operator 64501)`.
    public var description: String { "\(node) (operator \(operatorNumber))" }
}

/// Reading and writing RFC 5322 header fields of a message held as bytes.
public enum MessageHeaders {
    /// The `Received:` field mxgp prepends, folded over three lines, ending in CRLF:
    ///
    ///     Received: from <helo> (<client address>)
    ///     	by <node> (mxgp operator <n>) with ESMTP id <id>;
    ///     	<date>
    ///
    /// `with ESMTPS` when the message came over TLS (RFC 3848). `date` is an RFC 5322 date
    /// (see `rfc5322Date(secondsSince1970:)`); the core reads no clock.
    public static func receivedField(
        helo: String, clientAddress: String, node: String, operatorNumber: OperatorNumber,
        id: String, tls: Bool = false, date: String
    ) -> [UInt8] {
        let helo = sanitized(helo)
        let with = tls ? "ESMTPS" : "ESMTP"
        let text = "Received: from \(helo) (\(sanitized(clientAddress)))\r\n"
            + "\tby \(sanitized(node)) (mxgp operator \(operatorNumber)) with \(with) id \(sanitized(id));\r\n"
            + "\t\(sanitized(date))\r\n"
        return Array(text.utf8)
    }

    /// `message` with `receivedField(…)` in front of it.
    public static func prependingReceived(
        to message: [UInt8], helo: String, clientAddress: String, node: String, operatorNumber: OperatorNumber,
        id: String, tls: Bool = false, date: String
    ) -> [UInt8] {
        receivedField(
            helo: helo, clientAddress: clientAddress, node: node, operatorNumber: operatorNumber, id: id, tls: tls,
            date: date) + message
    }

    /// The field the first mxgp hop adds to mail from its local clients, naming the region the
    /// mail originates in (the first hop's region): `MXGP-Origin-Region: US`. Relays that refuse
    /// regions read the topmost one (the first hop puts its own above anything the client wrote).
    public static let originRegionName = "MXGP-Origin-Region"

    /// `message` with `MXGP-Origin-Region: <region>` in front of it.
    public static func prependingOriginRegion(_ region: String, to message: [UInt8]) -> [UInt8] {
        Array("\(originRegionName): \(sanitized(region))\r\n".utf8) + message
    }

    /// The origin region the first hop recorded (the topmost `MXGP-Origin-Region`), if any.
    public static func originRegion(in message: [UInt8]) -> String? { values(of: originRegionName, in: message).first }

    /// Every header field in order, names as written, values unfolded and trimmed.
    /// The header section ends at the first empty line (CRLF or bare LF line endings).
    public static func fields(in message: [UInt8]) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var current: (name: String, value: [UInt8])?
        for var line in message.split(separator: 10, omittingEmptySubsequences: false) {
            if line.last == 13 { line.removeLast() }
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                current?.value += line
                continue
            }
            if let field = current { result.append((field.name, trimmed(field.value))) }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                current = nil  // not a header line (e.g. mbox "From "): skip it
                continue
            }
            current = (String(decoding: line[line.startIndex..<colon], as: UTF8.self), Array(line[(colon + 1)...]))
        }
        if let field = current { result.append((field.name, trimmed(field.value))) }
        return result
    }

    /// The values of every field called `name` (case-insensitive), in order.
    public static func values(of name: String, in message: [UInt8]) -> [String] {
        let wanted = name.lowercased()
        return fields(in: message).filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The `Message-ID` value (with its angle brackets), if present.
    public static func messageID(in message: [UInt8]) -> String? { values(of: "Message-ID", in: message).first }

    /// The `Subject` value (unfolded; encoded words are left as they are).
    public static func subject(in message: [UInt8]) -> String? { values(of: "Subject", in: message).first }

    /// The mxgp relays the message passed through, first relay first, read from the
    /// `Received:` fields mxgp wrote (`by <node> (mxgp operator <n>)`); other fields are skipped.
    public static func hops(in message: [UInt8]) -> [MXGPHop] {
        values(of: "Received", in: message).compactMap(hop(inReceived:)).reversed()
    }

    /// The hop named by one `Received:` value, or nil if mxgp did not write it.
    public static func hop(inReceived value: String) -> MXGPHop? {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 5 else { return nil }
        for index in 0..<(words.count - 4) where words[index].lowercased() == "by" {
            guard words[index + 2] == "(mxgp", words[index + 3] == "operator", words[index + 4].hasSuffix(")"),
                let number = OperatorNumber(words[index + 4].dropLast())
            else { continue }
            return MXGPHop(node: String(words[index + 1]), operatorNumber: number)
        }
        return nil
    }

    /// An RFC 5322 date in UTC: `Tue, 02 Jan 2024 15:04:05 +0000`.
    public static func rfc5322Date(secondsSince1970 seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        let weekday = Int((days % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[weekday]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        var slice = bytes[...]
        while let first = slice.first, first == 32 || first == 9 { slice.removeFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Removes CR, LF and other control characters so a value cannot break the header.
    private static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init))
    }
}
