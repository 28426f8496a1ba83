import Foundation
import MXGPStore

/// A store in a fresh `mxgp-` temporary directory, removed by `cleanup()`.
final class TempStore {
    let directory: URL
    private(set) var store: NodeStore

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mxgp-store-test-\(UUID().uuidString)")
        store = try NodeStore(directory: directory)
    }

    /// Closes and reopens the store (a restart after a crash).
    func reopen() throws -> NodeStore {
        try store.close()
        store = try NodeStore(directory: directory)
        return store
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a temporary store and always removes it.
func withTempStore(_ body: (TempStore) async throws -> Void) async throws {
    let temp = try TempStore()
    defer { temp.cleanup() }
    try await body(temp)
}

let t0 = Date(timeIntervalSince1970: 1_700_000_000)

func messageText(id: String?, subject: String = "hello", body: String = "Hi there.\r\n", extraHeaders: String = "") -> Data {
    var text = "Received: from a by b\r\n" + extraHeaders
    if let id { text += "Message-ID: \(id)\r\n" }
    text += "From: alice@origin.test\r\nSubject: \(subject)\r\n\r\n\(body)"
    return Data(text.utf8)
}

func incoming(
    id: String? = "<m1@origin.test>", to: [String], own: Set<String> = ["local.test"], body: String = "Hi there.\r\n",
    subject: String = "hello", from: String = "alice@origin.test", receivedFrom: String = "up1",
    hops: [String] = ["origin", "up1", "me"], at: Date = t0, price: Int? = nil
) -> IncomingMessage {
    IncomingMessage(
        envelopeFrom: from, recipients: to, ownDomains: own, data: messageText(id: id, subject: subject, body: body),
        receivedFrom: receivedFrom, hops: hops, receivedAt: at, ledgerPrice: price)
}
