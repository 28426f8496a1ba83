import ArgumentParser
import Foundation
import MXGPPKI

/// `mxgp pki …`: a CA and node certificates for mutual TLS between MXGP nodes.
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Create a CA and node certificates that name their operator (for mutual TLS).",
        discussion: """
            A node certificate carries its operator as the URI SAN mxgp:operator:<number> (and, for people, as O = MXGP operator <number>); a node refuses a session whose OPEN claims another operator. Keys are P-256, written as PKCS#8 PEM with mode 0600.

            Start with: mxgp pki init-ca --dir pki && mxgp pki issue --dir pki --node colo1 --operator 64501
            """,
        subcommands: [PKIInitCACommand.self, PKIIssueCommand.self, PKIShowCommand.self]
    )

    /// Runs `body`, turning a `PKIError` into a one-line message and exit status 2.
    static func reporting(_ body: () throws(PKIError) -> Void) throws {
        try CLIError.reporting {
            do throws(PKIError) { try body() } catch { throw CLIError(error.description) }
        }
    }
}

/// `mxgp pki init-ca --dir DIR [--name NAME] [--days N] [--force]`.
struct PKIInitCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-ca",
        abstract: "Create a certificate authority: DIR/ca.pem and DIR/ca.key."
    )

    @Option(help: ArgumentHelp("Directory for ca.pem and ca.key (created if missing).", valueName: "dir")) var dir: String
    @Option(help: "Common name of the CA certificate.") var name = "MXGP lab CA"
    @Option(help: "Days the CA certificate is valid.") var days = CertificateAuthority.defaultCAValidityDays
    @Flag(help: "Replace an existing ca.pem and ca.key (node certificates they signed stop verifying).") var force = false

    func validate() throws {
        guard CertificateAuthority.validityRange.contains(days) else { throw ValidationError("--days must be 1…36500") }
    }

    func run() throws {
        try PKICommand.reporting { () throws(PKIError) in
            let directory = PKIDirectory(path: dir)
            try directory.initCA(name: name, validityDays: days, overwrite: force)
            print("wrote \(directory.caCertificatePath) and \(directory.caKeyPath) (CA \"\(name)\", \(days) days)")
        }
    }
}

/// `mxgp pki issue --dir DIR --node NAME --operator N [--dns NAME]... [--ip ADDR]... [--days N] [--force]`.
struct PKIIssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a node certificate signed by DIR/ca.pem: DIR/NODE.pem and DIR/NODE.key."
    )

    @Option(help: ArgumentHelp("Directory holding ca.pem and ca.key; the node files are written there.", valueName: "dir")) var dir: String
    @Option(help: ArgumentHelp("Node name: certificate CN, a DNS SAN and the file name.", valueName: "name")) var node: String
    @Option(name: .customLong("operator"), help: ArgumentHelp("Operator number the node speaks for (1…4294967295).", valueName: "n"))
    var operatorNumber: UInt32
    @Option(name: .customLong("dns"), help: ArgumentHelp("Another DNS name for the SAN (repeatable).", valueName: "name"))
    var dnsNames: [String] = []
    @Option(name: .customLong("ip"), help: ArgumentHelp("An IPv4 or IPv6 address for the SAN (repeatable).", valueName: "addr"))
    var ipAddresses: [String] = []
    @Option(help: "Days the certificate is valid (never beyond the CA's own expiry).") var days = CertificateAuthority.defaultNodeValidityDays
    @Flag(help: "Replace an existing NODE.pem and NODE.key.") var force = false

    func validate() throws {
        guard operatorNumber != 0 else { throw ValidationError("--operator must be between 1 and 4294967295") }
        guard CertificateAuthority.validityRange.contains(days) else { throw ValidationError("--days must be 1…36500") }
        guard PKINames.isValidNodeName(node) else { throw ValidationError("--node \"\(node)\" is not valid; use \(PKINames.nodeNameRule)") }
    }

    func run() throws {
        try PKICommand.reporting { () throws(PKIError) in
            let directory = PKIDirectory(path: dir)
            try directory.issue(node: node, operator: operatorNumber, dnsNames: dnsNames, ipAddresses: ipAddresses,
                                validityDays: days, overwrite: force)
            print("wrote \(directory.certificatePath(node: node)) and \(directory.keyPath(node: node)) (node \(node), operator \(operatorNumber), \(days) days)")
        }
    }
}

/// `mxgp pki show FILE.pem [--json]`.
struct PKIShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a certificate's subject, issuer, validity, SANs and operator."
    )

    @Argument(help: ArgumentHelp("A PEM certificate file (the first certificate is shown).", valueName: "file.pem")) var file: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try PKICommand.reporting { () throws(PKIError) in
            print(try render(), terminator: "")
        }
    }

    /// The text (or JSON) that `run` prints.
    func render() throws(PKIError) -> String {
        let summary = try CertificateSummary(PKIFiles.readCertificate(file))
        guard json else { return summary.text }
        do {
            return try JSONOutput.render(summary) + "\n"
        } catch {
            throw .signingFailed(what: "JSON output", reason: "\(error)")
        }
    }
}
