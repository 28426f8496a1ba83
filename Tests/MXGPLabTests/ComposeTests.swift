import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// The compose backend without a docker engine: the generated files (golden), their validity
/// for `docker-compose config` / `docker compose config`, the committed `compose/<lab>/`
/// files, and the docker commands the backend runs (through a recording runner).
@Suite struct ComposeTests {
    /// Topologies whose compose files are committed in `compose/<lab>/` (large-50 is not: 50 services).
    static let committed = ["quickstart", "cheaper-longer", "route-leak", "tiers"]

    static func plan(_ lab: String) throws -> LabPlan {
        try LabPlanner.plan(LabPlanTests.topology("\(lab).yaml"), layout: ComposeFiles.layout)
    }

    @Test func composeFileOfQuickstartMatchesGolden() throws {
        try Golden.check(ComposeFiles.composeYAML(try Self.plan("quickstart"), topologyFile: "Labs/quickstart.yaml"), "quickstart.compose.yml")
    }

    @Test func stackFileOfQuickstartMatchesGolden() throws {
        let plan = try LabPlanner.plan(LabPlanTests.topology("quickstart.yaml"), layout: SwarmFiles.layout)
        try Golden.check(SwarmFiles.stackYAML(plan, topologyFile: "Labs/quickstart.yaml"), "quickstart.stack.yml")
        try Golden.check(ComposeFiles.entrypoint(plan, node: plan.node("colo1")!, swarm: true), "quickstart-colo1.swarm.sh")
    }

    @Test func entrypointAndConfigOfColo1MatchGolden() throws {
        let plan = try Self.plan("quickstart")
        let colo1 = plan.node("colo1")!
        try Golden.check(ComposeFiles.entrypoint(plan, node: colo1), "quickstart-colo1.compose.sh")
        try Golden.check(colo1.config.yamlText, "quickstart-colo1.compose.yaml")
    }

    /// A Postfix node (`mta: postfix`): its entrypoint ends in `run_postfix`, the compose file
    /// mounts its Postfix files, the stack gives them as configs.
    @Test func postfixNodeFilesMatchGolden() throws {
        let plan = try Self.plan("hierarchy-postfix")
        try Golden.check(ComposeFiles.entrypoint(plan, node: plan.node("colo1")!), "hierarchy-postfix-colo1.compose.sh")
        let compose = ComposeFiles.composeYAML(plan, topologyFile: "Labs/hierarchy-postfix.yaml")
        for node in plan.nodes {
            #expect(compose.contains("      - ./nodes/\(node.name).postfix:/etc/mxgp/nodes/\(node.name).postfix:ro    # mta: postfix\n"))
        }
        let swarm = try LabPlanner.plan(LabPlanTests.topology("hierarchy-postfix.yaml"), layout: SwarmFiles.layout)
        try Golden.check(SwarmFiles.stackYAML(swarm, topologyFile: "Labs/hierarchy-postfix.yaml"), "hierarchy-postfix.stack.yml")
    }

    /// The node files of a Postfix lab: each Postfix node's folder has the files PostfixConfig renders.
    @Test func nodeFilesOfAPostfixLabHoldItsPostfixFiles() throws {
        let plan = try Self.plan("mesh-postfix")
        let folder = NSTemporaryDirectory() + "mxgp-nodefiles-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ComposeBackend.writeNodeFiles(plan, into: folder)
        for node in plan.nodes {
            let config = PostfixConfig.render(plan, node: node.name)
            let written = try PostfixConfig.fileNames.map { try String(contentsOfFile: "\(folder)/nodes/\(node.name).postfix/\($0)", encoding: .utf8) }
            #expect(written == [config.mainCF, config.masterCF, config.transport])
            #expect(config.mainCF.contains("queue_directory = /var/lib/mxgp/\(node.name)/queue\n"))
        }
    }

    /// An interface that cannot be named after its peer (a peer called `lo`) keeps `l<link>`.
    @Test func entrypointUsesLinkNameWhenPeerNameIsTaken() throws {
        let topology = try Topology.parse(yaml: """
            name: taken
            nodes:
              a: { role: upstream, operator: 10, region: US }
              lo: { role: upstream, operator: 20, region: US }
              b: { role: colo, operator: 64500, region: US, domains: [b.example] }
            links:
              - { a: b, b: a }
              - { a: b, b: lo, price: 2 }
            """).topology
        let plan = try LabPlanner.plan(topology, layout: ComposeFiles.layout)
        let script = ComposeFiles.entrypoint(plan, node: plan.node("b")!)
        #expect(script.contains("claim 10.77.0.0/29 mxgp-l0") && script.contains("claim 10.77.0.8/29 mxgp-l1"))
        #expect(script.contains("name mxgp-l0 a 10.77.0.2\n") && script.contains("name mxgp-l1 l1 10.77.0.10\n"))
    }

    /// The functions every entrypoint sources are valid sh.
    @Test func entrypointLibraryIsValidShell() async {
        let syntax = await ProcessRunner().run(["sh", "-n", ComposeEntrypointTests.library])
        #expect(syntax.succeeded, "\(syntax.message)")
    }

    /// Every entrypoint of every lab topology is valid sh (`sh -n`), names every interface, and
    /// the compose file gives every node's address on its link's network.
    @Test(arguments: ["quickstart", "cheaper-longer", "route-leak", "tiers", "large-50", "hierarchy-postfix", "mesh-postfix"])
    func generatedFilesAreConsistent(lab: String) async throws {
        let plan = try Self.plan(lab)
        let compose = ComposeFiles.composeYAML(plan, topologyFile: "Labs/\(lab).yaml")
        for node in plan.nodes {
            let script = ComposeFiles.entrypoint(plan, node: node)
            let path = NSTemporaryDirectory() + "mxgp-compose-\(lab)-\(node.name).sh"
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let syntax = await ProcessRunner().run(["sh", "-n", path])
            #expect(syntax.succeeded, "\(lab)/\(node.name).sh: \(syntax.message)")
            #expect(script.contains(". \"${MXGP_ENTRYPOINT_LIB:-\(ComposeFiles.entrypointLibrary)}\""))
            for interface in node.interfaces {
                #expect(script.contains(" \(interface.name) \(interface.address)\n"))
                #expect(compose.contains("ipv4_address: \(interface.address)\n"))
            }
        }
        #expect(compose.components(separatedBy: "internal: true").count - 1 == plan.links.count)
        // The swarm stack: the same nodes and links, overlays with Docker's own /28s.
        let stack = SwarmFiles.stackYAML(try LabPlanner.plan(LabPlanTests.topology("\(lab).yaml"), layout: SwarmFiles.layout), topologyFile: "Labs/\(lab).yaml")
        #expect(stack.components(separatedBy: "driver: overlay").count - 1 == plan.links.count)
        #expect(!stack.contains("ports:") && !stack.contains("ipv4_address"), "nothing published, no fixed addresses in a stack")
        #expect(!compose.contains("ports:"), "nothing may be published")
    }

    /// `compose/<lab>/` in the repository is what `mxgp lab up Labs/<lab>.yaml --backend compose
    /// --generate-only` writes (`MXGP_UPDATE_GOLDEN=1` rewrites it); certificates are never committed.
    @Test(arguments: committed)
    func committedComposeFilesAreCurrent(lab: String) throws {
        let plan = try Self.plan(lab)
        let folder = TestBinary.repository.appendingPathComponent("compose/\(lab)")
        let source = try String(contentsOf: TestBinary.repository.appendingPathComponent("Labs/\(lab).yaml"), encoding: .utf8)
        var files = ["docker-compose.yml": ComposeFiles.composeYAML(plan, topologyFile: "Labs/\(lab).yaml"),
                     ComposeFiles.topologyFile: ComposeFiles.topologyCopy(plan, text: source)]
        for node in plan.nodes {
            files[ComposeFiles.configFile(node.name)] = node.config.yamlText
            files["nodes/\(node.name).sh"] = ComposeFiles.entrypoint(plan, node: node)
        }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            if let mismatch = try GoldenFile.mismatch(text, directory: folder, name: name) { Issue.record(Comment(rawValue: mismatch)) }
        }
        let tracked = try String(contentsOf: TestBinary.repository.appendingPathComponent("compose/.gitignore"), encoding: .utf8)
        #expect(tracked.contains("/*/pki/"))
    }

    // MARK: - docker-compose config

    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false }
    static var canRequireDockerCompose: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-compose") || geteuid() == 0 || inCI
    }

    /// Debian's `docker-compose` (v1) accepts every compose file, committed and generated; so does
    /// `docker compose` (v2) where the plugin is installed, and `docker stack config` (the
    /// loader of `docker stack deploy`) accepts every stack file where the docker CLI has it. CI installs docker-compose
    /// (`.ci/run`, `Scripts/bootstrap`), so there a missing one fails the test.
    @Test(.enabled(if: canRequireDockerCompose, "docker-compose is not installed and this is neither root nor CI: install it with apt-get install -y --no-install-recommends docker-compose (or run Scripts/bootstrap as root) to check the compose files"))
    func composeFilesPassDockerComposeConfig() async throws {
        let runner = ProcessRunner()
        guard await runner.run(["docker-compose", "version"]).succeeded else {
            Issue.record("docker-compose is missing: install it with `apt-get install -y --no-install-recommends docker-compose` (Scripts/bootstrap does); the compose files cannot be checked without it")
            return
        }
        let v2 = await runner.run(["docker", "compose", "version"]).succeeded
        // `docker stack config` loads a file as `docker stack deploy` does, without an engine (Docker CLI 20.10+).
        let stack = await runner.run(["docker", "stack", "config", "--help"]).succeeded
        var files = Self.committed.map { TestBinary.repository.appendingPathComponent("compose/\($0)/docker-compose.yml").path }
        let scratch = NSTemporaryDirectory() + "mxgp-compose-config-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var stackFiles: [String] = []
        for lab in ["quickstart", "cheaper-longer", "route-leak", "tiers", "large-50", "hierarchy-postfix"] {
            let path = "\(scratch)/\(lab)/docker-compose.yml"
            try FileManager.default.createDirectory(atPath: "\(scratch)/\(lab)/pki", withIntermediateDirectories: true)
            try ComposeFiles.composeYAML(try Self.plan(lab), topologyFile: "Labs/\(lab).yaml").write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
            let swarm = try LabPlanner.plan(LabPlanTests.topology("\(lab).yaml"), layout: SwarmFiles.layout)
            try ComposeBackend.writeNodeFiles(swarm, into: "\(scratch)/\(lab)", swarm: true)
            try SwarmFiles.stackYAML(swarm, topologyFile: "Labs/\(lab).yaml").write(toFile: "\(scratch)/\(lab)/stack.yml", atomically: true, encoding: .utf8)
            stackFiles.append("\(scratch)/\(lab)/stack.yml")
        }
        for file in files {
            let v1 = await runner.run(["docker-compose", "-f", file, "config", "-q"], timeout: .seconds(60))
            #expect(v1.succeeded, "docker-compose config -q \(file): \(v1.message)")
            if v2 {
                let result = await runner.run(["docker", "compose", "-f", file, "config", "-q"], timeout: .seconds(60))
                #expect(result.succeeded, "docker compose config -q \(file): \(result.message)")
            }
        }
        // The stack files, as `docker stack deploy` loads them.
        for file in stackFiles where stack {
            let result = await runner.run(["docker", "stack", "config", "-c", file], timeout: .seconds(60))
            #expect(result.succeeded, "docker stack config -c \(file): \(result.message)")
        }
    }
}

/// The entrypoint run for real, as root, in a network namespace dressed up as Docker leaves a
/// container: interfaces `eth0`, `eth1`… with the planned addresses, in another order than the
/// plan's. `mxgp` is a stub that prints its arguments.
@Suite(.serialized) struct ComposeEntrypointTests {
    /// The functions the image installs, from the repository.
    static let library = TestBinary.repository.appendingPathComponent("compose/entrypoint-lib.sh").path

    @Test(.enabled(if: geteuid() == 0, "needs root for a network namespace"))
    func entrypointRenamesRoutesAndCreatesChains() async throws {
        let plan = try ComposeTests.plan("quickstart")
        let up1 = plan.node("up1")!
        let namespace = "mxgp-test-c" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + namespace
        let runner = ProcessRunner()
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: folder)
        }
        try "#!/bin/sh\necho \"mxgp $*\"\n".write(toFile: folder + "/bin/mxgp", atomically: true, encoding: .utf8)
        _ = await runner.run(["chmod", "+x", folder + "/bin/mxgp"])
        try ComposeFiles.entrypoint(plan, node: up1).replacingOccurrences(of: "mkdir -p /var/lib/mxgp /run/mxgp\n", with: "")
            .replacingOccurrences(of: #"wait_for [^\n]*\n"#, with: "", options: .regularExpression)  // no pki service here
            .write(toFile: folder + "/up1.sh", atomically: true, encoding: .utf8)
        try await runner.check(["ip", "netns", "add", namespace])
        do {
            // Docker's order: the last link first.
            for (index, interface) in up1.interfaces.reversed().enumerated() {
                try await runner.check(["ip", "-n", namespace, "link", "add", "eth\(index)", "type", "veth", "peer", "name", "peer\(index)"])
                try await runner.check(["ip", "-n", namespace, "link", "set", "peer\(index)", "up"])
                try await runner.check(["ip", "-n", namespace, "addr", "add", "\(interface.address)/29", "dev", "eth\(index)"])
                try await runner.check(["ip", "-n", namespace, "link", "set", "eth\(index)", "up"])
            }
            let run = await runner.run(["ip", "netns", "exec", namespace, "env", "PATH=\(folder)/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                        "MXGP_ENTRYPOINT_LIB=\(Self.library)", "sh", folder + "/up1.sh"], timeout: .seconds(30))
            #expect(run.succeeded, "\(run.message)")
            #expect(run.stdout == "mxgp node --config /etc/mxgp/nodes/up1.yaml\n")
            // Twice, as a restarted container would (every step can run again).
            let again = await runner.run(["ip", "netns", "exec", namespace, "env", "PATH=\(folder)/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                          "MXGP_ENTRYPOINT_LIB=\(Self.library)", "sh", folder + "/up1.sh"], timeout: .seconds(30))
            #expect(again.succeeded, "\(again.message)")
            let addresses = try await runner.check(["ip", "-n", namespace, "-o", "-4", "addr", "show"])
            for interface in up1.interfaces {
                #expect(addresses.contains(" \(interface.name)    inet \(interface.address)/29"), "\(addresses)")
            }
            #expect(addresses.contains("lo    inet \(up1.serviceAddress)/32"))
            let routes = try await runner.check(["ip", "-n", namespace, "route", "show"])
            for interface in up1.interfaces {
                #expect(routes.contains("\(interface.peerServiceAddress) via \(interface.peerAddress) dev \(interface.name) src \(interface.address)"), "\(routes)")
            }
            let rules = try await runner.check(["ip", "netns", "exec", namespace, "iptables", "-w", "-S"])
            #expect(rules.components(separatedBy: "-A INPUT -j MXGP-IN").count == 2, "\(rules)")
            #expect(rules.components(separatedBy: "-A OUTPUT -j MXGP-OUT").count == 2, "\(rules)")
        } catch {
            _ = await runner.run(["ip", "netns", "del", namespace])
            throw error
        }
        try await runner.check(["ip", "netns", "del", namespace])
    }
}
