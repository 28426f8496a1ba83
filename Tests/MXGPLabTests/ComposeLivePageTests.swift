import Foundation
import MXGPLab
import Testing
@testable import MXGPLabUI

/// The live page (`mxgp lab ui`) on a container lab: its poller reaches every node through
/// `docker exec`, and a fault applied the way `mxgp lab fault` applies it shows on the page.
extension ContainerLabTests {
    /// Runs the page's poller and fault watcher against `lab` (as `lab ui` does): every node
    /// running with every session established; a cut made through ``LabFaults`` on the page
    /// within 2 s and the cut session down on it; then heals.
    static func livePageStory(_ lab: Lab) async throws -> Lab {
        let hub = LabUIHub()
        let poller = LabUIPoller(lab: lab, hub: hub, interval: .milliseconds(500), wake: WakeFlag())
        let running = Task { await poller.loop() }
        defer { running.cancel() }
        let names = Set(lab.plan.nodes.map(\.name))
        let settled = try await poll(seconds: 30) {
            let nodes = await hub.snapshot.nodes
            return Set(nodes.keys) == names && nodes.values.allSatisfy { $0.process == "running" && !$0.sessions.isEmpty && $0.sessions.values.allSatisfy { $0 == "established" } }
        }
        let seen = await hub.snapshot
        #expect(settled, "the page never showed every node with every session established: \(seen.nodes)")

        let cut = try await LabFaults(lab: lab).apply(.cut(a: "colo1", b: "up1", from: nil))
        let applied = ContinuousClock.now
        let shown = try await poll(seconds: 2) { await hub.snapshot.faults.contains { $0.text == "cut colo1 up1" } }
        let faults = await hub.snapshot.faults
        #expect(shown, "the cut was not on the page within 2 s: \(faults)")
        print("compose live page: the cut showed \(ContinuousClock.now - applied) after it was applied")
        let down = try await poll(seconds: 20) { await hub.snapshot.nodes["colo1"]?.sessions["up1"] != "established" }
        #expect(down, "colo1's session to up1 stayed established on the page")
        let (healed, _) = try await LabFaults(lab: cut).healAll()
        let cleared = try await poll(seconds: 2) { await hub.snapshot.faults.isEmpty }
        #expect(cleared, "the healed cut stayed on the page")
        return healed
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func poll(seconds: Double, _ condition: () async -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}
