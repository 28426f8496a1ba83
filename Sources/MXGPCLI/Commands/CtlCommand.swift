import ArgumentParser
import MXGPAdminAPI
import MXGPCore
import MXGPNode

/// `mxgp ctl [--socket PATH|--url URL] peers|routes [DOMAIN]|nexthops|queue|mailbox ADDRESS|ledger|complain MESSAGE-ID|api METHOD PATH [--json]`.
struct CtlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Ask a running node about its peers, routes, next hops, queue, mailboxes and ledger.",
        discussion: """
            Talks to the admin API of `mxgp node` over its Unix socket (--socket, $MXGP_SOCKET, \
            else \(AdminServer.defaultSocketPath)) or over TCP (--url). Prints aligned tables for \
            people; --json prints the API's JSON for scripts. Exit status 0 on success, 1 when a \
            domain has no route, 2 when the node cannot be reached or answers with an error.
            """,
        subcommands: [CtlPeersCommand.self, CtlRoutesCommand.self, CtlNextHopsCommand.self, CtlQueueCommand.self, CtlMailboxCommand.self, CtlLedgerCommand.self,
                      CtlComplainCommand.self, CtlAPICommand.self]
    )

    @OptionGroup var options: CtlOptions
}

/// `mxgp ctl peers`.
struct CtlPeersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Every neighbour's session: state, uptime, messages in and out, routes, last error.")

    @OptionGroup var options: CtlOptions

    func run() async throws {
        try await CtlRequest.show(AdminPath.peers, options: options, render: CtlRendering.peers)
    }
}

/// `mxgp ctl routes [DOMAIN]`.
struct CtlRoutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "Every best route with its alternates, or the route mail for one domain follows.",
        discussion: """
            With DOMAIN, the lookup is by longest label-wise suffix (a.b.example, then b.example, \
            example, and the default route .), as the relay does; USABLE then says, for the best \
            route and each ranked alternate, whether the relay would send to that next hop now \
            (yes, no: penalised 12s (the error), no: session down). --json prints \
            {"routes": {DOMAIN: ROUTE}} (DESIGN §8, plus "alternates"), or for one domain \
            {"domain": …, "matched": …, "route": ROUTE} with "usability" on each route.
            """)

    @Argument(help: "Look up the route for this domain (e.g. mail.bob.example).")
    var domain: String?

    @OptionGroup var options: CtlOptions

    func validate() throws {
        if let domain, DomainName(domain) == nil {
            throw ValidationError("\(domain.debugDescription) is not a domain name (labels of letters, digits, - and _; . for the default route)")
        }
    }

    func run() async throws {
        try await CtlRequest.reporting {
            guard let domain = domain.flatMap(DomainName.init) else {
                let body = try await CtlRequest.get(AdminPath.routes, options: options).body
                print(options.json ? body : try CtlRendering.routes(body), terminator: "")
                return
            }
            let response = try await CtlRequest.get(AdminPath.route(domain.text), options: options, allowNotFound: true)
            if response.status == 404 {
                if options.json {
                    print(response.body, terminator: "")
                } else {
                    printError("no route for \(domain.text): the node has no route for it, any suffix of it, or a default route")
                }
                throw ExitCode(1)
            }
            print(options.json ? response.body : try CtlRendering.lookup(response.body), terminator: "")
        }
    }
}

/// `mxgp ctl queue`.
struct CtlQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Messages waiting in the node's outbound queue.")

    @OptionGroup var options: CtlOptions

    func run() async throws {
        try await CtlRequest.show(AdminPath.queue, options: options, render: CtlRendering.queue)
    }
}

/// `mxgp ctl mailbox ADDRESS`.
struct CtlMailboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox",
        abstract: "Messages delivered to a local mailbox, with the hops they crossed.",
        discussion: "--json prints {\"messages\": [{\"messageId\", \"from\", \"to\", \"subject\", \"receivedAt\", \"hops\"}, …]} (DESIGN §8).")

    @Argument(help: "The mail address, e.g. bob@bob.example.")
    var address: String

    @OptionGroup var options: CtlOptions

    func validate() throws {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, DomainName(String(parts[1])) != nil else {
            throw ValidationError("\(address.debugDescription) is not a mail address like bob@bob.example")
        }
    }

    func run() async throws {
        try await CtlRequest.show(AdminPath.mailbox(address), options: options, render: CtlRendering.mailbox)
    }
}

/// `mxgp ctl ledger`.
struct CtlLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Per neighbour: messages and bytes in and out, money owed and earned, complaints.")

    @OptionGroup var options: CtlOptions

    func run() async throws {
        try await CtlRequest.show(AdminPath.ledger, options: options, render: CtlRendering.ledger)
    }
}

/// `mxgp ctl api METHOD PATH [--status-line]`: one raw admin API request.
struct CtlAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Send one raw request to the admin API and print the response body.",
        discussion: """
            For scripts and the compose lab backend, e.g. mxgp ctl api GET /v1/routes or \
            mxgp ctl api POST /v1/peers/up1/reset. Prints the body as the node sent it. Exit status \
            0 for a 2xx answer, 1 for any other HTTP status (the status and the node's message go \
            to standard error), 2 when the node cannot be reached. With --status-line the first \
            line printed is the HTTP status and every HTTP answer exits 0.
            """)

    @Argument(help: "The HTTP method: GET, POST, PUT or DELETE.") var method: String
    @Argument(help: "The path, e.g. /v1/routes (percent-encode addresses).") var path: String
    @Flag(help: "Print the HTTP status on the first line and exit 0 for any HTTP answer.") var statusLine = false
    @OptionGroup var options: CtlOptions

    func validate() throws {
        guard ["GET", "POST", "PUT", "DELETE"].contains(method.uppercased()) else {
            throw ValidationError("method \(method.debugDescription): use GET, POST, PUT or DELETE")
        }
        guard path.hasPrefix("/") else { throw ValidationError("path \(path.debugDescription) must start with /, e.g. /v1/routes") }
    }

    func run() async throws {
        var failed = false
        try await CtlRequest.reporting {
            let endpoint = options.endpoint()
            let response: AdminClient.Response
            do {
                response = try await AdminClient(endpoint: endpoint).request(method.uppercased(), path)
            } catch let failure as AdminClient.Failure {
                throw CLIError(CtlRequest.message(failure, endpoint: endpoint))
            }
            if statusLine { print(response.status) }
            print(response.body, terminator: "")
            if !statusLine, !(200..<300).contains(response.status) {
                let detail = (try? AdminJSON.decode(AdminErrorBody.self, from: response.body).error) ?? response.body
                printError("error: the node on \(endpoint) answered \(response.status) to \(method.uppercased()) \(path): \(detail)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
