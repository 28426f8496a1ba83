import Foundation

/// The folder where labs keep their state: one `<root>/<lab>/` per lab that is up, with
/// `lab.json` (what is up and which faults are active), a copy of the topology, node configs,
/// certificates, stores, admin sockets, pid files and `logs/<node>.log`.
///
/// The root is `$MXGP_LAB_DIR`, or `/run/mxgp/labs` (tmpfs: gone after a reboot, like the
/// namespaces themselves).
public struct LabDirectory: Sendable, Hashable {
    public var root: String

    public init(root: String) { self.root = root }

    /// `$MXGP_LAB_DIR` or `/run/mxgp/labs`.
    public static var standard: LabDirectory {
        LabDirectory(root: ProcessInfo.processInfo.environment["MXGP_LAB_DIR"] ?? "/run/mxgp/labs")
    }

    public func labPath(_ lab: String) -> String { "\(root)/\(lab)" }
    public func statePath(_ lab: String) -> String { "\(labPath(lab))/lab.json" }
    public func topologyPath(_ lab: String) -> String { "\(labPath(lab))/topology.yaml" }
    public func logPath(_ lab: String, _ node: String) -> String { "\(labPath(lab))/logs/\(node).log" }
    public func pidPath(_ lab: String, _ node: String) -> String { "\(labPath(lab))/run/\(node).pid" }

    /// The names of the labs with a folder here, sorted.
    public func labs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: statePath($0)) }.sorted()
    }

    /// Creates the lab's folders (`logs`, `run`, `nodes`, `state`, `pki`).
    public func create(_ lab: String) throws {
        for sub in ["logs", "run", "nodes", "state", "pki"] {
            try FileManager.default.createDirectory(atPath: "\(labPath(lab))/\(sub)", withIntermediateDirectories: true)
        }
    }

    /// Removes the lab's folder (retrying: a node that just stopped may still be removing its socket).
    public func remove(_ lab: String) {
        for _ in 0..<5 where FileManager.default.fileExists(atPath: labPath(lab)) {
            if (try? FileManager.default.removeItem(atPath: labPath(lab))) == nil { usleep(100_000) }
        }
    }
}

/// What `lab.json` records about a lab that is up.
public struct LabState: Codable, Sendable, Hashable {
    /// The runtime the lab runs on.
    public var backend: LabBackendKind
    /// The lab's address block (container labs share the host's address space, so each lab up
    /// at once gets its own; netns labs always use block 0). Absent in older lab folders: 0.
    public var addressBlock: Int?
    /// The topology file the lab came from (its text is copied to `topology.yaml`).
    public var topologyFile: String
    /// The `mxgp` executable the nodes run (netns).
    public var binary: String
    /// When `up` started (ISO 8601).
    public var createdAt: String
    /// Faults applied and not yet healed, in the order they were applied.
    public var faults: [LabFault]
    /// Who brought the lab up (the user behind sudo when there is one). Absent in older lab folders.
    public var owner: String?

    public init(backend: LabBackendKind, topologyFile: String, binary: String, createdAt: String, faults: [LabFault] = [], addressBlock: Int? = nil,
                owner: String? = nil) {
        self.backend = backend
        self.owner = owner
        self.addressBlock = addressBlock
        self.topologyFile = topologyFile
        self.binary = binary
        self.createdAt = createdAt
        self.faults = faults
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func read(from path: String) throws -> LabState {
        try JSONDecoder().decode(LabState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
