import Foundation
import Testing
@testable import MXGPLabUI

/// ``LabUIRequestGuard``: which requests the page's API serves (cross-site requests and DNS
/// rebinding are refused). A table, one row per case.
struct LabUIRequestGuardTests {
    static let local = LabUIRequestGuard(listen: .standard)
    static let json = "application/json"

    struct Row: CustomStringConvertible, Sendable {
        var name: String
        var method = "POST"
        var host: String? = "127.0.0.1:8790"
        var origin: String? = nil
        var contentType: String? = LabUIRequestGuardTests.json
        var allowRemote = false
        var listen = LabUIListen.standard
        /// Nil: served; otherwise a word of the refusal.
        var refused: String?
        var description: String { name }
    }

    static let rows: [Row] = [
        // Served.
        Row(name: "the page's own POST", origin: "http://127.0.0.1:8790", refused: nil),
        Row(name: "a POST without Origin (curl, mxgp)", refused: nil),
        Row(name: "JSON with a charset", contentType: "application/json; charset=utf-8", refused: nil),
        Row(name: "JSON in capitals", contentType: "Application/JSON", refused: nil),
        Row(name: "the page opened as localhost", host: "localhost:8790", origin: "http://localhost:8790", refused: nil),
        Row(name: "the page opened as LOCALHOST", host: "LOCALHOST:8790", origin: "http://localhost:8790", refused: nil),
        Row(name: "another loopback address", host: "127.0.0.2:8790", refused: nil),
        Row(name: "IPv6 loopback", host: "[::1]:8790", origin: "http://[::1]:8790", refused: nil),
        Row(name: "a GET of the page", method: "GET", contentType: nil, refused: nil),
        Row(name: "a GET with another site's Origin (the browser hides the answer)", method: "GET", origin: "http://evil.example", contentType: nil, refused: nil),
        Row(name: "listening on [::1]", host: "[::1]:9000", listen: LabUIListen(host: "::1", port: 9000), refused: nil),
        Row(name: "port 80 without a port in Host", host: "127.0.0.1", listen: LabUIListen(host: "127.0.0.1", port: 80), refused: nil),
        Row(name: "--allow-remote: any Host", host: "lab.example:8790", origin: "http://lab.example:8790", allowRemote: true, listen: LabUIListen(host: "0.0.0.0", port: 8790), refused: nil),
        // Refused: cross-site requests.
        Row(name: "another site's POST", origin: "http://evil.example", refused: "another site"),
        Row(name: "another port on loopback", origin: "http://127.0.0.1:8080", refused: "another site"),
        Row(name: "https is another origin", origin: "https://127.0.0.1:8790", refused: "another site"),
        Row(name: "an opaque origin (sandboxed frame, file:)", origin: "null", refused: "another site"),
        Row(name: "another site with --allow-remote", host: "lab.example:8790", origin: "http://evil.example", allowRemote: true, refused: "another site"),
        Row(name: "a form post (text/plain)", contentType: "text/plain", refused: "application/json"),
        Row(name: "a form post (urlencoded)", contentType: "application/x-www-form-urlencoded", refused: "application/json"),
        Row(name: "a POST without Content-Type", contentType: nil, refused: "application/json"),
        Row(name: "JSON-looking but not JSON", contentType: "application/jsonx", refused: "application/json"),
        Row(name: "a DELETE without JSON", method: "DELETE", contentType: nil, refused: "application/json"),
        Row(name: "--allow-remote keeps the Content-Type check", host: "lab.example:8790", contentType: "text/plain", allowRemote: true, refused: "application/json"),
        // Refused: DNS rebinding and other names.
        Row(name: "a rebound name", host: "evil.example:8790", origin: "http://evil.example:8790", refused: "DNS-rebinding"),
        Row(name: "a rebound name on GET", method: "GET", host: "evil.example:8790", contentType: nil, refused: "DNS-rebinding"),
        Row(name: "a name that starts with 127.", method: "GET", host: "127.example.com:8790", contentType: nil, refused: "DNS-rebinding"),
        Row(name: "the right host, another port", method: "GET", host: "127.0.0.1:8791", contentType: nil, refused: "not this server's"),
        Row(name: "no port means 80", method: "GET", host: "127.0.0.1", contentType: nil, refused: "not this server's"),
        Row(name: "a malformed Host", method: "GET", host: "127.0.0.1:87a0", contentType: nil, refused: "not this server's"),
        Row(name: "no Host", method: "GET", host: nil, contentType: nil, refused: "no Host"),
        Row(name: "an empty Host", host: "", refused: "no Host"),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        let requestGuard = LabUIRequestGuard(listen: row.listen, allowRemote: row.allowRemote)
        let refusal = requestGuard.check(method: row.method, path: "/api/faults", host: row.host, origin: row.origin, contentType: row.contentType)
        if let word = row.refused {
            #expect(refusal?.status == 403, "\(row.name): \(refusal?.message ?? "served")")
            #expect(refusal?.message.contains(word) == true, "\(row.name): \(refusal?.message ?? "served")")
        } else {
            #expect(refusal == nil, "\(row.name): \(refusal?.message ?? "")")
        }
    }

    @Test func refusalsSayWhatToDo() {
        let origin = Self.local.check(method: "POST", path: "/api/faults", host: "127.0.0.1:8790", origin: "http://evil.example", contentType: Self.json)
        #expect(origin?.message == "refused POST /api/faults from another site (Origin \"http://evil.example\"): only the page at http://127.0.0.1:8790/ may change the lab; use it or `mxgp lab fault`")
        let type = Self.local.check(method: "POST", path: "/api/heal", host: "127.0.0.1:8790", origin: nil, contentType: "text/plain")
        #expect(type?.message.hasPrefix("refused POST /api/heal: the API takes only Content-Type: application/json (got \"text/plain\")") == true)
        let host = Self.local.check(method: "GET", path: "/", host: "evil.example:8790", origin: nil, contentType: nil)
        #expect(host?.message.contains("open the page at http://127.0.0.1:8790/") == true)
    }
}
