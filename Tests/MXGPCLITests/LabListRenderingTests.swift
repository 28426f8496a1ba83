import Foundation
@testable import MXGPLab
import Testing
@testable import MXGPCLI

/// `mxgp lab list` as people and scripts read it.
@Suite struct LabListRenderingTests {
    static let labs = [
        LabSummary(name: "alice", backend: "netns", nodes: 7, upSince: "2026-12-02T15:00:00Z", faults: ["cut colo1 up1", "kill up2"], owner: "alice"),
        LabSummary(name: "bob", backend: "compose", nodes: 7, upSince: "2026-12-02T15:02:10Z", faults: [], owner: "bob"),
        LabSummary(name: "old", backend: "netns", nodes: nil, upSince: "2026-12-01T09:00:00Z", faults: [], owner: nil,
                   problem: "its topology copy /run/mxgp/labs/old/topology.yaml cannot be read"),
    ]

    @Test func tableAndJSONMatchGolden() throws {
        try Golden.check(LabListRendering.table(Self.labs, labDirectory: "/run/mxgp/labs"), "lab-list.txt")
        try Golden.check(try JSONOutput.render(LabListRendering.Listing(labs: Self.labs)) + "\n", "lab-list.json")
    }

    @Test func noLabsSaysHowToStartOne() {
        #expect(LabListRendering.table([], labDirectory: "/tmp/labs").contains("mxgp lab up Labs/quickstart.yaml --name NAME"))
    }
}

/// Scenario verdicts that say what they mean.
@Suite struct ScenarioMeaningRenderingTests {
    static let hijack = ScenarioReport(
        scenario: "hijack-unprotected", description: "a hijack", lab: "hijack", seed: 1, startedAt: "2026-12-02T15:00:00Z", seconds: 1.3,
        steps: [
            StepResult(index: 0, line: 14, step: "expect route up1 bank.example, next hop evil, path 64666", verdict: .passed, at: 0, seconds: 0,
                       detail: "up1 has evil [64666] for bank.example", kind: .story),
            StepResult(index: 1, line: 16, step: "pause: Who will read them?", verdict: .done, at: 0, seconds: 0, detail: "not paused (--no-pause)"),
            StepResult(index: 2, line: 18, step: "expect via sender, up1, evil [mail] within 20.00 s", verdict: .passed, at: 0.2, seconds: 0.41,
                       detail: "5/5 of mail crossed sender, up1, evil", kind: .story, harmful: "mail went to the hijacker"),
            StepResult(index: 3, line: 21, step: "check every message delivered exactly once or bounced", verdict: .passed, at: 0.6, seconds: 1.0,
                       detail: "5 accepted, 5 delivered once, 0 lost, 0 duplicated", kind: .check),
        ],
        schedule: [], messages: [], lost: [], duplicated: [])

    @Test func storyAndCheckVerdictsMatchGolden() throws {
        var stopped = Self.hijack
        stopped.steps = Array(stopped.steps.prefix(2)) + [
            StepResult(index: 2, line: 18, step: "expect via sender, up1, evil [mail] within 20.00 s", verdict: .failed, at: 0.2, seconds: 20,
                       detail: "none of mail's messages has arrived yet", kind: .story),
        ]
        stopped.stoppedBefore = 3
        stopped.lost = ["m1@sender.example"]
        let text = Self.hijack.steps.map(LabRendering.step).joined(separator: "\n") + "\n"
            + LabRendering.scenarioSummary(Self.hijack, folder: "runs/hijack-unprotected/x") + "\n\n"
            + stopped.steps.map(LabRendering.step).joined(separator: "\n") + "\n"
            + LabRendering.scenarioSummary(stopped, folder: "runs/hijack-unprotected/y") + "\n"
        try Golden.check(text, "lab-run-meaning.txt")
        #expect(LabRendering.scenarioSummary(Self.hijack, folder: "f").contains("PASS (story held: mail went to the hijacker, as the scenario expects; check passed)"))
    }
}
