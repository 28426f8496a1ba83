import Foundation
import Testing

/// Golden-file comparison shared by the test targets. Run the tests with
/// `MXGP_UPDATE_GOLDEN=1` to rewrite the files from the current output, then review the diff.
public enum GoldenFile {
    public static var updating: Bool { ProcessInfo.processInfo.environment["MXGP_UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with `directory/name` (or rewrites it when updating); returns what
    /// differs, or nil when it matches.
    public static func mismatch(_ actual: String, directory: URL, name: String) throws -> String? {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return "golden file \(name) is missing: run with MXGP_UPDATE_GOLDEN=1"
        }
        guard expected != actual else { return nil }
        let firstDifference = zip(expected.split(separator: "\n", omittingEmptySubsequences: false), actual.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().first { $0.element.0 != $0.element.1 }
        return "output differs from golden file \(name) (first differing line \((firstDifference?.offset ?? -1) + 1): expected \(firstDifference?.element.0.debugDescription ?? "-"), got \(firstDifference?.element.1.debugDescription ?? "-")); rerun with MXGP_UPDATE_GOLDEN=1 if the change is intended"
    }

    /// Records an issue at the caller when `actual` differs from `directory/name`.
    public static func check(_ actual: String, directory: URL, name: String, sourceLocation: SourceLocation) throws {
        if let mismatch = try mismatch(actual, directory: directory, name: name) {
            Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
        }
    }
}
