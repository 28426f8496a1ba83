import ArgumentParser
import Foundation
import Logging
import MXGPCore
import MXGPNode
import MXGPTopology
import ServiceLifecycle
import UnixSignals

/// `mxgp node --config FILE [--check]`: run one node; its role comes from the config.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one node (colo, upstream or tier1, as its config says).",
        discussion: """
            The node peers with its neighbours over MXGP (TCP, or mutual TLS when the config has \
            TLS files) and serves the admin API on a Unix socket (see `mxgp ctl`). \
            SIGTERM or SIGINT: send cease to every neighbour, close the listeners, drain, exit. \
            SIGHUP: re-read the config; neighbours added or removed and policy changes apply \
            without a restart, and sessions that did not change stay up. \
            See docs/NODE.md for every configuration key.
            """
    )

    @Option(name: .shortAndLong, help: "Node configuration file (YAML).")
    var config: String

    @Flag(help: "Validate the configuration and print it normalised (every default explicit), then exit.")
    var check = false

    @Option(help: "Override the config's log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func validate() throws {
        if let logLevel, NodeConfig.LogLevel(rawValue: logLevel) == nil {
            throw ValidationError("--log-level \(logLevel.debugDescription): use one of \(NodeConfig.LogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let nodeConfig: NodeConfig
        do {
            let parsed = try NodeConfigParser.load(path: config)
            for warning in parsed.warnings { printError("warning: \(warning)") }
            nodeConfig = parsed.config
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if check {
            print(nodeConfig.yamlText, terminator: "")
            return
        }
        let tunedMalloc = MallocTuning.apply(environment: ProcessInfo.processInfo.environment)
        let level = NodeLogging.level(logLevel.flatMap(NodeConfig.LogLevel.init(rawValue:)) ?? nodeConfig.logLevel)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = NodeLogging.logger("node", node: nodeConfig.name, operatorNumber: nodeConfig.operatorNumber, level: level)
        let path = config
        let settings: PeeringSettings
        do {
            settings = try PeeringSettings(config: nodeConfig)
        } catch {
            printError("error: cannot start the node of \(path): \(error)")
            throw ExitCode(2)
        }
        let peering = try PeeringService(settings: settings, logger: logger, version: MXGPCommand.version) {
            try PeeringSettings(config: try NodeConfig.load(path: path))
        }
        let node = try NodeRuntime(config: nodeConfig, peering: peering, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (node.services + (tunedMalloc ? [MallocTrimmer()] : [])).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        let reloads = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                do {
                    try await peering.reload()
                    logger.notice("configuration reloaded", metadata: ["file": "\(path)"])
                } catch {
                    logger.error("reload failed; keeping the running configuration", metadata: ["file": "\(path)", "error": "\(error)"])
                }
            }
        }
        if let warning = Self.countryWarning(nodeConfig) { logger.warning("\(warning)") }
        logger.info("node starting", metadata: ["role": "\(nodeConfig.role)", "neighbours": "\(nodeConfig.neighbours.count)"])
        defer { reloads.cancel() }
        try await group.run()
    }

    /// Countries come only from the signed origin registry: without `origin-validation`, a
    /// node's `refuse-destinations` refuses nothing, and it says so at start.
    static func countryWarning(_ config: NodeConfig) -> String? {
        guard !config.refuseDestinations.isEmpty, config.originValidation == nil else { return nil }
        let countries = config.refuseDestinations.map(\.code).joined(separator: ", ")
        return "refuse-destinations [\(countries)] has no effect: a domain's country comes from the signed origin registry, and this node has no origin-validation (add origin-validation: with the registry and its public key)"
    }
}
