import Foundation
import MXGPProcess

/// `mxgp lab pcap`: a capture of the link between two nodes of a netns lab, with the TLS key
/// log beside it so Wireshark (and `docs/wireshark/mxgp.lua`) can read MXGP and SMTP.
public struct LabPcap: Sendable {
    public var lab: Lab
    /// The node whose interface is captured, and the neighbour at the other end.
    public var a: String
    public var b: String

    public init(lab: Lab, a: String, b: String) {
        self.lab = lab
        self.a = a
        self.b = b
    }

    /// The interface of `a` toward `b`; an error names `a`'s neighbours when there is no link.
    public func interface() throws -> PlannedInterface {
        let node = try lab.node(a)
        _ = try lab.node(b)
        guard let interface = node.interfaces.first(where: { $0.peer == b }) else {
            throw LabError("lab \(lab.name) has no link between \(a) and \(b); \(a)'s neighbours: \(node.interfaces.map(\.peer).joined(separator: ", "))")
        }
        return interface
    }

    /// The capture command: tcpdump in `a`'s namespace on its interface toward `b`, writing
    /// every packet to `file` as it arrives (`-U`), as root (so it can write anywhere), for
    /// `seconds` (then SIGINT, so the file ends cleanly) or until Ctrl-C.
    public func command(file: String, seconds: Int?) throws -> [String] {
        guard lab.state.backend == .netns else {
            throw LabError("lab pcap captures netns labs; lab \(lab.name) runs on \(lab.state.backend): run tcpdump in the container with mxgp lab exec \(lab.name) \(a) -- tcpdump …")
        }
        let node = try lab.node(a)
        let tcpdump = ["tcpdump", "-i", try interface().name, "-s", "0", "-U", "-Z", "root", "-w", file]
        return NetnsCommands.exec(node, (seconds.map { ["timeout", "-s", "INT", String($0)] } ?? []) + tcpdump)
    }

    /// The key log's path for a capture file: `x.pcap` → `x.keys`.
    public static func keyLogPath(for file: String) -> String {
        (file.hasSuffix(".pcap") ? String(file.dropLast(5)) : file) + ".keys"
    }

    /// Writes the TLS secrets both ends have logged (SSLKEYLOGFILE format) to `path`; returns
    /// how many lines it wrote.
    @discardableResult
    public func writeKeyLog(to path: String) throws -> Int {
        var lines: [Substring] = []
        var seen = Set<Substring>()
        for node in [a, b] {
            let text = (try? String(contentsOfFile: lab.plan.layout.keyLogPath(node), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where seen.insert(line).inserted { lines.append(line) }
        }
        try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: path, atomically: true, encoding: .utf8)
        return lines.count
    }

    /// Checks that tcpdump is installed, saying how to install it.
    public static func checkTcpdump(runner: any CommandRunner = ProcessRunner()) async throws {
        guard await runner.run(["sh", "-c", "command -v tcpdump"], timeout: .seconds(5)).succeeded else {
            throw LabError("tcpdump is not installed; lab pcap needs it (Debian: apt-get install -y tcpdump)")
        }
    }
}
