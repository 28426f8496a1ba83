import ArgumentParser
import Dispatch
import Foundation
import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab up TOPOLOGY.yaml [--backend netns|compose] [--timeout SECONDS] [--no-wait]
/// [--compose-dir DIR] [--generate-only]`.
struct LabUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Bring a topology up as a lab and wait until its routes match the simulation's.",
        discussion: """
            Creates a namespace per node and a veth pair per link (each link a /29), writes node
            configs and a lab CA with a certificate per node, starts the nodes, applies the links'
            impairments, then waits until every node's routes equal those `mxgp sim` predicts.
            Ctrl-C or a failed step removes everything created so far. Exit status 0 when the lab
            is up and converged, 1 when it is up but did not converge in time, 2 on errors.

            --backend compose writes compose/<lab>/ (docker-compose.yml, node configs and
            entrypoints, certificates), builds the mxgp image from compose/Dockerfile and starts a
            container per node with `docker compose` (or docker-compose); run it from the
            repository's top folder. --generate-only writes those files and stops: no docker needed.
            """)

    @Argument(help: "Topology file, e.g. Labs/quickstart.yaml.") var topology: String
    @Option(help: "Lab runtime: netns (namespaces on this machine, needs root) or compose.") var backend = "netns"
    @Option(help: "Seconds to wait for the routes to converge.") var timeout = 60
    @Flag(help: "Return once the nodes are started, without waiting for convergence.") var noWait = false
    @Option(help: ArgumentHelp("The compose folder, with the Dockerfile (compose backend).", valueName: "DIR")) var composeDir = "compose"
    @Flag(help: "Only write the compose files (with --backend compose); docker is not run.") var generateOnly = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard ["netns", "compose"].contains(backend) else { throw ValidationError("--backend must be netns or compose") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        if generateOnly, backend != "compose" { throw ValidationError("--generate-only works with --backend compose") }
    }

    func run() async throws {
        try await labReporting {
            var controller = options.controller()
            controller.composeRoot = URL(fileURLWithPath: composeDir).standardizedFileURL.path
            if generateOnly {
                let folder = try controller.generateCompose(topologyFile: topology)
                print("wrote \(folder): docker-compose.yml, nodes/<node>.yaml and .sh, pki/ (private keys, git-ignored)")
                if !FileManager.default.fileExists(atPath: controller.composeRoot + "/Dockerfile") {
                    printError("note: \(controller.composeRoot)/Dockerfile does not exist, so `docker compose build` cannot build the image from this folder; generate from the repository's top folder or pass --compose-dir REPOSITORY/compose")
                }
                return
            }
            let started = ContinuousClock.now
            let name = (try? controller.plan(topologyFile: topology, backend: backend).name) ?? ""
            let interrupt = InterruptCleanup(controller: controller, lab: name)
            let lab = try await controller.up(topologyFile: topology, backend: backend, progress: labProgress)
            let nodesStarted = ContinuousClock.now - started
            guard !noWait else {
                interrupt.cancel()
                print("lab \(lab.name) is up: \(lab.plan.nodes.count) nodes, \(lab.plan.links.count) links, started in \(format(nodesStarted))")
                return
            }
            do {
                try await lab.waitForConvergence(timeout: .seconds(timeout), progress: labProgress)
            } catch let error as LabError {
                interrupt.cancel()
                printError("error: \(error.description)")
                throw ExitCode(1)
            }
            interrupt.cancel()
            print("""
                lab \(lab.name) is up: \(lab.plan.nodes.count) nodes, \(lab.plan.links.count) links, converged in \(format(ContinuousClock.now - started))
                next: mxgp lab status \(lab.name)      mxgp lab verify \(lab.name)
                      mxgp lab send \(lab.name) --from NODE --to ADDRESS
                      mxgp lab fault \(lab.name) cut A B   mxgp lab heal \(lab.name)   mxgp lab down \(lab.name)
                """)
        }
    }

    func format(_ duration: Duration) -> String {
        let (s, attos) = duration.components
        return String(format: "%.1f s", Double(s) + Double(attos) / 1e18)
    }
}

/// Takes the lab down when Ctrl-C (SIGINT) or SIGTERM arrives while it is coming up.
final class InterruptCleanup {
    private var sources: [DispatchSourceSignal] = []

    init(controller: LabController, lab: String) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                printError("mxgp lab: interrupted; taking lab \(lab) down")
                Task {
                    try? await controller.down(lab)
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops watching (the lab stays up) and restores the default signal handling.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
