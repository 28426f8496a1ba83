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
}
