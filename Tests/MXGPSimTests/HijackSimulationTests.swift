import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// The hijack labs in the simulation: without origin validation the hijacker wins, with it
/// the forged origin is refused (and named) and the real owner keeps its mail.
@Suite struct HijackSimulationTests {
    @Test func withoutOriginValidationTheHijackerWins() throws {
        let result = Simulation(topology: try lab("hijack.yaml")).run()
        #expect(result.converged)
        #expect(route(result, "up1", "bank.example")?.nextHop == "evil")
        #expect(route(result, "sender", "bank.example")?.path == [100, 64666])
        #expect(route(result, "sender", "bank.example")?.validation == nil)
        #expect(result.ineligible.isEmpty)
    }

    @Test func withOriginValidationTheForgedOriginIsRefused() throws {
        let topology = try lab("hijack-protected.yaml")
        #expect(topology.originValidation?.leaveOut == ["evil"])
        let result = Simulation(topology: topology).run()
        #expect(result.converged)
        let up1 = try #require(route(result, "up1", "bank.example"))
        #expect(up1.nextHop == "t1" && up1.path == [1, 200, 64501] && up1.validation == .valid)
        #expect(up1.alternates.isEmpty)
        #expect(route(result, "sender", "bank.example")?.path == [100, 1, 200, 64501])
        // evil's own domain is not registered: NotFound, still reachable.
        #expect(route(result, "sender", "evil.example")?.validation == .notFound)
        #expect(result.ineligible["up1"] == [
            IneligibleRoute(domain: DomainName("bank.example")!, neighbour: "evil", path: [64666], reason: .originInvalid),
        ])
        #expect(result.ineligible.keys.sorted() == ["up1"])
    }

    @Test func theLabRegistryLeavesOutHijacksAndLeftOutNodes() throws {
        let registry = try #require(try lab("hijack-protected.yaml").originRegistry)
        #expect(registry.entries.map(\.description) == ["64501 bank.example max-depth 0 countries US", "64510 sender.example max-depth 0 countries US"])
        let everyone = try lab("hijack.yaml").originRegistry(leaveOut: [])
        // Even without leave-out, a `hijack:` domain is never authorised for the hijacker.
        #expect(everyone.validate(domain: DomainName("bank.example")!, origin: 64666) == .invalid)
        #expect(everyone.validate(domain: DomainName("evil.example")!, origin: 64666) == .valid)
    }
}
