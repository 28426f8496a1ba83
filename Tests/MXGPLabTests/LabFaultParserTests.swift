import Foundation
import Testing
@testable import MXGPLab

@Suite struct LabFaultParserTests {
    @Test(arguments: [
        ("cut", ["a", "b"], nil, LabFault.cut(a: "a", b: "b", from: nil)),
        ("cut", ["a", "b"], "b", .cut(a: "a", b: "b", from: "b")),
        ("down", ["a", "b"], nil, .down(a: "a", b: "b")),
        ("loss", ["a", "b", "30"], nil, .loss(a: "a", b: "b", percent: 30)),
        ("loss", ["a", "b", "2.5%"], nil, .loss(a: "a", b: "b", percent: 2.5)),
        ("rate", ["a", "b", "2mbit"], nil, .rate(a: "a", b: "b", kbit: 2000)),
        ("delay", ["a", "b", "100ms", "20ms"], nil, .delay(a: "a", b: "b", milliseconds: 100, jitter: 20)),
        ("delay", ["a", "b", "1s"], nil, .delay(a: "a", b: "b", milliseconds: 1000, jitter: nil)),
        ("partition", ["a", "b", "c"], nil, .partition(nodes: ["a", "b", "c"])),
        ("kill", ["a"], nil, .kill(node: "a")),
        ("pause", ["a"], nil, .pause(node: "a")),
        ("restart", ["a"], nil, .restart(node: "a")),
        ("session-reset", ["a", "b"], nil, .sessionReset(a: "a", b: "b")),
        ("smtp-tempfail", ["a"], nil, .smtpTempfail(node: "a", percent: 100)),
        ("smtp-tempfail", ["a", "40"], nil, .smtpTempfail(node: "a", percent: 40)),
    ] as [(String, [String], String?, LabFault)])
    func parses(kind: String, arguments: [String], from: String?, expected: LabFault) throws {
        #expect(try LabFault.parse(kind: kind, arguments: arguments, from: from) == expected)
    }

    @Test(arguments: [
        ("cut", ["a"], nil, "cut takes A B [--from A]"),
        ("loss", ["a", "b", "0"], nil, "not a percentage"),
        ("loss", ["a", "b", "150"], nil, "not a percentage"),
        ("rate", ["a", "b", "fast"], nil, "not a rate"),
        ("delay", ["a", "b", "soon"], nil, "not a duration"),
        ("down", ["a", "b"], "a", "--from goes with cut only"),
        ("smtp-tempfail", ["a", "0"], nil, "from 1 to 100"),
        ("explode", ["a"], nil, "unknown fault \"explode\""),
        ("partition", [], nil, "partition takes the nodes"),
    ] as [(String, [String], String?, String)])
    func refuses(kind: String, arguments: [String], from: String?, message: String) {
        #expect {
            try LabFault.parse(kind: kind, arguments: arguments, from: from)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    /// The JSON form in lab.json reads back as the same fault.
    @Test func faultsRoundTripThroughJSON() throws {
        let faults: [LabFault] = [.cut(a: "a", b: "b", from: "a"), .loss(a: "a", b: "b", percent: 2.5), .partition(nodes: ["x"]), .smtpTempfail(node: "n", percent: 5)]
        let state = LabState(backend: .netns, topologyFile: "/t.yaml", binary: "/mxgp", createdAt: "now", faults: faults)
        let path = NSTemporaryDirectory() + "mxgp-labstate-\(UInt32.random(in: 0...UInt32.max)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try state.write(to: path)
        #expect(try LabState.read(from: path) == state)
    }
}
