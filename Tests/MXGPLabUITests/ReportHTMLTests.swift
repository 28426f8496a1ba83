import Foundation
import MXGPTestSupport
import Testing
@testable import MXGPLab

/// `report.html` of a run folder, from a fixed report: the golden file, and what the
/// timeline is made of.
struct ReportHTMLTests {
    /// A fiber cut: colo1 sends to bob through up1; the cut moves it to up2; one message is
    /// lost in the cut, one duplicated, one refused.
    static func fixture() -> ScenarioReport {
        var report = ScenarioReport(
            scenario: "fiber-cut", description: "colo1 loses its link to up1 and fails over to up2", lab: "quickstart", seed: 1,
            startedAt: "2026-11-29T19:08:20.000Z", seconds: 13,
            steps: [
                StepResult(index: 0, line: 10, step: "send 4 from colo1 to bob@bob.example at 2/s (background) [before]", verdict: .done, at: 0.5, seconds: 0.01, detail: "started in the background"),
                StepResult(index: 1, line: 12, step: "fault cut colo1 up1", verdict: .done, at: 2, seconds: 0.05, detail: ""),
                StepResult(index: 2, line: 13, step: "expect route colo1 bob.example, next hop up2 within 10 s", verdict: .passed, at: 2.05,
                           seconds: 0.83, detail: "colo1 has up2 [200 2 1 100 64502] for bob.example"),
                StepResult(index: 3, line: 15, step: "send 2 from colo1 to bob@bob.example [after]", verdict: .done, at: 3, seconds: 0.2, detail: "2/2 accepted"),
                StepResult(index: 4, line: 16, step: "heal cut colo1 up1", verdict: .done, at: 6, seconds: 0.3, detail: "cut colo1 up1"),
                StepResult(index: 5, line: 17, step: "fault restart up2", verdict: .done, at: 7, seconds: 0.4, detail: ""),
                StepResult(index: 6, line: 18, step: "expect route colo1 bob.example, next hop up1 within 5 s", verdict: .failed, at: 7.5,
                           seconds: 5, detail: "colo1 has up2 [200 2 1 100 64502] for bob.example"),
                StepResult(index: 7, line: 20, step: "check every message delivered exactly once or bounced", verdict: .failed, at: 11,
                           seconds: 1, detail: "5 accepted, 3 delivered once, 1 lost, 1 duplicated"),
            ],
            schedule: [
                ScheduleEntry(at: 0.5, action: "send", send: ScheduledSend(id: "before", ScenarioSend(from: "colo1", to: "bob@bob.example", count: 4, rate: 2, background: true, id: "before"))),
                ScheduleEntry(at: 2, action: "fault", fault: .cut(a: "colo1", b: "up1", from: nil)),
                ScheduleEntry(at: 3, action: "send", send: ScheduledSend(id: "after", ScenarioSend(from: "colo1", to: "bob@bob.example", count: 2, rate: nil, background: false, id: "after"))),
                ScheduleEntry(at: 6, action: "heal", fault: .cut(a: "colo1", b: "up1", from: nil)),
                ScheduleEntry(at: 7, action: "fault", fault: .restart(node: "up2")),
            ],
            messages: [
                MessageRecord(messageId: "m1@alice.example", send: "before", to: "bob@bob.example", submitted: "accepted", copies: 1,
                              hops: ["colo1", "up1", "colo2"], receivedAt: "2026-11-29T19:08:20.620Z"),
                MessageRecord(messageId: "m2@alice.example", send: "before", to: "bob@bob.example", submitted: "accepted", copies: 1,
                              hops: ["colo1", "up1", "colo2"], receivedAt: "2026-11-29T19:08:21.130Z"),
                MessageRecord(messageId: "m3@alice.example", send: "before", to: "bob@bob.example", submitted: "accepted", copies: 0, hops: []),
                MessageRecord(messageId: "m4@alice.example", send: "before", to: "bob@bob.example", submitted: "accepted", copies: 2,
                              hops: ["colo1", "up2", "t1b", "t1a", "up1", "colo2"], receivedAt: "2026-11-29T19:08:23.400Z"),
                MessageRecord(messageId: "m5@alice.example", send: "after", to: "bob@bob.example", submitted: "accepted", copies: 1,
                              hops: ["colo1", "up2", "t1b", "t1a", "up1", "colo2"], receivedAt: "2026-11-29T19:08:23.310Z", deliveredAt: 3.25),
                MessageRecord(messageId: "m6@alice.example", send: "after", to: "bob@bob.example", submitted: "rejected", copies: 0, hops: []),
            ],
            lost: ["m3@alice.example"], duplicated: ["m4@alice.example"])
        report.routeChanges = [
            RouteChange(at: 0, node: "colo1", domain: "bob.example", route: "up1 [100 64502]"),
            RouteChange(at: 2.4, node: "colo1", domain: "bob.example", route: "up2 [200 2 1 100 64502]"),
        ]
        return report
    }

    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test func reportHTMLMatchesGolden() throws {
        try GoldenFile.check(ReportHTML.render(Self.fixture()), directory: Self.golden, name: "report.html", sourceLocation: #_sourceLocation)
    }

    @Test func timelineHasBandsMarksRoutesAndExpectations() {
        let timeline = ReportHTML.timeline(Self.fixture())
        #expect(timeline.bands.map(\.label) == ["cut colo1 up1", "restart up2"])
        #expect(timeline.bands[0].start == 2 && timeline.bands[0].end == 6 && !timeline.bands[0].instant && timeline.bands[1].instant)
        #expect(timeline.marks.map(\.status) == ["delivered", "delivered", "lost", "duplicated", "delivered", "refused"])
        // Submission: the step's start plus index over rate; delivery from the mailbox's time.
        #expect(timeline.marks[1].start == 1 && abs((timeline.marks[1].end ?? 0) - 1.13) < 0.001)
        #expect(timeline.marks[2].end == nil)
        #expect(timeline.paths == [["colo1", "up1", "colo2"], ["colo1", "up2", "t1b", "t1a", "up1", "colo2"]])
        #expect(timeline.routes.count == 2)
        #expect(timeline.expectations.map(\.passed) == [true, false] && timeline.expectations[0].seconds == 0.83)
    }

    @Test func reportHTMLIsSelfContained() {
        let html = ReportHTML.render(Self.fixture())
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        #expect(html.contains("<svg class=\"timeline\""))
    }

    /// A heal of everything closes every band; a fault never healed runs to the end.
    @Test func bandsCloseOnHealAll() {
        var report = Self.fixture()
        report.schedule = [
            ScheduleEntry(at: 1, action: "fault", fault: .pause(node: "up1")),
            ScheduleEntry(at: 2, action: "fault", fault: .kill(node: "up2")),
            ScheduleEntry(at: 4, action: "heal"),
            ScheduleEntry(at: 5, action: "fault", fault: .cut(a: "colo1", b: "up2", from: nil)),
        ]
        let bands = ReportHTML.timeline(report).bands
        #expect(bands.map(\.end) == [4, 4, 13])
        #expect(bands.last?.label == "cut colo1 up2 (not healed)")
    }
}
