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
        return table.render() + "\n\(report.passed ? "PASS" : "FAIL"): \(report.probes.count - failed)/\(report.probes.count) probes passed in lab \(report.lab) (\(faults)) in \(String(format: "%.1f", report.seconds)) s\n"
    }

    /// One step as it finishes: `✔  3. expect … (held after 2.31 s) — detail`.
    static func step(_ step: StepResult) -> String {
        let mark = step.verdict == .failed ? "✘" : step.verdict == .passed ? "✔" : "·"
        let timing = step.verdict == .passed ? " (held after \(String(format: "%.2f", step.seconds)) s)"
            : step.verdict == .failed ? " (after \(String(format: "%.2f", step.seconds)) s)" : ""
        let number = String(step.index + 1).leftPadded(to: 2)
        return "\(mark) \(number). [\(String(format: "%6.2f", step.at)) s] \(step.step)\(timing)" + (step.detail.isEmpty ? "" : " — \(step.detail)")
    }

    /// The end of a scenario run: the verdict, lost and duplicated messages, the run folder.
    static func scenarioSummary(_ report: ScenarioReport, folder: String) -> String {
        let failed = report.steps.filter { $0.verdict == .failed }.count
        var lines = ["", "\(report.passed ? "PASS" : "FAIL"): scenario \(report.scenario) on lab \(report.lab), seed \(report.seed), \(report.steps.count - failed)/\(report.steps.count) steps passed in \(String(format: "%.1f", report.seconds)) s"]
        if !report.lost.isEmpty { lines.append("lost: " + report.lost.joined(separator: ", ")) }
        if !report.duplicated.isEmpty { lines.append("duplicated: " + report.duplicated.joined(separator: ", ")) }
        lines.append("run folder: \(folder)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
