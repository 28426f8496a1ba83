import Logging
import MXGPCore
import MXGPTopology

/// Loggers whose every line names the node and its operator.
public enum NodeLogging {
    /// Maps a config log level onto swift-log.
    public static func level(_ level: NodeConfig.LogLevel) -> Logger.Level {
        Logger.Level(rawValue: level.rawValue) ?? .info
    }

    /// A logger for `component` of the node `name` / `operator`.
    public static func logger(_ component: String, node name: String, operatorNumber: OperatorNumber, level: Logger.Level) -> Logger {
        var logger = Logger(label: "mxgp.\(component)")
        logger.logLevel = level
        logger[metadataKey: "node"] = "\(name)"
        logger[metadataKey: "operator"] = "\(operatorNumber)"
        return logger
    }
}
