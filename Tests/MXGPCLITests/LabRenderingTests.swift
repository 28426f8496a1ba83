import Foundation
@testable import MXGPLab
import Testing
@testable import MXGPCLI

/// The lab's reports as people, scripts and CI read them, from fixed results.
@Suite struct LabRenderingTests {
    static let verify = VerifyReport(lab: "quickstart", faults: ["cut colo1 up1"], probes: [
        ProbeResult(from: "colo1", to: "colo2", address: "probe-x-colo1@bob.example", verdict: .passed, copies: 1,
                    path: ["colo1", "up2", "t1b", "t1a", "up1", "colo2"], expected: ["colo1", "up2", "t1b", "t1a", "up1", "colo2"], seconds: 0.26, problem: nil,
                    resubmitted: "451 4.4.0 no route to bob.example right now; try again later"),
        ProbeResult(from: "colo2", to: "colo1", address: "probe-x-colo2@alice.example", verdict: .failed, copies: 2,
                    path: ["colo2", "up1", "colo1"], expected: ["colo2", "up1", "t1a", "t1b", "up2", "colo1"], seconds: 0.31, problem: "delivered 2 times"),
        ProbeResult(from: "colo3", to: "colo2", address: "probe-x-colo3@bob.example", verdict: .noRoute, copies: 0,
                    path: [], expected: [], seconds: nil, problem: nil),
    ], seconds: 1.42)

    static let scenario = ScenarioReport(
        scenario: "fiber-cut", description: "a cut", lab: "quickstart", seed: 1, startedAt: "2026-11-29T19:08:21Z", seconds: 12.2,
        steps: [
            StepResult(index: 0, line: 17, step: "fault cut colo1 up1", verdict: .done, at: 2, seconds: 0.05, detail: ""),
            StepResult(index: 1, line: 18, step: "expect route colo1 bob.example, next hop up2 within 10.00 s", verdict: .passed, at: 2.05,
                       seconds: 0.83, detail: "colo1 has up2 [200 2 1 100 64502] for bob.example"),
            StepResult(index: 2, line: 20, step: "check every message delivered exactly once or bounced", verdict: .failed, at: 10.17,
                       seconds: 30, detail: "2 accepted, 1 delivered once, 1 lost, 0 duplicated; lost: m1@alice.example"),
        ],
        schedule: [ScheduleEntry(at: 2, action: "fault", fault: .cut(a: "colo1", b: "up1", from: nil))],
        messages: [], lost: ["m1@alice.example"], duplicated: [])

    @Test func verifyReportMatchesGolden() throws {
        try Golden.check(LabRendering.verify(Self.verify), "lab-verify.txt")
        try Golden.check(try Self.verify.json(), "lab-verify.json")
        try Golden.check(Self.verify.junit, "lab-verify.junit.xml")
    }

    @Test func scenarioReportMatchesGolden() throws {
        let text = Self.scenario.steps.map(LabRendering.step).joined(separator: "\n") + "\n"
            + LabRendering.scenarioSummary(Self.scenario, folder: "runs/fiber-cut/2026-11-29T190821Z") + "\n"
        try Golden.check(text, "lab-run.txt")
        try Golden.check(try Self.scenario.json(), "lab-run.json")
        try Golden.check(Self.scenario.junit, "lab-run.junit.xml")
    }
}
