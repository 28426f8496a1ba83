import Foundation
import MXGPTestSupport
import Testing

/// Golden files live in `Tests/MXGPCLITests/Golden/`. Run the tests with
/// `MXGP_UPDATE_GOLDEN=1` to rewrite them from the current output, then review the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repository = TestBinary.repository

    /// Compares `actual` with the golden file `name` (or rewrites it when updating).
    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try GoldenFile.check(actual, directory: directory, name: name, sourceLocation: sourceLocation)
    }
}
