import Foundation
import Hummingbird
import Synchronization

/// Which requests the page's API serves, against cross-site requests and DNS rebinding. Pure.
///
/// A browser lets any web page send a "simple" POST (`text/plain`, a form) to
/// `127.0.0.1:8790`, and a name an attacker controls can be made to resolve to loopback (DNS
/// rebinding). So:
///
/// - every request needs a `Host` that is the address the server listens on, or `localhost`
///   or a loopback address, with the server's port (any `Host` with `--allow-remote`, whose
///   names the server cannot know);
/// - a request that changes the lab (any method but GET, HEAD and OPTIONS) also needs
///   `Content-Type: application/json`, which no other site can send without the browser asking
///   first, and, when it carries an `Origin`, the server's own origin (`http://` and the
///   `Host`).
///
/// A refusal is a 403 with a message that says what was wrong and what to do.
public struct LabUIRequestGuard: Sendable, Hashable {
    /// The address the server listens on, with the port it bound.
    public var listen: LabUIListen
    /// `--allow-remote`: any `Host` is accepted (the `Origin` and `Content-Type` checks stay).
    public var allowRemote: Bool

    public init(listen: LabUIListen, allowRemote: Bool = false) {
        self.listen = listen
        self.allowRemote = allowRemote
    }

    /// Methods that only read.
    static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    /// Nil when the request may be served; otherwise a 403 ``LabUIError`` saying why.
    public func check(method: String, path: String, host: String?, origin: String?, contentType: String?) -> LabUIError? {
        let request = "\(method) \(path)"
        let page = listen.url
        if !allowRemote {
            guard let host, !host.isEmpty else {
                return LabUIError(403, "refused \(request): the request has no Host header; open the page at \(page)")
            }
            guard accepts(authority: host) else {
                return LabUIError(403, "refused \(request): the Host \(host.debugDescription) is not this server's address (\(listen)); open the page at \(page) (a page reached under another name may be a DNS-rebinding attack; --allow-remote serves any name)")
            }
        }
        guard !Self.safeMethods.contains(method.uppercased()) else { return nil }
        if let origin {
            guard let host, origin.lowercased() == "http://" + host.lowercased() else {
                return LabUIError(403, "refused \(request) from another site (Origin \(origin.debugDescription)): only the page at \(page) may change the lab; use it or `mxgp lab fault`")
            }
        }
        guard let contentType, Self.isJSON(contentType) else {
            return LabUIError(403, "refused \(request): the API takes only Content-Type: application/json (got \(contentType.map { $0.debugDescription } ?? "none")); send JSON like {\"fault\": \"cut colo1 up1\"}")
        }
        return nil
    }

    /// True when `authority` (a `Host` value: `HOST[:PORT]`, `[IPV6][:PORT]`) names this
    /// server: its port (80 when none is given), and its listen host or a loopback name.
    public func accepts(authority: String) -> Bool {
        guard let parts = Self.split(authority: authority), parts.port == listen.port else { return false }
        return parts.host.lowercased() == listen.host.lowercased() || LabUIListen.isLoopback(parts.host)
    }

    /// `HOST[:PORT]` or `[IPV6][:PORT]` as host and port; nil when malformed.
    static func split(authority: String) -> (host: String, port: Int)? {
        var host: Substring
        var rest: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            rest = authority[authority.index(after: close)...]
        } else {
            guard authority.filter({ $0 == ":" }).count <= 1 else { return nil }
            let colon = authority.firstIndex(of: ":") ?? authority.endIndex
            host = authority[..<colon]
            rest = authority[colon...]
        }
        guard !host.isEmpty else { return nil }
        if rest.isEmpty { return (String(host), 80) }
        guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port), rest.dropFirst().allSatisfy(\.isNumber) else { return nil }
        return (String(host), port)
    }

    /// True for `application/json`, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// Applies ``LabUIRequestGuard`` to every request. The guard is set when the server has bound
/// its port (port 0 picks one).
struct LabUIGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let box: LabUIGuardBox

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = box.value.check(
            method: request.method.rawValue, path: request.uri.path, host: request.head.authority,
            origin: request.headers[.origin], contentType: request.headers[.contentType]) {
            throw refusal
        }
        return try await next(request, context)
    }
}

/// The server's ``LabUIRequestGuard``, set again once the port is bound.
final class LabUIGuardBox: Sendable {
    private let current: Mutex<LabUIRequestGuard>

    init(_ value: LabUIRequestGuard) { current = Mutex(value) }

    var value: LabUIRequestGuard {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
