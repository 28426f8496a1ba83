import Foundation
import MXGPTopology

#if canImport(Glibc)
import Glibc
#endif

/// One lab of a lab folder as `mxgp lab list` shows it.
public struct LabSummary: Codable, Sendable, Hashable {
    /// The lab's name (the topology's `name:`, or `lab up --name`).
    public var name: String
    /// netns, compose or swarm.
    public var backend: String
    /// How many nodes it runs; nil when its topology copy cannot be read.
    public var nodes: Int?
    /// When `lab up` started it (ISO 8601).
    public var upSince: String
    /// Its active faults, in the command-line syntax (`cut colo1 up1`).
    public var faults: [String]
    /// Who brought it up; nil for labs made before owners were recorded.
    public var owner: String?
    /// What is wrong with its folder, when something is.
    public var problem: String?

    public init(name: String, backend: String, nodes: Int?, upSince: String, faults: [String], owner: String?, problem: String? = nil) {
        self.name = name
        self.backend = backend
        self.nodes = nodes
        self.upSince = upSince
        self.faults = faults
        self.owner = owner
        self.problem = problem
    }
}

/// Everything `mxgp lab down --all` would remove, so it can name it before asking.
public struct DownAllPlan: Sendable, Hashable {
    /// The labs of this lab folder.
    public var labs: [LabSummary]
    /// `mxgp-` namespaces that belong to no lab of this folder (other lab folders' labs, or
    /// leftovers of a crash): `down --all` removes them too, with their processes.
    public var strayNamespaces: [String]
    /// `mxgp-` interfaces left in the host namespace.
    public var strayLinks: [String]

    public var isEmpty: Bool { labs.isEmpty && strayNamespaces.isEmpty && strayLinks.isEmpty }

    /// The plan for people: one line per thing that will go.
    public var lines: [String] {
        var lines = labs.map { lab in
            "lab \(lab.name) (\(lab.backend), \(lab.nodes.map { "\($0) nodes" } ?? "nodes unknown"), owner \(lab.owner ?? "unknown"), up since \(lab.upSince))"
        }
        if !strayNamespaces.isEmpty {
            lines.append("\(strayNamespaces.count) namespace(s) of no lab in this folder (another lab folder's labs, or leftovers): " + strayNamespaces.joined(separator: ", "))
        }
        if !strayLinks.isEmpty { lines.append("\(strayLinks.count) leftover interface(s): " + strayLinks.joined(separator: ", ")) }
        return lines
    }
}

/// Whether `lab down --all` may go ahead: with `--yes` at once, on a terminal after asking,
/// and never when nobody can be asked.
public enum DownAllConfirmation: Sendable, Hashable {
    case proceed
    case ask
    case refuse(String)

    /// The decision for `--yes` and whether standard input is a terminal.
    public static func decide(yes: Bool, interactive: Bool) -> DownAllConfirmation {
        if yes { return .proceed }
        if interactive { return .ask }
        return .refuse("lab down --all removes every lab listed above and asks first, but standard input is not a terminal; add --yes to remove them from a script")
    }

    /// Whether a typed answer means yes (`y` or `yes`, any case); end of input means no.
    public static func accepts(_ answer: String?) -> Bool {
        guard let answer else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}

/// Who is bringing a lab up: the user behind `sudo` when there is one, else this user.
public enum LabOwner {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = environment["SUDO_USER"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "uid \(geteuid())"
    }
}

extension LabController {
    /// The labs of this lab folder, sorted by name; a lab whose folder cannot be read says so.
    public func summaries() -> [LabSummary] {
        directory.labs().map { name in
            guard let state = try? LabState.read(from: directory.statePath(name)) else {
                return LabSummary(name: name, backend: "?", nodes: nil, upSince: "?", faults: [], owner: nil,
                                  problem: "\(directory.statePath(name)) cannot be read; `mxgp lab down \(name)` removes it")
            }
            let nodes = (try? Topology.load(path: directory.topologyPath(name)).topology.nodes.count)
            return LabSummary(name: name, backend: state.backend.rawValue, nodes: nodes, upSince: state.createdAt,
                              faults: state.faults.map(\.description), owner: state.owner,
                              problem: nodes == nil ? "its topology copy \(directory.topologyPath(name)) cannot be read" : nil)
        }
    }

    /// What ``downAll()`` would remove now.
    public func planDownAll() async -> DownAllPlan {
        let labs = summaries()
        let netns = NetnsBackend(binary: binary, directory: directory, runner: runner)
        let namespaces = await netns.namespaces(prefix: "mxgp-").filter { namespace in
            !labs.contains { $0.backend == LabBackendKind.netns.rawValue && namespace.hasPrefix("mxgp-\($0.name)-") }
        }
        return DownAllPlan(labs: labs, strayNamespaces: namespaces, strayLinks: await hostLinks(prefix: "mxgp-"))
    }

    /// Interfaces of the host namespace whose name starts with `prefix`.
    func hostLinks(prefix: String) async -> [String] {
        let links = await runner.run(["ip", "-o", "link", "show"], timeout: .seconds(10)).stdout
        return links.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", maxSplits: 2)
            guard fields.count > 1 else { return nil }
            let name = fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? ""
            return name.hasPrefix(prefix) ? name : nil
        }
    }
}
