import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// Today's email beside MXGP, for real (root, Postfix installed): the fiber-cut comparison of
/// `Labs/scenarios/compare/fiber-cut.yaml` on `Labs/hierarchy-postfix.yaml` (with Postfix's
/// timers shortened, so each run stays near a minute and a half) and `Labs/hierarchy-mxgp.yaml`,
/// with the MX-style fallback relays (Postfix's delay is its connect timeout) and without them
/// (Postfix's delay is its retry timers).
@Suite(.serialized) struct NetnsPostfixTests {
    static let enabled = geteuid() == 0 && PostfixInstance.installed

    /// Postfix's timers for the test: connect timeout 5 s (default 30), queue run and minimal
    /// backoff 10 s (default 300), maximal backoff 20 s (default 4000).
    static let shortTimers = "postfix: { queue_run_delay: 10s, minimal_backoff_time: 10s, maximal_backoff_time: 20s, smtp_connect_timeout: 5s }\n"

    @Test(.enabled(if: enabled, "needs root (network namespaces) and Postfix (apt-get install -y postfix)"), arguments: [true, false])
    func fiberCutComparison(backupRelays: Bool) async throws {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-pfcompare-\(name)"
        let controller = try LabController.testing(folder)
        // Also on failure: every lab of this test down (its Postfix processes with it), the folder gone.
        func cleanUp() async {
            for side in 1...2 { try? await controller.down("\(name)-\(side)") }
            try? FileManager.default.removeItem(atPath: folder)
        }
        do { try await compare(name: name, folder: folder, controller: controller, backupRelays: backupRelays) } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    func compare(name: String, folder: String, controller: LabController, backupRelays: Bool) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let labs = TestBinary.repository.appendingPathComponent("Labs").path
        let postfix = folder + "/hierarchy-postfix.yaml"
        let timers = backupRelays ? Self.shortTimers : Self.shortTimers.replacingOccurrences(of: "postfix: { ", with: "postfix: { backup-relays: false, ")
        try (String(contentsOfFile: "\(labs)/hierarchy-postfix.yaml", encoding: .utf8) + timers).write(toFile: postfix, atomically: true, encoding: .utf8)
        let run = ScenarioRun(controller: controller, scenarioPath: "\(labs)/scenarios/compare/fiber-cut.yaml", runsDirectory: folder + "/runs", labName: name)
        let comparison = try await run.compare([postfix, "\(labs)/hierarchy-mxgp.yaml"], progress: { _ in }, step: { _ in })
        let (today, mxgp) = (comparison.sides[0], comparison.sides[1])
        print(comparison.text)
        #expect(today.mta == "postfix" && mxgp.mta == "mxgp")
        for side in [today, mxgp] {
            #expect(side.accepted == 40 && side.delivered == 40 && side.lost == 0 && side.duplicated == 0 && side.queuedAtEnd == 0, "\(side.mta): \(side)")
        }
        let todayMax = try #require(today.delayMax), todayMedian = try #require(today.delayMedian)
        let mxgpMedian = try #require(mxgp.delayMedian), mxgpMax = try #require(mxgp.delayMax)
        if backupRelays {
            // Postfix waits out its connect timeout (5 s here) on the dead relayhost for each message
            // sent during the cut, then takes its fallback relay; MXGP moved its route within about a second.
            #expect(todayMax >= 4.5, "Postfix's longest delay \(todayMax) s is shorter than its 5 s connect timeout")
        } else {
            // No fallback relay: each message sent during the cut waits out the connect timeout (5 s),
            // is deferred, and goes to up1 on a queue retry after the heal (backoff 10–20 s here), so
            // most of the stream waits at least a minimal backoff, and none leaves the static path.
            // MXGP takes up3, a path no static table of this lab lists.
            #expect(todayMedian >= 10, "Postfix's median delay \(todayMedian) s is shorter than its 10 s minimal backoff")
            #expect(todayMax >= 15, "Postfix's longest delay \(todayMax) s is shorter than its connect timeout plus a minimal backoff")
            #expect(today.offPrimaryPaths == 0 && today.offStaticPaths == 0, "Postfix: \(today)")
            #expect(mxgp.offStaticPaths > 0, "MXGP never left the static tables' paths: \(mxgp)")
        }
        #expect(mxgpMedian <= 2, "MXGP's median delay \(mxgpMedian) s")
        // MXGP's in-flight messages at the cut wait out its 5 s transaction timeout too; the rest do not.
        #expect(mxgpMedian < todayMedian, "median MXGP \(mxgpMedian) s (max \(mxgpMax) s) vs Postfix \(todayMedian) s (max \(todayMax) s)")
        for file in ["compare.txt", "compare.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(comparison.folder)/\(file)"), "\(file) missing")
        }
        #expect(FileManager.default.fileExists(atPath: today.runFolder + "/report.json") && FileManager.default.fileExists(atPath: mxgp.runFolder + "/report.json"))
        // Both labs are down: no namespace, no Postfix process of this test's folder.
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)").isEmpty)
        let leftover = await ProcessRunner().run(["pgrep", "-f", folder], timeout: .seconds(10))
        #expect(leftover.stdout.isEmpty, "processes left: \(leftover.stdout)")
    }

    /// A Postfix lab on its own: verify along the static tables' path, then the faults that must
    /// work on Postfix nodes — smtp-tempfail (refused connections: colo1 takes its fallback up3),
    /// kill and heal (master and its daemons gone, then back), and a clean heal and down.
    @Test(.enabled(if: enabled, "needs root (network namespaces) and Postfix (apt-get install -y postfix)"))
    func faultsOnPostfixNodes() async throws {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-pffaults-\(name)"
        let controller = try LabController.testing(folder)
        do { try await faults(name: name, folder: folder, controller: controller) } catch {
            try? await controller.down(name)
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        try await controller.down(name)
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)-").isEmpty)
        let leftover = await ProcessRunner().run(["pgrep", "-f", folder], timeout: .seconds(10))
        #expect(leftover.stdout.isEmpty, "processes left: \(leftover.stdout)")
        try? FileManager.default.removeItem(atPath: folder)
    }

    func faults(name: String, folder: String, controller: LabController) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let topology = folder + "/hierarchy-postfix.yaml"
        let labs = TestBinary.repository.appendingPathComponent("Labs").path
        try (String(contentsOfFile: "\(labs)/hierarchy-postfix.yaml", encoding: .utf8) + Self.shortTimers).write(toFile: topology, atomically: true, encoding: .utf8)
        let lab = try await controller.up(topologyFile: topology, name: name, progress: { _ in })
        try await lab.waitForConvergence(timeout: .seconds(60))
        try await Self.faultStory(lab)
    }

    /// The story of ``faultsOnPostfixNodes()`` on a lab of `hierarchy-postfix.yaml` with
    /// ``shortTimers`` that is up (any backend; ContainerLabTests runs it on compose).
    static func faultStory(_ lab: Lab) async throws {
        var lab = lab
        let verify = await LabVerifier(lab: lab, timeout: .seconds(30)).run()
        #expect(verify.passed, "\(verify.probes.map { "\($0.from)>\($0.to): \($0.verdict) \($0.path) expected \($0.expected) \($0.problem ?? "")" })")
        #expect(verify.probes.first { $0.from == "colo1" }?.path == ["colo1", "up1", "t1a", "t1b", "up2", "colo2"])
        #expect(try await lab.queueDepth("t1a") == 0)
        await #expect(throws: LabError.self) { try await lab.liveRoutes("colo1") }

        func send(_ subject: String) async -> Bool {
            await lab.backend.exec(lab.plan, node: "colo1", [lab.backend.nodeBinary(lab.state), "send", "--server", "127.0.0.1:25",
                                   "--from", "t@alice.example", "--to", "bob@bob.example", "--subject", subject], timeout: .seconds(20)).succeeded
        }
        func arrived(_ subject: String) async throws -> [String]? {
            for _ in 0..<250 {  // up to 50 s: a deferred message waits for its backoff (10–20 s here)
                if let message = try await lab.mailbox("colo2", "bob@bob.example").first(where: { $0.subject.hasPrefix(subject) }) { return message.hops }
                try await Task.sleep(for: .milliseconds(200))
            }
            return nil
        }

        // smtp-tempfail on up1: its SMTP port refuses connections; colo1 falls back to up3 at once.
        lab = try await LabFaults(lab: lab).apply(.smtpTempfail(node: "up1", percent: 100))
        #expect(await send("tempfail"))
        let hops = try await arrived("tempfail")
        #expect(hops?.prefix(2) == ["colo1", "up3"], "hops: \(hops ?? [])")

        // kill up2: Postfix's master and every daemon of the node end; heal starts it again.
        lab = try await LabFaults(lab: lab).apply(.kill(node: "up2"))
        #expect(await lab.backend.state(lab.plan, node: "up2") == .stopped)
        if lab.state.backend == .netns { #expect(NetnsBackend.pids(inNamespaces: [lab.plan.node("up2")!.namespace]).isEmpty) }
        #expect(await send("killed"))
        let (healed, undone) = try await LabFaults(lab: lab).healAll()
        lab = healed
        #expect(Set(undone.map(\.description)) == ["smtp-tempfail up1 100%", "kill up2"])
        #expect(await lab.backend.state(lab.plan, node: "up2") == .running)
        // The message (sent while up1 still refused: via up3) deferred at t1b while up2 was down
        // arrives after a retry (backoff 10–20 s).
        let late = try await arrived("killed")
        #expect(late == ["colo1", "up3", "t1a", "t1b", "up2", "colo2"], "hops: \(late ?? [])")
        #expect(await LabFaults(lab: lab).leftovers().isEmpty)
    }
}
