import ArgumentParser
import Foundation
import MXGPLab
import MXGPTopology

/// `mxgp lab init-pki TOPOLOGY --pki DIR [--name LAB] [--registry-key-dir DIR]`: what the `pki`
/// service of a compose lab runs.
struct LabInitPKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-pki",
        abstract: "Write a lab's CA, node certificates and signed origin registry into a folder.",
        discussion: """
            The pki service of a compose lab runs this (docker-compose.yml) to fill the volume the \
            nodes mount: DIR/ca.pem, DIR/<node>.pem and DIR/<node>.key for every node of the \
            topology and, with origin-validation:, DIR/registry.json and DIR/registry.pub. Files \
            that exist are kept, so running it again changes nothing. The registry's signing key \
            goes to --registry-key-dir (default: a temporary folder, thrown away), not beside the \
            files every node can read.
            """)

    @Argument(help: "Topology file.") var topology: String
    @Option(help: ArgumentHelp("Folder for the certificates (created if missing).", valueName: "DIR")) var pki: String
    @Option(help: ArgumentHelp("Run the topology under this lab name.", valueName: "LAB")) var name: String?
    @Option(help: ArgumentHelp("Folder for the origin registry's signing key.", valueName: "DIR")) var registryKeyDir: String?

    func run() throws {
        do {
            var loaded = try Topology.load(path: topology).topology
            if let name { loaded.name = name }
            let plan = try LabPlanner.plan(loaded, layout: .rooted(at: pki))
            let keys = registryKeyDir ?? NSTemporaryDirectory() + "mxgp-registry-key-\(getpid())"
            defer { if registryKeyDir == nil { try? FileManager.default.removeItem(atPath: keys) } }
            try LabFiles.writePKI(plan, pkiDirectory: pki, registryKeyDirectory: keys)
            print("wrote the certificates of lab \(plan.name) (\(plan.nodes.count) nodes) to \(pki)")
        } catch let error as TopologyErrors {
            printError(error.description)
            throw ExitCode(2)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }
}
