import Foundation
import Testing

/// Golden files live in `Tests/MXGPCLITests/Golden/`. Run the tests with
/// `MXGP_UPDATE_GOLDEN=1` to rewrite them from the current output, then review the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var updating: Bool { ProcessInfo.processInfo.environment["MXGP_UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file `name` (or rewrites it when updating).
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(expected != nil, "golden file \(name) is missing: run with MXGP_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
        guard let expected else { return }
        if expected != actual {
            let firstDifference = zip(expected.split(separator: "\n", omittingEmptySubsequences: false), actual.split(separator: "\n", omittingEmptySubsequences: false))
                .enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record(
                "output differs from golden file \(name) (first differing line \((firstDifference?.offset ?? -1) + 1): expected \(firstDifference?.element.0.debugDescription ?? "-"), got \(firstDifference?.element.1.debugDescription ?? "-")); rerun with MXGP_UPDATE_GOLDEN=1 if the change is intended",
                sourceLocation: sourceLocation)
        }
    }
}
