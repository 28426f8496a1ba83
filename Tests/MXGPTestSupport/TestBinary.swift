import Foundation

/// The `mxgp` binary tests run as a real process: `$MXGP_BINARY`, else `<repo>/.build/debug/mxgp`.
public enum TestBinary {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The repository root (three levels above this file).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary's path; throws when it has not been built.
    public static func mxgp() throws -> String {
        let path = ProcessInfo.processInfo.environment["MXGP_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
            ?? repository.appendingPathComponent(".build/debug/mxgp").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: """
                the mxgp binary is missing at \(path): run `swift build --product mxgp` in \(repository.path) first \
                (or set MXGP_BINARY to an mxgp binary)
                """)
        }
        return path
    }
}
