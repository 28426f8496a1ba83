// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mxgp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mxgp", targets: ["mxgp"]),
        .library(name: "MXGPCore", targets: ["MXGPCore"]),
        // Used by the fuzzers in Fuzz/ (a separate package, not built by `swift build` here).
        .library(name: "MXGPSMTP", targets: ["MXGPSMTP"]),
        .library(name: "MXGPTopology", targets: ["MXGPTopology"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
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
            dependencies: ["MXGPCore", "MXGPTopology", "MXGPSMTP", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // Pure SMTP core: command and reply parsing, server and client session state machines.
        .target(name: "MXGPSMTP", dependencies: ["MXGPCore"]),
        // The node's durable store: SQLite queue, mailboxes, dedupe, ledger.
        .target(
            name: "MXGPStore",
            dependencies: [
                "MXGPCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Certificates for labs and users: a CA and node certificates naming operators;
        // the signed origin registry (Ed25519).
        .target(
            name: "MXGPPKI",
            dependencies: [
                "MXGPCore",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The admin API's JSON types, paths and client (NIOHTTP1 over a Unix socket or TCP),
        // shared by the node, `mxgp ctl` and the lab.
        .target(
            name: "MXGPAdminAPI",
            dependencies: [
                "MXGPCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The one process spawner: posix_spawn without inherited descriptors, timeouts and
        // output limits, async polling (no threads, no semaphores).
        .target(
            name: "MXGPProcess",
            dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        // The running node: peering over TCP/TLS, admin API, metrics, lifecycle.
        .target(
            name: "MXGPNode",
            dependencies: [
                "MXGPCore", "MXGPTopology", "MXGPPKI", "MXGPSMTP", "MXGPStore", "MXGPAdminAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The lab kit: plans, backends (netns, compose), faults, verify.
        .target(
            name: "MXGPLab",
            dependencies: [
                "MXGPCore", "MXGPTopology", "MXGPSim", "MXGPPKI", "MXGPAdminAPI", "MXGPProcess",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The lab in the browser (`mxgp lab ui`): a Hummingbird server with embedded assets,
        // Graphviz layout, live state over server-sent events, faults through LabFaults.
        .target(
            name: "MXGPLabUI",
            dependencies: [
                "MXGPCore", "MXGPTopology", "MXGPLab", "MXGPAdminAPI", "MXGPProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmarks (`mxgp bench`): the RIB, a real node's session, the store's group commit.
        .target(
            name: "MXGPBenchmarks",
            dependencies: [
                "MXGPCore", "MXGPStore", "MXGPAdminAPI", "MXGPProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The command-line interface (one file per subcommand).
        .target(
            name: "MXGPCLI",
            dependencies: [
                "MXGPCore", "MXGPTopology", "MXGPSim", "MXGPNode", "MXGPPKI", "MXGPLab", "MXGPLabUI", "MXGPAdminAPI", "MXGPBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
        .testTarget(name: "MXGPSMTPTests", dependencies: ["MXGPSMTP", "MXGPCore"]),
        .testTarget(
            name: "MXGPStoreTests",
            dependencies: ["MXGPStore", "MXGPCore", "MXGPBenchmarks", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "MXGPTopologyTests", dependencies: ["MXGPTopology"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MXGPSimTests", dependencies: ["MXGPSim", "MXGPTopology"]),
        .target(
            name: "MXGPTestSupport", dependencies: [.product(name: "UnixSignals", package: "swift-service-lifecycle")],
            path: "Tests/MXGPTestSupport"),
        .testTarget(name: "MXGPLabTests", dependencies: ["MXGPLab", "MXGPLabUI", "MXGPSim", "MXGPTopology", "MXGPTestSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "MXGPLabUITests",
            dependencies: [
                "MXGPLabUI", "MXGPLab", "MXGPTopology", "MXGPAdminAPI", "MXGPTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden", "Browser"]
        ),
        .testTarget(name: "MXGPCLITests", dependencies: ["MXGPCLI", "MXGPCore", "MXGPPKI", "MXGPSim", "MXGPAdminAPI", "MXGPTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "MXGPPKITests", dependencies: ["MXGPPKI", "MXGPCore"]),
        .testTarget(name: "MXGPProcessTests", dependencies: ["MXGPProcess"]),
        .testTarget(
            name: "MXGPNodeTests",
            dependencies: [
                "MXGPNode", "MXGPPKI", "MXGPSim", "MXGPAdminAPI", "MXGPProcess", "MXGPBenchmarks", "MXGPTestSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
