import Foundation

extension VerifyReport {
    /// `{"lab":…, "passed":…, "faults":[…], "seconds":…, "probes":[…]}`, keys sorted.
    public func json() throws -> String {
        struct Output: Encodable {
            var lab: String
            var passed: Bool
            var faults: [String]
            var seconds: Double
            var probes: [ProbeResult]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Output(lab: lab, passed: passed, faults: faults, seconds: (seconds * 100).rounded() / 100, probes: probes))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// JUnit XML: one test suite, one test case per probe (`from -> to`).
    public var junit: String {
        JUnitXML.render(suite: "mxgp lab verify \(lab)", seconds: seconds, cases: probes.map { probe in
            JUnitXML.Case(name: "\(probe.from) -> \(probe.to)", className: "mxgp.verify.\(lab)", seconds: probe.seconds ?? 0,
                          failure: probe.verdict == .failed ? (probe.problem ?? "failed") + "; path \(probe.path.joined(separator: ">")), expected \(probe.expected.joined(separator: ">"))" : nil)
        })
    }
}

/// JUnit XML as CI systems read it.
public enum JUnitXML {
    public struct Case: Sendable {
        public var name: String
        public var className: String
        public var seconds: Double
        /// Nil for a passed case.
        public var failure: String?
        public init(name: String, className: String, seconds: Double, failure: String?) {
            self.name = name
            self.className = className
            self.seconds = seconds
            self.failure = failure
        }
    }

    public static func render(suite: String, seconds: Double, cases: [Case]) -> String {
        let failures = cases.filter { $0.failure != nil }.count
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                     #"<testsuite name="\#(escape(suite))" tests="\#(cases.count)" failures="\#(failures)" errors="0" time="\#(String(format: "%.3f", seconds))">"#]
        for c in cases {
            let open = #"  <testcase name="\#(escape(c.name))" classname="\#(escape(c.className))" time="\#(String(format: "%.3f", c.seconds))""#
            if let failure = c.failure {
                lines.append(open + ">")
                lines.append(#"    <failure message="\#(escape(failure))"/>"#)
                lines.append("  </testcase>")
            } else {
                lines.append(open + "/>")
            }
        }
        lines.append("</testsuite>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
