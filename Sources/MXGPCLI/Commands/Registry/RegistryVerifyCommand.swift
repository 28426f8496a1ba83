import ArgumentParser
import Foundation
import MXGPCore
import MXGPPKI

/// `mxgp registry verify FILE --public-key KEY`: what a node checks at start.
struct RegistryVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a registry's signature and validity period as a node does (exit 0 when good, 2 when not)."
    )

    @Argument(help: ArgumentHelp("Registry file (JSON).", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("Public key the signature must verify with.", valueName: "file")) var publicKey: String

    func run() throws {
        try RegistryCommand.reporting {
            let document = try OriginRegistryFiles.read(file)
            let key = try OriginRegistryFiles.readPublicKey(publicKey)
            try document.verify(with: key, now: Date(), source: file, keySource: publicKey)
            print("\(file): signature good (key \(key.fingerprint)), serial \(document.registry.serial), \(document.registry.entries.count) entries, valid until \(RegistryTime.text(document.notAfter))")
        }
    }
}

/// `mxgp registry show FILE [--json]`.
struct RegistryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a registry's serial, validity and entries (the signature is not checked: use verify)."
    )

    @Argument(help: ArgumentHelp("Registry file (JSON).", valueName: "file")) var file: String
    @Flag(help: "Print the registry document as JSON.") var json = false

    func run() throws {
        try RegistryCommand.reporting {
            print(try render(), terminator: "")
        }
    }

    func render() throws -> String {
        let document = try OriginRegistryFiles.read(file)
        return json ? document.jsonText : Self.text(document)
    }

    /// The people's view of a registry.
    static func text(_ document: SignedOriginRegistry) -> String {
        var out = "serial \(document.registry.serial), valid \(RegistryTime.text(document.notBefore)) to \(RegistryTime.text(document.notAfter)), "
            + (document.signature == nil ? "unsigned" : "signed") + "\n"
        if document.registry.entries.isEmpty { return out + "(no entries)\n" }
        var table = TextTable(["SUFFIX", "OPERATOR", "MAX-DEPTH", "COUNTRIES"])
        for entry in document.registry.entries {
            let countries = entry.countries.isEmpty ? "-" : entry.countries.map(\.code).joined(separator: ",")
            table.add([entry.suffix.text, String(entry.operatorNumber), String(entry.maxDepth), countries])
        }
        return out + table.render()
    }
}
