/// The lab runtimes, by name: what `--backend` takes and `lab.json` records. Adding a runtime
/// is a case here, its layout and its construction in ``LabController/makeBackend(_:lab:topologyFile:)``.
public enum LabBackendKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Network namespaces and veth pairs on this machine, nodes as processes (needs root).
    case netns
    /// A container per node on a Docker engine, driven by `docker compose`; links are `internal` bridge networks.
    case compose
    /// The compose lab as a stack on Docker Swarm: overlay networks, configs and secrets.
    case swarm

    public var description: String { rawValue }

    /// True for the runtimes that run the nodes in containers of the `mxgp` image.
    public var usesContainers: Bool { self != .netns }

    /// Every name, for help texts and errors: `netns, compose or swarm`.
    public static var names: String {
        let all = allCases.map(\.rawValue)
        return all.dropLast().joined(separator: ", ") + " or " + all.last!
    }

    /// The kind named `text`, or an error that lists them.
    public static func named(_ text: String) throws(LabError) -> LabBackendKind {
        guard let kind = LabBackendKind(rawValue: text) else {
            if text == "sim" { throw LabError("the simulator runs scenarios, not labs: use mxgp lab run SCENARIO --backend sim, or mxgp sim TOPOLOGY") }
            throw LabError("unknown backend \(text.debugDescription); use \(names)")
        }
        return kind
    }
}
