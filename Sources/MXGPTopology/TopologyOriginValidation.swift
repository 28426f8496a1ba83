import MXGPCore
import Yams

/// The topology's `origin-validation:` key: labs made from the topology generate a signed
/// origin registry from the nodes' domains and every node validates routes with it.
///
/// ```yaml
/// origin-validation: on                       # every node's domains are registered
/// origin-validation: { leave-out: [evil] }    # evil's domains are not (the hijack exercise)
/// ```
public struct TopologyOriginValidation: Hashable, Sendable {
    /// Nodes whose domains are not registered (their routes are NotFound, or Invalid where
    /// another node registered the same domain).
    public var leaveOut: [String]

    /// Creates the setting.
    public init(leaveOut: [String] = []) { self.leaveOut = leaveOut }
}

extension Topology {
    /// The registry a lab of this topology uses: every domain of every node not in `leaveOut`,
    /// authorised for that node's operator at depth 0 (exactly the domain, no names below it),
    /// in the node's countries (``TopologyNode/domainCountries``).
    /// Domains a node lists under `hijack:` are never authorised for it.
    public func originRegistry(serial: UInt32 = 1, leaveOut: [String]) -> OriginRegistry {
        let left = Set(leaveOut)
        let entries = nodes.filter { !left.contains($0.name) }.flatMap { node in
            node.domains.filter { !node.hijacked.contains($0) }.map {
                OriginAuthorization(operatorNumber: node.operatorNumber, suffix: $0, maxDepth: 0, countries: node.domainCountries)
            }
        }
        return OriginRegistry(serial: serial, entries: entries)
    }

    /// The registry of the topology's `origin-validation:` key; nil when the key is absent or off.
    public var originRegistry: OriginRegistry? {
        originValidation.map { originRegistry(leaveOut: $0.leaveOut) }
    }
}

extension Reader {
    /// Keys of `origin-validation:` when it is a mapping.
    static let originValidationKeys = ["leave-out"]

    mutating func originValidation(from node: Node, declared: Set<String>) -> TopologyOriginValidation? {
        let line = YAMLContext.line(of: node)
        let what = "origin-validation"
        if case .scalar(let scalar) = node, !YAMLContext.isNull(node) {
            switch scalar.string.lowercased() {
            case "on", "true": return TopologyOriginValidation()
            case "off", "false": return nil
            default:
                context.error(.wrongType, line: line, "\(what) is \"\(scalar.string)\"",
                              fix: "write  origin-validation: on  or  origin-validation: { leave-out: [NODE] }")
                return nil
            }
        }
        if YAMLContext.isNull(node) { return nil }
        guard let mapping = context.mapping(node, what, example: "{ leave-out: [hijacker] }") else { return nil }
        let values = context.keys(of: mapping, what, allowed: Self.originValidationKeys, required: [], line: line)
        var leaveOut: [String] = []
        if let list = values["leave-out"], let items = context.scalarList(list, "origin-validation.leave-out", example: "[hijacker]") {
            for (name, itemLine) in items {
                if declared.contains(name) {
                    leaveOut.append(name)
                } else {
                    context.error(.unknownNode, line: itemLine, "origin-validation.leave-out names unknown node \"\(name)\"",
                                  fix: Self.nodeFix(name, known: declared))
                }
            }
        }
        return TopologyOriginValidation(leaveOut: leaveOut)
    }
}

extension TopologyNode {
    /// The countries the registry records for this node's domains: `countries:`, else its region.
    public var domainCountries: [Country] { countries.isEmpty ? [region] : countries }
}
