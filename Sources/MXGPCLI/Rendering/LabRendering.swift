import Foundation
import MXGPLab

/// Terminal renderings of lab results.
enum LabRendering {
    /// The verify report as an aligned table, then a PASS/FAIL summary line.
    static func verify(_ report: VerifyReport) -> String {
        var table = TextTable(["FROM", "TO", "RESULT", "COPIES", "TIME", "PATH", "EXPECTED"])
        for probe in report.probes {
            table.add([
                probe.from, probe.to, probe.verdict == .failed ? "FAIL: \(probe.problem ?? "")" : probe.verdict.rawValue,
                String(probe.copies), probe.seconds.map { String(format: "%.2fs", $0) } ?? "-",
                probe.path.isEmpty ? "-" : probe.path.joined(separator: ">"),
                probe.expected.isEmpty ? "no route" : probe.expected.joined(separator: ">"),
            ])
        }
        let failed = report.probes.filter { $0.verdict == .failed }.count
        let faults = report.faults.isEmpty ? "no faults" : "faults: " + report.faults.joined(separator: ", ")
        let resubmitted = report.probes.compactMap { $0.resubmissionNote.map { "note: \($0)\n" } }
        return table.render() + resubmitted.joined() + "\n\(report.passed ? "PASS" : "FAIL"): \(report.probes.count - failed)/\(report.probes.count) probes passed in lab \(report.lab) (\(faults)) in \(String(format: "%.1f", report.seconds)) s\n"
    }

    /// One step as it finishes: `✔  3. expect … (story held after 2.31 s) — detail`. An
    /// expectation is part of the scenario's story (held / did not hold; a harmful outcome the
    /// scenario expects is named as such); the delivery check is a guarantee (passed / failed).
    static func step(_ step: StepResult) -> String {
        let mark = step.verdict == .failed ? "✘" : step.verdict == .passed ? "✔" : "·"
        let seconds = String(format: "%.2f", step.seconds)
        let timing: String
        switch (step.verdict, step.kind) {
        case (.passed, .story?): timing = " (story held after \(seconds) s" + (step.harmful.map { ": \($0), as the scenario expects" } ?? "") + ")"
        case (.failed, .story?): timing = " (story did not hold after \(seconds) s)"
        case (.passed, .check?): timing = " (check passed after \(seconds) s)"
        case (.failed, .check?): timing = " (check failed after \(seconds) s)"
        case (.passed, nil): timing = " (held after \(seconds) s)"
        case (.failed, nil): timing = " (after \(seconds) s)"
        case (.done, _): timing = ""
        }
        let number = String(step.index + 1).leftPadded(to: 2)
        return "\(mark) \(number). [\(String(format: "%6.2f", step.at)) s] \(step.step)\(timing)" + (step.detail.isEmpty ? "" : " — \(step.detail)")
    }

    /// What a scenario's verdict means: whether its story held (naming the harm it expects,
    /// when it shows one) and whether the delivery check passed.
    static func meaning(_ report: ScenarioReport) -> String {
        var parts: [String] = []
        let story = report.steps.filter { $0.kind == .story }
        if let broken = story.first(where: { $0.verdict == .failed }) {
            parts.append("story did not hold at step \(broken.index + 1)")
        } else if !story.isEmpty {
            let harms = story.compactMap(\.harmful)
            parts.append("story held" + (harms.isEmpty ? "" : ": " + harms.joined(separator: "; ") + ", as the scenario expects"))
        }
        let checks = report.steps.filter { $0.kind == .check }
        if !checks.isEmpty { parts.append(checks.allSatisfy { $0.verdict != .failed } ? "check passed" : "check failed") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    /// The end of a scenario run: the verdict and what it means, lost and duplicated messages, the run folder.
    static func scenarioSummary(_ report: ScenarioReport, folder: String, simulated: Bool = false) -> String {
        let failed = report.steps.filter { $0.verdict == .failed }.count
        var lines = ["", "\(report.passed ? "PASS" : "FAIL")\(meaning(report)): scenario \(report.scenario) on lab \(report.lab), seed \(report.seed), \(report.steps.count - failed)/\(report.steps.count) steps passed in \(String(format: "%.1f", report.seconds)) s"]
        if let stopped = report.stoppedBefore, simulated {
            lines.append("stopped before the final heal (step \(stopped + 1)); in the simulator nothing stays up: run it on a lab to explore the broken state")
        } else if let stopped = report.stoppedBefore {
            lines.append("stopped before the final heal (step \(stopped + 1)): lab \(report.lab) stays up with its faults; `mxgp lab heal \(report.lab)` when the class is done")
        }
        if !report.lost.isEmpty { lines.append((report.stoppedBefore == nil ? "lost: " : "not delivered yet: ") + report.lost.joined(separator: ", ")) }
        if !report.duplicated.isEmpty { lines.append("duplicated: " + report.duplicated.joined(separator: ", ")) }
        lines.append("run folder: \(folder)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
