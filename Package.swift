// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mxgp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mxgp", targets: ["mxgp"]),
        .library(name: "MXGPCore", targets: ["MXGPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Pure routing core: wire codec, session state machine, RIBs, decision, policy, export.
        .target(
            name: "MXGPCore",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // Topology and policy files (YAML) and their validation.
        .target(
            name: "MXGPTopology",
            dependencies: ["MXGPCore", .product(name: "Yams", package: "Yams")]
        ),
        // In-process simulation of a whole topology with a virtual clock.
        .target(
            name: "MXGPSim",
            dependencies: ["MXGPCore", "MXGPTopology", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The command-line interface (one file per subcommand).
        .target(
            name: "MXGPCLI",
            dependencies: [
                "MXGPCore", "MXGPTopology", "MXGPSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "mxgp", dependencies: ["MXGPCLI"]),
        .testTarget(
            name: "MXGPCoreTests",
            dependencies: [
                "MXGPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            resources: [.copy("Corpus")]
        ),
        .testTarget(name: "MXGPTopologyTests", dependencies: ["MXGPTopology"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MXGPSimTests", dependencies: ["MXGPSim", "MXGPTopology"]),
        .testTarget(name: "MXGPCLITests", dependencies: ["MXGPCLI"], resources: [.copy("Golden")]),
    ],
    swiftLanguageModes: [.v6]
)
