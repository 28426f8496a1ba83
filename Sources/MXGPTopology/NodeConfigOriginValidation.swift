import MXGPCore
import Yams

extension NodeConfig {
    /// Files for origin validation (`origin-validation:`); paths as written in the config.
    public struct OriginValidationFiles: Hashable, Sendable {
        /// The signed origin registry (JSON, written by `mxgp registry create`).
        public var registry: String
        /// The Ed25519 public key the registry's signature must verify with (PEM).
        public var publicKey: String

        /// Creates origin validation file paths.
        public init(registry: String, publicKey: String) {
            self.registry = registry
            self.publicKey = publicKey
        }
    }
}

extension NodeConfigParser {
    /// Keys of `origin-validation`.
    public static let originValidationKeys = ["registry", "public-key"]
}

extension NodeConfigReader {
    /// `origin-validation: { registry: PATH, public-key: PATH }` or `off`.
    mutating func originValidation(_ node: Node) -> NodeConfig.OriginValidationFiles? {
        if Self.isOff(node) { return nil }
        let example = "{ registry: /etc/mxgp/registry.json, public-key: /etc/mxgp/registry.pub }"
        guard let mapping = context.mapping(node, "origin-validation", example: example) else { return nil }
        let keys = NodeConfigParser.originValidationKeys
        let values = context.keys(of: mapping, "origin-validation", allowed: keys, required: keys, line: YAMLContext.line(of: node))
        let registry = values["registry"].flatMap { path($0, "origin-validation.registry", example: "/etc/mxgp/registry.json") }
        let publicKey = values["public-key"].flatMap { path($0, "origin-validation.public-key", example: "/etc/mxgp/registry.pub") }
        guard let registry, let publicKey else { return nil }
        return NodeConfig.OriginValidationFiles(registry: registry, publicKey: publicKey)
    }
}

extension NodeConfigText {
    static func originValidationLines(_ files: NodeConfig.OriginValidationFiles?) -> [String] {
        guard let files else { return ["origin-validation: off"] }
        return ["origin-validation:", "  registry: \(scalar(files.registry))", "  public-key: \(scalar(files.publicKey))"]
    }
}
