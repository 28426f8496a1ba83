import ArgumentParser
import Foundation
import MXGPAdminAPI
import MXGPNode

/// The options every `mxgp ctl` subcommand shares: where the node is, and `--json`.
struct CtlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The node's admin socket (default: $MXGP_SOCKET, else \(AdminServer.defaultSocketPath)).", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("The node's admin API over TCP instead, e.g. http://127.0.0.1:8790.", valueName: "url"))
    var url: String?

    @Flag(help: "Print the admin API's JSON instead of a table.")
    var json = false

    func validate() throws {
        if socket != nil && url != nil { throw ValidationError("give either --socket or --url, not both") }
        if let url, AdminClient.Endpoint(url: url) == nil {
            throw ValidationError("--url \(url.debugDescription): expected http://HOST:PORT, e.g. http://127.0.0.1:8790")
        }
    }

    /// The endpoint to ask: `--url`, `--socket`, `$MXGP_SOCKET`, the default socket, in that order.
    func endpoint(environment: [String: String] = ProcessInfo.processInfo.environment) -> AdminClient.Endpoint {
        if let url, let endpoint = AdminClient.Endpoint(url: url) { return endpoint }
        if let socket { return .unixSocket(path: socket) }
        if let path = environment["MXGP_SOCKET"], !path.isEmpty { return .unixSocket(path: path) }
        return .unixSocket(path: AdminServer.defaultSocketPath)
    }
}

/// Asking a node and turning failures into errors for people.
enum CtlRequest {
    /// Fetches `path` and prints it: the body as it came with `--json`, else `render(body)`.
    static func show(_ path: String, options: CtlOptions, render: @escaping (String) throws -> String) async throws {
        try await reporting {
            let body = try await get(path, options: options).body
            print(options.json ? body : try render(body), terminator: "")
        }
    }

    /// Fetches `path` and returns the body; a non-2xx answer becomes a `CLIError` with the
    /// node's message (or, for `allowNotFound`, is returned with its status).
    static func get(_ path: String, options: CtlOptions, allowNotFound: Bool = false, method: String = "GET") async throws -> AdminClient.Response {
        let endpoint = options.endpoint()
        let response: AdminClient.Response
        do {
            response = try await AdminClient(endpoint: endpoint).request(method, path)
        } catch let failure as AdminClient.Failure {
            throw CLIError(message(failure, endpoint: endpoint))
        }
        if (200..<300).contains(response.status) || (allowNotFound && response.status == 404) { return response }
        let detail = (try? AdminJSON.decode(AdminErrorBody.self, from: response.body).error) ?? response.body
        throw CLIError("the node on \(endpoint) answered \(response.status) to \(method) \(path): \(detail)")
    }

    static func message(_ failure: AdminClient.Failure, endpoint: AdminClient.Endpoint) -> String {
        switch failure {
        case .unreachable(_, let reason):
            switch endpoint {
            case .unixSocket(let path):
                return "no node answers on \(path) (\(reason)): is `mxgp node` running? use --socket PATH (or set MXGP_SOCKET)"
            case .tcp:
                return "no node answers on \(endpoint) (\(reason)): is `mxgp node` running with a TCP admin listener? use --url URL"
            }
        case .timeout, .malformed, .tooLarge:
            return failure.description
        }
    }

    /// Runs `body`, printing a `CLIError` to standard error with exit status 2.
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as CLIError {
            printError("error: \(error.description)")
            throw ExitCode(2)
        }
    }
}
