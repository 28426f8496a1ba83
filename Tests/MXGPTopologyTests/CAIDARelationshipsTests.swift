import MXGPCore
import Testing
@testable import MXGPTopology

@Suite struct CAIDARelationshipsTests {
    /// Good files: comments, serial-1 and serial-2 lines, blank lines, CRLF.
    @Test(arguments: [
        ("# source:topology|BGP\n1|2|-1|bgp\n1|3|0|mlp\n", 2),
        ("1|2|-1\n2|3|-1\n\n# end\n", 2),
        ("174|64500|-1|bgp\r\n174|3356|0|bgp\r\n", 2),
        ("  7|8|0  \n", 1),
    ])
    func goodFiles(text: String, links: Int) throws {
        #expect(try CAIDARelationships.links(parsing: text).count == links)
    }

    /// Bad lines: the error names the line and says what to do.
    @Test(arguments: [
        ("1|2|-1\n1|2\n", 2, "expected <provider-as>|<customer-as>|-1"),
        ("# c\n1|x|-1\n", 2, "\"x\" is not an AS number"),
        ("AS1|2|-1\n", 1, "without \"AS\""),
        ("0|2|-1\n", 1, "is not an AS number"),
        ("1|2|1\n", 1, "sibling links (1) are not supported"),
        ("1|2|peer\n", 1, "neither -1 (provider|customer) nor 0 (peer)"),
        ("5|5|0\n", 1, "to itself"),
        ("1|2|-1\n3|4|0\n2|1|0\n", 3, "already linked on line 1"),
        ("1|2|-1|bgp|extra\n", 1, "got 5 fields"),
    ])
    func badLines(text: String, line: Int, fragment: String) {
        do {
            _ = try CAIDARelationships.links(parsing: text)
            Issue.record("no error for \(text.debugDescription)")
        } catch let error as CAIDARelationships.FormatError {
            #expect(error.line == line)
            #expect(error.description.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func topologyHasOneNodeAndDomainPerASAndTheRelationships() throws {
        let topology = try CAIDARelationships.topology(parsing: "1|2|-1|bgp\n1|3|-1|bgp\n2|3|0|bgp\n2|4|-1|bgp\n")
        #expect(topology.nodes.map(\.name) == ["as1", "as2", "as3", "as4"])
        #expect(topology.nodes.map(\.role) == [.tier1, .upstream, .colo, .colo])
        #expect(topology.nodes[3].domains.map(\.text) == ["as4.example"])
        #expect(topology.links[0] == TopologyLink(a: "as2", b: "as1", aRole: .customer, line: 1))
        #expect(topology.links[2].aRole == .peer)
        #expect(throws: CAIDARelationships.FormatError.self) { try CAIDARelationships.topology(parsing: "# nothing\n") }
    }

    @Test func renderedFilesReadBackToTheSameLinks() throws {
        let generated = TopologyGenerator.generate(.internet, nodes: 300, seed: 3)
        let text = CAIDARelationships.render(generated)
        let back = try CAIDARelationships.topology(parsing: text)
        #expect(back.nodes.count == generated.nodes.count)
        #expect(back.links.map { [$0.a, $0.b, $0.aRole.rawValue] } == generated.links.map { [$0.a, $0.b, $0.aRole.rawValue] })
    }

    @Test func internetShapeHasTheProportionsItPromises() {
        let topology = TopologyGenerator.generate(.internet, nodes: 2000, seed: 1)
        #expect(topology == TopologyGenerator.generate(.internet, nodes: 2000, seed: 1))
        let stubs = topology.nodes.filter { $0.role == .colo }.count
        #expect(stubs == 1700)
        let transit = topology.links.filter { $0.aRole == .customer }.count
        let peer = topology.links.filter { $0.aRole == .peer }.count
        #expect(Double(peer) > Double(transit) * 0.45 && Double(peer) < Double(transit) * 0.6, "\(transit) customer–provider, \(peer) peer")
        // Providers come earlier in node order: no provider cycles.
        let order = Dictionary(uniqueKeysWithValues: topology.nodes.enumerated().map { ($1.name, $0) })
        #expect(topology.links.filter { $0.aRole == .customer }.allSatisfy { order[$0.b]! < order[$0.a]! })
        // Heavy tail: the biggest provider has far more customers than the median one.
        var customers: [String: Int] = [:]
        for link in topology.links where link.aRole == .customer { customers[link.b, default: 0] += 1 }
        let sorted = customers.values.sorted()
        #expect(sorted.last! > 10 * sorted[sorted.count / 2])
    }
}
