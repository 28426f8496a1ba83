import Foundation
import MXGPCore
import Testing
@testable import MXGPTopology

/// Parses `yaml` and returns the errors it throws (empty when it parses).
func topologyErrors(_ yaml: String, file: String = "test.yaml") -> [ConfigFileError] {
    do {
        _ = try Topology.parse(yaml: yaml, file: file)
        return []
    } catch {
        return error.errors
    }
}

/// Parses `yaml`, recording a test issue with the errors when it fails.
func parsed(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> TopologyParseResult? {
    do {
        return try Topology.parse(yaml: yaml, file: "test.yaml")
    } catch {
        Issue.record("unexpected errors:\n\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The repository's `Labs` directory, found from this file's path.
var labsDirectory: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Labs")
}

/// The test fixtures directory (a copied resource).
var fixturesDirectory: URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
}

/// A valid three-node topology; lines: 1 name, 2 nodes, 3 t1a, 4 up1, 5 colo1, 6 links, 7–8 links.
let validBase = """
    name: base
    nodes:
      t1a: { role: tier1, operator: 1, region: US }
      up1: { role: upstream, operator: 100, region: US }
      colo1: { role: colo, operator: 64501, region: US, domains: [a.example] }
    links:
      - { a: up1, b: t1a }
      - { a: colo1, b: up1, price: 3 }

    """
