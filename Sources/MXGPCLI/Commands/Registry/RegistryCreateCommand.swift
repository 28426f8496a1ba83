import ArgumentParser
import Foundation
import MXGPCore
import MXGPPKI
import MXGPTopology

/// `mxgp registry create [--topology FILE [--leave-out NODE]...] [--entry OP:SUFFIX[:DEPTH[:CC,…]]]... [--key FILE] --out FILE`.
struct RegistryCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write a registry from a topology's domains and/or explicit entries; sign it when given a key.",
        discussion: """
            From a topology every domain of every node is authorised for that node's operator at depth 0. Nodes in the topology's origin-validation.leave-out and in --leave-out are not registered: this is how the hijack exercise leaves the hijacker out.
            """
    )

    @Option(help: ArgumentHelp("Topology file whose nodes' domains are registered.", valueName: "file")) var topology: String?
    @Option(name: .customLong("leave-out"), help: ArgumentHelp("A node of the topology whose domains are not registered (repeatable).", valueName: "node"))
    var leaveOut: [String] = []
    @Option(name: .customLong("entry"), help: ArgumentHelp("An entry OPERATOR:SUFFIX[:MAXDEPTH[:COUNTRIES]], e.g. 64501:alice.example:1 or 64501:alice.de:0:DE (repeatable).", valueName: "entry"))
    var entries: [String] = []
    @Option(help: "Serial number (raise it for every new registry).") var serial: UInt32 = 1
    @Option(help: "Days the registry is valid, from now.") var days = SignedOriginRegistry.defaultValidityDays
    @Option(help: ArgumentHelp("Private key to sign with (from `mxgp registry init-key`); unsigned without it.", valueName: "file")) var key: String?
    @Option(help: ArgumentHelp("Registry file to write (JSON).", valueName: "file")) var out: String
    @Flag(help: "Replace an existing registry file.") var force = false

    func validate() throws {
        guard topology != nil || !entries.isEmpty else { throw ValidationError("give --topology FILE or at least one --entry") }
        guard (1...36500).contains(days) else { throw ValidationError("--days must be 1…36500") }
        if topology == nil, !leaveOut.isEmpty { throw ValidationError("--leave-out needs --topology") }
        for entry in entries where Self.parseEntry(entry) == nil {
            throw ValidationError("--entry \(entry.debugDescription) is not OPERATOR:SUFFIX[:MAXDEPTH[:COUNTRIES]] (operator 1…4294967295, depth 0…\(OriginRegistry.maximumDepth), countries as two-letter codes separated by commas), like 64501:alice.example or 64501:alice.de:0:DE")
        }
    }

    func run() throws {
        try RegistryCommand.reporting {
            var document = SignedOriginRegistry(registry: try registry(), notBefore: Date(), validityDays: days)
            if let key { document = try document.signed(with: OriginRegistryFiles.readSigningKey(key)) }
            try OriginRegistryFiles.write(document, to: out, overwrite: force)
            let signed = key.map { "signed with \($0)" } ?? "unsigned: sign it with `mxgp registry sign \(out) --key KEY`"
            print("wrote \(out) (serial \(serial), \(document.registry.entries.count) entries, valid until \(RegistryTime.text(document.notAfter)); \(signed))")
        }
    }

    /// The entries from the topology and `--entry`.
    func registry() throws -> OriginRegistry {
        var authorizations = entries.compactMap(Self.parseEntry)
        if let topology {
            let parsed: Topology
            do { parsed = try TopologyParser.load(path: topology).topology } catch { throw CLIError(error.description) }
            for name in leaveOut where parsed.node(named: name) == nil {
                throw CLIError("--leave-out \(name.debugDescription): \(topology) has no such node; use one of \(parsed.nodes.map(\.name).joined(separator: ", "))")
            }
            let left = leaveOut + (parsed.originValidation?.leaveOut ?? [])
            authorizations += parsed.originRegistry(leaveOut: left).entries
        }
        return OriginRegistry(serial: serial, entries: authorizations)
    }

    /// `OPERATOR:SUFFIX[:MAXDEPTH[:COUNTRY,COUNTRY…]]`: the countries (two-letter codes) the
    /// domains are in, which contracts priced per destination country and `refuse-destinations`
    /// read from the registry.
    static func parseEntry(_ text: String) -> OriginAuthorization? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (2...4).contains(parts.count), let op = UInt32(parts[0]), op != 0, let suffix = DomainName(parts[1]) else { return nil }
        let depth = parts.count >= 3 ? Int(parts[2]) : 0
        guard let depth, (0...OriginRegistry.maximumDepth).contains(depth) else { return nil }
        var countries: [Country] = []
        if parts.count == 4 {
            let codes = parts[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            countries = codes.compactMap(Country.init)
            guard !codes.isEmpty, countries.count == codes.count else { return nil }
        }
        return OriginAuthorization(operatorNumber: op, suffix: suffix, maxDepth: depth, countries: countries)
    }
}

/// `mxgp registry sign FILE --key KEY [--serial N] [--days N] [--out FILE]`.
struct RegistrySignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a registry (after creating or editing it); replaces any old signature."
    )

    @Argument(help: ArgumentHelp("Registry file (JSON).", valueName: "file")) var file: String
    @Option(help: ArgumentHelp("Private key to sign with.", valueName: "file")) var key: String
    @Option(help: "Set a new serial before signing.") var serial: UInt32?
    @Option(help: "Make it valid from now for this many days before signing.") var days: Int?
    @Option(help: ArgumentHelp("Write the signed registry here instead of replacing FILE.", valueName: "file")) var out: String?

    func validate() throws {
        if let days, !(1...36500).contains(days) { throw ValidationError("--days must be 1…36500") }
    }

    func run() throws {
        try RegistryCommand.reporting {
            var document = try OriginRegistryFiles.read(file)
            if let serial { document.registry.serial = serial }
            if let days {
                let renewed = SignedOriginRegistry(registry: document.registry, notBefore: Date(), validityDays: days)
                (document.notBefore, document.notAfter) = (renewed.notBefore, renewed.notAfter)
            }
            let signingKey = try OriginRegistryFiles.readSigningKey(key)
            document = try document.signed(with: signingKey)
            let target = out ?? file
            try OriginRegistryFiles.write(document, to: target)
            print("signed \(target) (serial \(document.registry.serial), key \(signingKey.publicKey.fingerprint), valid until \(RegistryTime.text(document.notAfter)))")
        }
    }
}
