// swift-tools-version:6.1
// libFuzzer targets for mxgp. A separate package so the main package's `swift build` and CI
// never build them. Build and run with `Scripts/fuzz TARGET SECONDS` (see docs/FUZZING.md);
// the executables only link with `-sanitize=fuzzer` (libFuzzer provides `main`).
import PackageDescription

let package = Package(
    name: "mxgp-fuzz",
    dependencies: [
        .package(name: "mxgp", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "FuzzMXGPDecoder",
            dependencies: [.product(name: "MXGPCore", package: "mxgp"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(name: "FuzzSMTPCommand", dependencies: [.product(name: "MXGPSMTP", package: "mxgp")]),
        .executableTarget(name: "FuzzSMTPSession", dependencies: [.product(name: "MXGPSMTP", package: "mxgp")]),
        .executableTarget(name: "FuzzTopology", dependencies: [.product(name: "MXGPTopology", package: "mxgp")]),
        .executableTarget(name: "FuzzNodeConfig", dependencies: [.product(name: "MXGPTopology", package: "mxgp")]),
    ],
    swiftLanguageModes: [.v6]
)
