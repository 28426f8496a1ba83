import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

@Suite struct ScenarioParserTests {
    static let folder = TestBinary.repository.appendingPathComponent("Labs/scenarios").path

    static var pack: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    /// Every scenario of the pack parses, names its topology's nodes, and ends with a check.
    @Test func thePackParses() throws {
        #expect(Self.pack.count >= 7)
        for file in Self.pack {
            let (scenario, topology) = try ScenarioParser.load(path: "\(Self.folder)/\(file)")
            #expect(scenario.name + ".yaml" == file)
            #expect(!scenario.description.isEmpty)
            #expect(scenario.steps.contains { if case .check = $0.action { return true } else { return false } }, "\(file) has no check")
            #expect(!topology.nodes.isEmpty)
        }
    }

    @Test func complainStepsAndChargebackExpectationsRead() throws {
        let (scenario, _) = try ScenarioParser.parse(yaml: """
            scenario: spam
            topology: ../quickstart.yaml
            steps:
              - send: { from: colo1, to: bob@bob.example, count: 3, id: s }
              - complain: { node: colo2, send: s, count: 2 }
              - complain: { node: colo2 }
              - expect: { ledger: { node: up1, neighbour: colo1, chargebacks: 10 } }
              - check:
            """, file: "\(Self.folder)/spam.yaml")
        #expect(scenario.steps.map(\.action)[1...3] == [
            .complain(node: "colo2", send: "s", count: 2),
            .complain(node: "colo2", send: nil, count: 1),
            .expect(.ledger(node: "up1", neighbour: "colo1", owed: nil, earned: nil, chargebacks: 10), within: nil),
        ])
        #expect(throws: ConfigFileErrors.self) {
            try ScenarioParser.parse(yaml: "scenario: x\ntopology: ../quickstart.yaml\nsteps:\n  - complain: { node: nobody }\n", file: "\(Self.folder)/x.yaml")
        }
    }

    @Test func aScenarioReadsAsWritten() throws {
        let (scenario, _) = try ScenarioParser.parse(yaml: """
            scenario: demo
            description: all step kinds
            topology: ../quickstart.yaml
            seed: 7
            steps:
              - send: { from: colo1, to: bob@bob.example, count: 5, rate: 2.5, background: true, id: s }
              - wait: 1.5s
              - fault: cut colo1 up1 --from colo1
              - expect: { route: { node: colo1, domain: bob.example, nextHop: up2 } }
                within: 10s
              - expect: { route: { node: colo2, domain: bob.example, nextHop: local } }
              - expect: { via: [up2], send: s }
              - expect: { queue: { node: up1, min: 1, max: 9 } }
              - expect: { ledger: { node: colo1, neighbour: up2, owed: 5 } }
              - heal: cut colo1 up1 --from colo1
              - heal: all
              - check:
            """, file: "\(Self.folder)/demo.yaml")
        #expect(scenario.seed == 7)
        #expect(scenario.steps.map(\.action) == [
            .send(ScenarioSend(from: "colo1", to: "bob@bob.example", count: 5, rate: 2.5, background: true, id: "s")),
            .wait(.milliseconds(1500)),
            .fault(.cut(a: "colo1", b: "up1", from: "colo1")),
            .expect(.route(node: "colo1", domain: "bob.example", nextHop: .some("up2"), path: nil), within: .seconds(10)),
            .expect(.route(node: "colo2", domain: "bob.example", nextHop: .some(nil), path: nil), within: nil),
            .expect(.via(nodes: ["up2"], send: "s"), within: nil),
            .expect(.queue(node: "up1", min: 1, max: 9), within: nil),
            .expect(.ledger(node: "colo1", neighbour: "up2", owed: 5, earned: nil), within: nil),
            .heal(.cut(a: "colo1", b: "up1", from: "colo1")),
            .heal(nil),
            .check(within: .seconds(30)),
        ])
        #expect(scenario.steps.map(\.line) == [6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17])
    }

    /// Bad scenarios: each error names the line and says what to do.
    @Test(arguments: [
        ("  - explode: now", 6, "unknown key \"explode\""),
        ("  - { fault: cut colo1 up1, wait: 1s }", 6, "exactly one of"),
        ("  - wait: soon", 6, "is not a duration"),
        ("  - fault: cut colo1 nobody", 6, "\"nobody\" is not a node of topology quickstart"),
        ("  - fault: melt colo1", 6, "unknown fault \"melt\""),
        ("  - send: { from: colo9, to: a@b.example }", 6, "\"colo9\" is not a node"),
        ("  - send: { from: colo1, to: a@b.example, rate: -1 }", 6, "is not a rate"),
        ("  - expect: { route: { node: colo1, domain: bob.example } }", 6, "needs nextHop or path"),
        ("  - expect: { queue: { node: colo1 } }", 6, "needs min or max"),
        ("  - expect: { weather: sunny }", 6, "unknown key \"weather\""),
        ("  - heal: everything", 6, "unknown fault \"everything\""),
        ("  - { wait: 1s, within: 2s }", 6, "within goes with expect only"),
    ] as [(String, Int, String)])
    func badStepsAreClearErrors(step: String, line: Int, message: String) {
        let yaml = "scenario: bad\ndescription: x\ntopology: ../quickstart.yaml\nseed: 1\nsteps:\n\(step)\n"
        #expect {
            try ScenarioParser.parse(yaml: yaml, file: "\(Self.folder)/bad.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && text.contains("bad.yaml:\(line)")
        }
    }

    @Test func aMissingTopologyIsAClearError() {
        #expect {
            try ScenarioParser.parse(yaml: "scenario: x\ntopology: ../nowhere.yaml\nsteps:\n  - check:\n", file: "\(Self.folder)/x.yaml")
        } throws: { error in "\(error)".contains("nowhere.yaml") && "\(error)".contains("cannot be used") }
    }

    @Test(arguments: [("500ms", 500), ("10s", 10_000), ("1.5s", 1500), ("2m", 120_000), ("1h", 3_600_000), ("5", 5000)] as [(String, Int64)])
    func durations(text: String, milliseconds: Int64) {
        #expect(ScenarioParser.duration(text) == .milliseconds(milliseconds))
    }

    @Test func badDurations() {
        for text in ["", "fast", "-1s", "2h", "61m", "1.5ms"] { #expect(ScenarioParser.duration(text) == nil, "\(text)") }
    }
}
