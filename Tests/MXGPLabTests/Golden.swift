import Foundation
import MXGPTestSupport
import Testing

/// Golden files of the lab kit: `Tests/MXGPLabTests/Golden/` (regenerate with `MXGP_UPDATE_GOLDEN=1`).
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repository = TestBinary.repository

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try GoldenFile.check(actual, directory: directory, name: name, sourceLocation: sourceLocation)
    }
}
