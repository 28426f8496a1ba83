import ArgumentParser
import Foundation
import MXGPPKI

/// `mxgp registry …`: the signed origin registry (which operators may originate which domains).
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Create, sign, verify and show origin registries (origin validation, like RPKI ROV).",
        discussion: """
            A registry lists which operator may originate which domain suffix, and how many labels below it. A node with `origin-validation:` in its config loads the registry at start, checks its Ed25519 signature and validity, and makes routes whose origin the registry does not authorise ineligible (Invalid). See docs/PROTOCOL.md §14.

            Start with: mxgp registry init-key --key registry.key && mxgp registry create --topology Labs/hijack.yaml --key registry.key --out registry.json
            """,
        subcommands: [
            RegistryInitKeyCommand.self, RegistryCreateCommand.self, RegistrySignCommand.self,
            RegistryVerifyCommand.self, RegistryShowCommand.self,
        ]
    )

    /// Runs `body`, turning a `RegistryError` into a one-line message and exit status 2.
    static func reporting(_ body: () throws -> Void) throws {
        try CLIError.reporting {
            do {
                try body()
            } catch let error as RegistryError {
                throw CLIError(error.description)
            }
        }
    }

    /// The public key path that goes with a private key path: `x.key` → `x.pub`, else `x.pub` appended.
    static func publicKeyPath(for keyPath: String) -> String {
        keyPath.hasSuffix(".key") ? String(keyPath.dropLast(4)) + ".pub" : keyPath + ".pub"
    }
}

/// `mxgp registry init-key --key FILE [--public-key FILE] [--force]`.
struct RegistryInitKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-key",
        abstract: "Create an Ed25519 signing key pair: the private key (0600) and the public key nodes verify with."
    )

    @Option(help: ArgumentHelp("Private key file to write (PKCS#8 PEM).", valueName: "file")) var key: String
    @Option(help: ArgumentHelp("Public key file to write (default: the key's name with .pub).", valueName: "file")) var publicKey: String?
    @Flag(help: "Replace existing key files (registries signed with the old key stop verifying).") var force = false

    func run() throws {
        try RegistryCommand.reporting {
            let publicPath = publicKey ?? RegistryCommand.publicKeyPath(for: key)
            let signingKey = RegistrySigningKey()
            try OriginRegistryFiles.write(signingKey, keyPath: key, publicKeyPath: publicPath, overwrite: force)
            print("wrote \(key) and \(publicPath) (Ed25519, key \(signingKey.publicKey.fingerprint))")
        }
    }
}
