import ArgumentParser
import Dispatch
import Foundation
import MXGPLab
import MXGPLabUI
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab up TOPOLOGY.yaml [--backend netns|compose|swarm] [--name LAB] [--image-source host|source]
/// [--timeout SECONDS] [--no-wait] [--compose-dir DIR] [--generate-only]`.
struct LabUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Bring a topology up as a lab and wait until its routes match the simulation's.",
        discussion: """
            Creates a namespace per node and a veth pair per link (each link a /29), writes node \
            configs and a lab CA with a certificate per node, starts the nodes, applies the links' \
            impairments, then waits until every node's routes equal those `mxgp sim` predicts. \
            Ctrl-C or a failed step removes everything created so far. Exit status 0 when the lab \
            is up and converged, 1 when it is up but did not converge in time, 2 on errors.

            --backend compose writes compose/<lab>/ (docker-compose.yml, topology.yaml, node \
            configs and entrypoints), makes sure of the image mxgp:latest and starts a container \
            per node with `docker compose` (or docker-compose); a pki service makes the \
            certificates into a volume first. Run it from the repository's top folder (or pass \
            --compose-dir). --image-source host (the default on Linux) builds the image from this \
            mxgp binary and its Swift runtime on a Debian base (made with debootstrap when nothing \
            can be pulled), and rebuilds it only when the binary changed; --image-source source \
            compiles mxgp in compose/Dockerfile (needs to pull swift:6.3-bookworm). \
            --generate-only writes the files and stops: no docker needed.

            --backend swarm deploys the same lab as a stack on Docker Swarm (this engine must be a \
            swarm manager: docker swarm init): overlay networks, node configs as Swarm configs and \
            certificates as secrets (compose/<lab>/stack.yml).
            """)

    @Argument(help: "Topology file, e.g. Labs/quickstart.yaml.") var topology: String
    @Option(help: "Lab runtime: netns (namespaces on this machine, needs root), compose or swarm.") var backend = LabBackendKind.netns
    @Option(help: ArgumentHelp("Run the topology under this lab name (several labs of one topology).", valueName: "LAB")) var name: String?
    @Option(help: "Where container labs' image comes from: host (this mxgp) or source (compose/Dockerfile).") var imageSource = LabImageSource.default
    @Option(help: "Seconds to wait for the routes to converge.") var timeout = 60
    @Flag(help: "Return once the nodes are started, without waiting for convergence.") var noWait = false
    @Flag(help: "Only write the compose files (with --backend compose); docker is not run.") var generateOnly = false
    @Flag(help: "Then serve the lab's live page (as `mxgp lab ui`) until Ctrl-C; the lab stays up.") var ui = false
    @Option(help: ArgumentHelp("With --ui: where the page listens.", valueName: "HOST:PORT")) var listen = "127.0.0.1:8790"
    @Flag(help: "With --ui: allow a --listen address beyond loopback.") var allowRemote = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        if generateOnly, backend != .compose { throw ValidationError("--generate-only works with --backend compose") }
        if generateOnly, ui { throw ValidationError("--ui serves a running lab; it does not go with --generate-only") }
        if ui { do { _ = try LabUIListen.parse(listen, allowRemote: allowRemote) } catch { throw ValidationError(error.description) } }
    }

    func run() async throws {
        try await labReporting {
            var controller = options.controller()
            controller.imageSource = imageSource
            if generateOnly {
                let folder = try controller.generateCompose(topologyFile: topology, name: name)
                print("wrote \(folder): docker-compose.yml, topology.yaml, nodes/<node>.yaml and .sh (the pki service makes the certificates when the lab starts)")
                if !FileManager.default.fileExists(atPath: controller.composeRoot + "/Dockerfile") {
                    printError("note: \(controller.composeRoot)/Dockerfile does not exist, so `docker compose build` cannot build the image from this folder; generate from the repository's top folder or pass --compose-dir REPOSITORY/compose")
                }
                return
            }
            let started = ContinuousClock.now
            let labName = (try? controller.plan(topologyFile: topology, backend: backend, name: name).name) ?? ""
            let interrupt = InterruptCleanup(controller: controller, lab: labName)
            let imageTime = LockedDuration()
            let lab = try await controller.up(topologyFile: topology, backend: backend, name: name, progress: labProgress) { outcome in
                if outcome.built { labProgress("image \(LabImageBuilder.image) built in \(Self.format(outcome.duration))") }
                imageTime.set(outcome.duration)
            }
            let nodesStarted = ContinuousClock.now - started - imageTime.value
            guard !noWait else {
                interrupt.cancel()
                print("lab \(lab.name) is up: \(lab.plan.nodes.count) nodes, \(lab.plan.links.count) links, started in \(Self.format(nodesStarted))")
                if ui { try await LabUICommand.serve(lab, listen: listen, allowRemote: allowRemote, interval: nil) }
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
                lab \(lab.name) is up: \(lab.plan.nodes.count) nodes, \(lab.plan.links.count) links, converged in \(Self.format(ContinuousClock.now - started - imageTime.value))
                next: mxgp lab status \(lab.name)      mxgp lab verify \(lab.name)
                      mxgp lab send \(lab.name) --from NODE --to ADDRESS
                      mxgp lab fault \(lab.name) cut A B   mxgp lab heal \(lab.name)   mxgp lab down \(lab.name)
                """)
            if ui { try await LabUICommand.serve(lab, listen: listen, allowRemote: allowRemote, interval: nil) }
        }
    }

    static func format(_ duration: Duration) -> String {
        let (s, attos) = duration.components
        return String(format: "%.1f s", Double(s) + Double(attos) / 1e18)
    }
}

/// The image build time, set from the `up` callback.
final class LockedDuration: Sendable {
    private let stored = Mutex(Duration.zero)
    var value: Duration { stored.withLock { $0 } }
    func set(_ duration: Duration) { stored.withLock { $0 = duration } }
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
