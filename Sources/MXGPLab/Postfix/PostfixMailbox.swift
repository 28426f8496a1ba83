import Foundation
import MXGPAdminAPI

/// Reads what a Postfix lab node delivered and queued, from its instance folder: the lab's
/// mailbox, verify and scenario checks work on Postfix nodes as on MXGP nodes.
public enum PostfixMailbox {
    /// The messages for `address` in the node's Maildir (`mail/inbox/{new,cur}`), oldest first.
    /// The recipient comes from `Delivered-To:` (virtual(8) writes it), the envelope sender from
    /// `Return-Path:`, the hops from the `Received:` fields Postfix wrote
    /// (`by <node>.lab.invalid (Postfix)`), first relay first; `receivedAt` is the file's time.
    public static func messages(directory: String, address: String) -> [AdminMailboxMessage] {
        var found: [(Date, AdminMailboxMessage)] = []
        let fm = FileManager.default
        for sub in ["new", "cur"] {
            let folder = "\(directory)/\(PostfixConfig.maildir)/\(sub)"
            for file in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] {
                let path = "\(folder)/\(file)"
                guard let data = fm.contents(atPath: path), let message = parse(data), message.to.lowercased() == address.lowercased() else { continue }
                let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
                var dated = message
                dated.receivedAt = iso8601(modified)
                found.append((modified, dated))
            }
        }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// A delivered message's fields (receivedAt left empty).
    static func parse(_ data: Data) -> AdminMailboxMessage? {
        // "\r\n" is one Character in Swift: make every line end in "\n" first.
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let head = text.components(separatedBy: "\n\n").first ?? text
        var fields: [(name: String, value: String)] = []
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(line)
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]).lowercased(), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        guard let to = value("delivered-to") else { return nil }
        let hops = fields.filter { $0.name == "received" }.compactMap { hop(inReceived: $0.value) }.reversed()
        return AdminMailboxMessage(
            messageId: value("message-id") ?? "", from: (value("return-path") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>")),
            to: to, subject: value("subject") ?? "", receivedAt: "", hops: Array(hops))
    }

    /// The lab node named by one `Received:` value Postfix wrote, or nil.
    public static func hop(inReceived value: String) -> String? {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        for index in 0..<max(0, words.count - 2) where words[index].lowercased() == "by" && words[index + 2] == "(Postfix)" {
            let host = words[index + 1]
            guard host.hasSuffix("." + PostfixConfig.hostSuffix) else { continue }
            return String(host.dropLast(PostfixConfig.hostSuffix.count + 1))
        }
        return nil
    }

    /// Messages in the node's queue (incoming, active, deferred, hold, maildrop).
    public static func queued(directory: String) -> Int {
        ["incoming", "active", "deferred", "hold", "maildrop"].reduce(0) { total, name in
            let path = "\(directory)/queue/\(name)"
            guard let entries = FileManager.default.enumerator(atPath: path) else { return total }
            var files = 0
            for case let entry as String in entries {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(path)/\(entry)", isDirectory: &isDirectory), !isDirectory.boolValue { files += 1 }
            }
            return total + files
        }
    }

    static func iso8601(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }
}
