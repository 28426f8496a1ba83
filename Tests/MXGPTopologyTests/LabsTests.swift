import Foundation
import MXGPCore
import Testing
@testable import MXGPTopology

@Suite("Labs files")
struct LabsTests {
    static let expected: [(file: String, nodes: Int, links: Int)] = [
        ("quickstart.yaml", 7, 7),
        ("tiers.yaml", 20, 29),
        ("route-leak.yaml", 7, 7),
        ("cheaper-longer.yaml", 7, 7),
        ("large-50.yaml", 50, 78),
        ("hijack.yaml", 6, 5),
        ("hijack-protected.yaml", 6, 5),
        ("overload.yaml", 7, 7),
    ]

    /// Labs whose Tier 1s are a partial mesh on purpose (docs/EXERCISES.md, "Today's email beside MXGP").
    static let partialMesh: Set<String> = ["mesh-mxgp.yaml", "mesh-postfix.yaml"]

    @Test("every Labs/*.yaml parses without errors or warnings")
    func allLabsParse() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: labsDirectory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= Self.expected.count)
        for file in files {
            let path = labsDirectory.appendingPathComponent(file).path
            do {
                let result = try Topology.load(path: path)
                // The non-hierarchical labs leave two Tier 1s unpeered on purpose (a partial mesh).
                let allowed: Set<ConfigFileError.Kind> = Self.partialMesh.contains(file) ? [.tier1NotMeshed] : []
                let warnings = result.warnings.filter { !allowed.contains($0.kind) }
                #expect(warnings.isEmpty, "\(file): \(warnings.map(\.description).joined(separator: "\n"))")
                #expect(result.topology.name + ".yaml" == file, "the name of \(file) should match its file name")
                #expect(result.topology.diagnostics(file: file).filter { !allowed.contains($0.kind) }.isEmpty)
            } catch {
                Issue.record("\(file):\n\(error)")
            }
        }
    }

    @Test("overload.yaml: only up1 watches its load, with low watermarks")
    func overloadLab() throws {
        let topology = try Topology.load(path: labsDirectory.appendingPathComponent("overload.yaml").path).topology
        #expect(topology.node(named: "up1")?.overload == OverloadSettings(queueHigh: 3, queueLow: 0, hold: .seconds(2)))
        #expect(topology.nodes.filter { $0.overload != nil }.map(\.name) == ["up1"])
    }

    @Test("lab sizes", arguments: LabsTests.expected.map(\.file))
    func sizes(_ file: String) throws {
        let entry = try #require(Self.expected.first { $0.file == file })
        let topology = try Topology.load(path: labsDirectory.appendingPathComponent(file).path).topology
        #expect(topology.nodes.count == entry.nodes)
        #expect(topology.links.count == entry.links)
    }

    @Test("quickstart: colo1 is multi-homed to both upstreams at different prices")
    func quickstart() throws {
        let topology = try Topology.load(path: labsDirectory.appendingPathComponent("quickstart.yaml").path).topology
        let providers = topology.neighbours(of: "colo1").filter { $0.relationship == .provider }
        #expect(providers.map(\.node.name) == ["up1", "up2"])
        #expect(Set(providers.map(\.price)).count == 2)
        #expect(topology.nodes.filter { $0.role == .colo }.allSatisfy { !$0.domains.isEmpty })
    }

    @Test("cheaper-longer: the cheaper upstream is the one with the longer way up")
    func cheaperLonger() throws {
        let topology = try Topology.load(path: labsDirectory.appendingPathComponent("cheaper-longer.yaml").path).topology
        let providers = topology.neighbours(of: "src").sorted { $0.price < $1.price }
        #expect(providers.map(\.node.name) == ["cheap", "pricey"])
        #expect(topology.neighbours(of: "cheap").first { $0.node.name == "mid" }?.relationship == .provider)
    }

    @Test("route-leak: the leaky colo has two providers and an export policy")
    func routeLeak() throws {
        let topology = try Topology.load(path: labsDirectory.appendingPathComponent("route-leak.yaml").path).topology
        let leaky = try #require(topology.node(named: "leaky"))
        #expect(topology.neighbours(of: "leaky").map(\.relationship) == [.provider, .provider])
        #expect(leaky.policy.exportPolicy.rules.first?.match.relationship == .provider)
    }
}
