import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The machine-wide limits a big netns lab runs into, and what each must be at least.
///
/// All nodes of all namespaces share the kernel's neighbour (ARP) table, whose garbage
/// collector starts dropping entries at `gc_thresh3` (1024 by default: a lab of 500 links
/// already holds 1000 entries); every node's threads take process ids (`pid_max`, 32768 on
/// some machines); and every node process inherits the descriptor limit of `mxgp lab up`.
/// `mxgp lab up` raises what is too low, says so, and leaves the rest as it is.
public enum LabHostLimits {
    /// One kernel setting a lab needs raised.
    public struct Setting: Sendable, Hashable {
        /// `/proc/sys/…` path.
        public var path: String
        /// The least value the lab needs.
        public var minimum: Int
        /// Why, for the message.
        public var why: String

        /// The sysctl name of `path` (`net.ipv4.neigh.default.gc_thresh3`).
        public var name: String {
            path.replacingOccurrences(of: "/proc/sys/", with: "").replacingOccurrences(of: "/", with: ".")
        }
    }

    /// Neighbour entries a lab may hold: one per link end, IPv4 and doubled for slack.
    static func neighbourEntries(links: Int) -> Int { 4 * links }

    /// The settings a lab of `nodes` nodes and `links` links needs, with their least values.
    public static func settings(nodes: Int, links: Int) -> [Setting] {
        let entries = neighbourEntries(links: links)
        let neighbours = "\(links) links keep up to \(2 * links) neighbour entries in the kernel's shared table"
        return [
            Setting(path: "/proc/sys/net/ipv4/neigh/default/gc_thresh1", minimum: entries / 4, why: neighbours),
            Setting(path: "/proc/sys/net/ipv4/neigh/default/gc_thresh2", minimum: entries / 2, why: neighbours),
            Setting(path: "/proc/sys/net/ipv4/neigh/default/gc_thresh3", minimum: entries, why: neighbours),
            // About 16 threads per node process, plus room for everything else on the machine.
            Setting(path: "/proc/sys/kernel/pid_max", minimum: 20_000 + 16 * nodes, why: "\(nodes) node processes run about \(16 * nodes) threads"),
        ]
    }

    /// What `raise` changed or could not change, one line each.
    public struct Outcome: Sendable, Equatable {
        public var raised: [String] = []
        public var failed: [String] = []
    }

    /// Raises every setting below its minimum (never lowers one), and this process's soft
    /// descriptor limit to its hard limit (the nodes inherit it).
    public static func raise(nodes: Int, links: Int) -> Outcome {
        var outcome = Outcome()
        for setting in settings(nodes: nodes, links: links) {
            guard let text = try? String(contentsOfFile: setting.path, encoding: .utf8),
                  let current = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), current < setting.minimum else { continue }
            do {
                try "\(setting.minimum)\n".write(toFile: setting.path, atomically: false, encoding: .utf8)
                outcome.raised.append("raised \(setting.name) from \(current) to \(setting.minimum) (\(setting.why))")
            } catch {
                outcome.failed.append("\(setting.name) is \(current), below the \(setting.minimum) this lab needs (\(setting.why)), and could not be raised: \(error); raise it with sysctl -w \(setting.name)=\(setting.minimum)")
            }
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            let before = limit.rlim_cur
            limit.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, nodes > LabPlanner.bigLabNodes {
                outcome.raised.append("raised the open-file limit the nodes inherit from \(before) to \(limit.rlim_max)")
            }
        }
        return outcome
    }
}
