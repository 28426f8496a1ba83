import Foundation
import MXGPCore
import MXGPPKI
import MXGPTopology
import Testing
@testable import MXGPLab

/// Labs of a topology with `origin-validation:` sign a registry and configure it on every node.
@Suite struct LabRegistryTests {
    @Test func protectedLabSignsARegistryEveryNodeVerifies() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-labreg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let topology = try LabPlanTests.topology("hijack-protected.yaml")
        let plan = try LabPlanner.plan(topology, layout: .rooted(at: root))
        try LabFiles.write(plan, configDirectory: plan.layout.configDirectory, pkiDirectory: plan.layout.pkiDirectory)
        for node in plan.nodes {
            let files = try #require(node.config.originValidation, "node \(node.name)")
            #expect(files.registry == "\(root)/pki/registry.json" && files.publicKey == "\(root)/pki/registry.pub")
            let registry = try OriginRegistryFiles.loadVerified(registry: files.registry, publicKey: files.publicKey)
            #expect(registry == topology.originRegistry)
            #expect(registry.validate(domain: DomainName("bank.example")!, origin: 64666) == .invalid)
        }
        // A second `up` keeps the lab's key and signs again.
        let key = try String(contentsOfFile: "\(root)/pki/registry.key", encoding: .utf8)
        try LabFiles.write(plan, configDirectory: plan.layout.configDirectory, pkiDirectory: plan.layout.pkiDirectory)
        #expect(try String(contentsOfFile: "\(root)/pki/registry.key", encoding: .utf8) == key)
    }

    @Test func labsWithoutOriginValidationGetNoRegistry() throws {
        let plan = try LabPlanner.plan(LabPlanTests.topology("hijack.yaml"), layout: .rooted(at: "/run/mxgp/labs/hijack"))
        #expect(plan.nodes.allSatisfy { $0.config.originValidation == nil })
    }
}
