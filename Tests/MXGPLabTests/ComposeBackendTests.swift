import Foundation
import MXGPTestSupport
import Testing
@testable import MXGPLab

/// Records every command and answers from a table (first matching prefix wins; else success).
final class FakeDocker: CommandRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [[String]] = []
    let answers: [(prefix: [String], result: CommandResult)]

    init(_ answers: [(prefix: [String], result: CommandResult)] = []) { self.answers = answers }

    var commands: [[String]] { lock.withLock { recorded } }

    func run(_ argv: [String], timeout: Duration) async -> CommandResult {
        lock.withLock { recorded.append(argv) }
        return answers.first { argv.starts(with: $0.prefix) }?.result ?? CommandResult(status: 0, stdout: "")
    }

    static let noDaemon = CommandResult(status: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
    static let engine: [(prefix: [String], result: CommandResult)] = [
        (["docker", "info"], CommandResult(status: 0, stdout: "28.2.2\n")),
        (["sh", "-c", "command -v docker"], CommandResult(status: 0, stdout: "/bin/true\n")),
        (LabController.networkSubnetsCommand, CommandResult(status: 0, stdout: "172.17.0.0/16 10.77.0.0/29 10.101.0.0/29\n")),
        (["docker", "inspect"], CommandResult(status: 0, stdout: "running\n")),
        (LabImageBuilder.basePackagesQuery, CommandResult(status: 0, stdout: LabImageBuilder.packageList + "\n")),
        (["docker", "exec", "mxgp-composetest-colo1", "mxgp", "ctl", "api"], CommandResult(status: 0, stdout: "200\n{\"routes\": {}}\n")),
    ]
}

@Suite struct ComposeBackendTests {
    /// A scratch folder with `compose/Dockerfile` and a lab folder root; removed by the caller.
    static func scratch() throws -> (root: String, controller: (FakeDocker) -> LabController) {
        let root = NSTemporaryDirectory() + "mxgp-composetest-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: root + "/compose", withIntermediateDirectories: true)
        for file in ["Dockerfile", "Dockerfile.host", "entrypoint-lib.sh"] {
            try "# \(file)\n".write(toFile: root + "/compose/" + file, atomically: true, encoding: .utf8)
        }
        return (root, { LabController(directory: LabDirectory(root: root + "/labs"), binary: "/bin/false", runner: $0, composeRoot: root + "/compose") })
    }

    /// Labs/quickstart.yaml renamed `composetest`, so a real `quickstart` lab on this machine
    /// (its namespaces) does not make `up` refuse.
    static func quickstartCopy(in root: String) throws -> String {
        let source = try String(contentsOf: Golden.repository.appendingPathComponent("Labs/quickstart.yaml"), encoding: .utf8)
        let renamed = source.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("name:") ? "name: composetest" : String($0) }.joined(separator: "\n")
        try renamed.write(toFile: root + "/composetest.yaml", atomically: true, encoding: .utf8)
        return root + "/composetest.yaml"
    }

    /// This machine's case: the docker client is there, no engine answers. `up` says so, points
    /// at the netns backend, and creates nothing.
    @Test func upWithoutEngineSaysSoAndCreatesNothing() async throws {
        let (root, controller) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let docker = FakeDocker([(["docker", "info"], FakeDocker.noDaemon)])
        let error = await #expect(throws: LabError.self) {
            try await controller(docker).up(topologyFile: try Self.quickstartCopy(in: root), backend: .compose, progress: { _ in })
        }
        #expect(error?.description.contains("no docker engine answers") == true)
        #expect(error?.description.contains("Cannot connect to the Docker daemon") == true)
        #expect(error?.description.contains("--backend netns") == true)
        #expect(!FileManager.default.fileExists(atPath: root + "/labs/composetest"))
        #expect(!FileManager.default.fileExists(atPath: root + "/compose/composetest"))
        #expect(!docker.commands.contains { $0.contains("up") })
    }

    @Test func upWithoutDockerSaysSo() async throws {
        let (root, controller) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let docker = FakeDocker([(["sh", "-c", "command -v docker"], CommandResult(status: 1))])
        let error = await #expect(throws: LabError.self) {
            try await controller(docker).up(topologyFile: try Self.quickstartCopy(in: root), backend: .compose, progress: { _ in })
        }
        #expect(error?.description.contains("docker is not installed") == true)
        #expect(error?.description.contains("--backend netns") == true)
    }

    /// The docker commands of a lab's life, with `docker compose` (golden), then the v1 fallback.
    @Test func commandsOfALabMatchGolden() async throws {
        let (root, controller) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let docker = FakeDocker(FakeDocker.engine)
        let lab = try await controller(docker).up(topologyFile: try Self.quickstartCopy(in: root), backend: .compose, progress: { _ in })
        #expect(lab.plan.layout == ComposeFiles.layout)
        // Blocks 0 and 1 are taken by the networks docker lists: the lab takes block 2.
        #expect(lab.plan.block == 2 && lab.plan.links.first?.subnet == "10.102.0.0/29")
        for file in ["docker-compose.yml", "topology.yaml", "nodes/colo1.yaml", "nodes/colo1.sh"] {
            #expect(FileManager.default.fileExists(atPath: root + "/compose/composetest/" + file), "\(file)")
        }
        // No key on the host: the pki service makes them into a volume.
        #expect(!FileManager.default.fileExists(atPath: root + "/compose/composetest/pki"))
        // Reopened from lab.json, as a later `mxgp lab` command does.
        let reopened = try controller(docker).open("composetest")
        #expect((reopened.backend as? ComposeBackend)?.root == root + "/compose")
        let backend = reopened.backend
        _ = await backend.exec(reopened.plan, node: "up1", ["ip", "link", "set", "colo1", "down"], timeout: .seconds(5))
        for signal in [NodeSignal.pause, .resume, .terminate, .kill] { try await backend.signal(reopened.plan, node: "up1", signal) }
        #expect(await backend.state(reopened.plan, node: "up1") == .running)
        let routes = try await reopened.liveRoutes("colo1")
        #expect(routes.isEmpty)
        try await controller(docker).down("composetest")
        #expect(FileManager.default.fileExists(atPath: root + "/compose/composetest/docker-compose.yml"))

        let text = docker.commands.filter { !$0.contains("inspect") }
            .map { $0.joined(separator: " ").replacingOccurrences(of: root, with: "$ROOT")
                .replacingOccurrences(of: #"/mxgp-image-[0-9]+-[0-9]+"#, with: "/mxgp-image-XXXX", options: .regularExpression)
                .replacingOccurrences(of: #"org\.mxgp\.fingerprint=[0-9a-f]+"#, with: "org.mxgp.fingerprint=XXXX", options: .regularExpression) + "\n" }
            .joined()
        try Golden.check(text, "composetest.compose-commands.txt")
    }

    /// The base image is kept when its label lists today's packages, made again otherwise (an
    /// older mxgp's base had no Postfix), and a made base is labelled.
    @Test func baseImageIsMadeAgainWhenItsPackagesDiffer() async throws {
        for (label, remade) in [(LabImageBuilder.packageList, false), ("iproute2,iptables", true), ("<no value>", true)] {
            let docker = FakeDocker([(LabImageBuilder.basePackagesQuery, CommandResult(status: 0, stdout: label + "\n"))])
            try await LabImageBuilder(binary: "/bin/false", composeRoot: "/nonexistent", runner: docker).ensureBase(progress: { _ in })
            let build = docker.commands.first { $0.starts(with: ["docker", "build"]) }
            #expect((build != nil) == remade, "label \(label)")
            if let build { #expect(build.contains("\(LabImageBuilder.packagesLabel)=\(LabImageBuilder.packageList)")) }
        }
    }

    @Test func fallsBackToDockerComposeV1() async throws {
        let docker = FakeDocker([(["docker", "compose"], CommandResult(status: 1, stderr: "docker: unknown command: docker compose"))] + FakeDocker.engine)
        let backend = ComposeBackend(root: "/x/compose", directory: LabDirectory(root: "/x/labs"), runner: docker)
        #expect(try await backend.composeCommand() == ["docker-compose"])
    }

    @Test func statusLineIsParsed() throws {
        let parsed = try ComposeBackend.parseStatusLine("404\n{\"error\": \"no such peer\"}\n", node: "up1")
        #expect(parsed.status == 404 && parsed.body == "{\"error\": \"no such peer\"}\n")
        #expect(throws: LabError.self) { try ComposeBackend.parseStatusLine("Usage: mxgp ctl", node: "up1") }
    }

    @Test func generateOnlyWritesTheFolder() throws {
        let (root, controller) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try controller(FakeDocker()).generateCompose(topologyFile: try Self.quickstartCopy(in: root))
        #expect(folder == root + "/compose/composetest")
        let copy = try String(contentsOfFile: folder + "/topology.yaml", encoding: .utf8)
        #expect(ComposeFiles.addressBlock(topologyCopy: copy) == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/pki"))
        // The verify service opens the lab from the folder alone.
        let lab = try controller(FakeDocker()).open("composetest")
        #expect(lab.state.backend == .compose && lab.plan.nodes.count == 7)
    }

    /// Which libraries of `ldd` output go into a host-built image: the toolchain's, not the system's.
    @Test func toolchainLibrariesAreTheNonSystemOnes() {
        let ldd = """
            \tlinux-vdso.so.1 (0x00007ffd)
            \tlibswiftCore.so => /opt/swift/usr/lib/swift/linux/libswiftCore.so (0x00007f)
            \tlibsqlite3.so.0 => /lib/x86_64-linux-gnu/libsqlite3.so.0 (0x00007f)
            \tlibFoundation.so => /opt/swift/usr/lib/swift/linux/libFoundation.so (0x00007f)
            \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f)
            """
        #expect(LabImageBuilder.toolchainLibraries(ldd: ldd) == ["/opt/swift/usr/lib/swift/linux/libswiftCore.so", "/opt/swift/usr/lib/swift/linux/libFoundation.so"])
    }
}
