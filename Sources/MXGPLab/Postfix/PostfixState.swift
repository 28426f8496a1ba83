import Foundation
import MXGPAdminAPI

/// What a Postfix lab node delivered and holds, read from its instance folder: by this process
/// where it sees the folder (netns), else inside the node by `mxgp lab postfix-state`, which
/// prints this as JSON (the container backends).
public struct PostfixState: Codable, Sendable, Hashable {
    /// The messages for the address asked about, oldest first (none when no address was asked).
    public var messages: [AdminMailboxMessage]
    /// Messages in the queue.
    public var queued: Int

    public init(messages: [AdminMailboxMessage], queued: Int) {
        self.messages = messages
        self.queued = queued
    }

    /// Reads the instance folder `directory`: `address`'s messages and the queue's size.
    public static func read(directory: String, address: String?) -> PostfixState {
        PostfixState(messages: address.map { PostfixMailbox.messages(directory: directory, address: $0) } ?? [],
                     queued: PostfixMailbox.queued(directory: directory))
    }
}

extension Lab {
    /// A Postfix node's mailbox for `address` (if given) and queue size, read where its folder is.
    func postfixState(_ node: String, address: String?) async throws -> PostfixState {
        let directory = plan.layout.storePath(node)
        if state.backend == .netns { return .read(directory: directory, address: address) }
        let argv = [backend.nodeBinary(state), "lab", "postfix-state", directory] + (address.map { ["--address", $0] } ?? [])
        let result = await backend.exec(plan, node: node, argv, timeout: .seconds(30))
        guard result.succeeded else { throw LabError("\(node): reading its Postfix folder failed: \(CommandFailure(argv: argv, result: result))") }
        do {
            return try AdminJSON.decode(PostfixState.self, from: result.stdout)
        } catch {
            throw LabError("\(node): `mxgp lab postfix-state` printed no state (\(error)); is the image older than this mxgp?")
        }
    }

    /// A Postfix node's log (`maillog` in its folder), or nil when it has none yet.
    public func postfixLog(_ node: String) async -> String? {
        let path = PostfixConfig.maillog(in: plan.layout.storePath(node))
        if state.backend == .netns { return try? String(contentsOfFile: path, encoding: .utf8) }
        let result = await backend.exec(plan, node: node, ["cat", path], timeout: .seconds(30))
        return result.succeeded ? result.stdout : nil
    }
}
