import Foundation

/// The commands behind `mxgp lab shell` and `mxgp lab logs`: an interactive shell inside a
/// node with `mxgp` on the PATH and `mxgp ctl` pointed at that node ($MXGP_SOCKET), and the
/// node's log. The commands are data (tested without a lab); the CLI runs them attached to
/// the terminal.
public enum LabShell {
    /// What the shell's environment says about where it is: `MXGP_SOCKET` (read by `mxgp ctl`),
    /// `MXGP_LAB` and `MXGP_NODE`.
    public static func environment(_ lab: Lab, node: String) -> [(String, String)] {
        [("MXGP_SOCKET", lab.plan.layout.adminSocket(node)), ("MXGP_LAB", lab.name), ("MXGP_NODE", node)]
    }

    /// The prompt: `[LAB NODE] folder#`.
    public static func prompt(_ lab: Lab, node: String) -> String { "[\(lab.name) \(node)] \\w\\$ " }

    /// The lab folder's `bin/` (netns): holds `mxgp`, a link to the binary the nodes run.
    public static func binFolder(_ lab: Lab) -> String { "\(lab.directory.labPath(lab.name))/bin" }

    /// The startup file of a netns node's shell: the user's own `~/.bashrc` first, then the lab's PATH, socket and prompt.
    public static func rcFile(_ lab: Lab, node: String) -> String {
        var lines = [
            "# Startup file of `mxgp lab shell \(lab.name) \(node)`; written by mxgp.",
            "[ -f \"$HOME/.bashrc\" ] && . \"$HOME/.bashrc\"",
            "export PATH=\(quoted(binFolder(lab))):\"$PATH\"",
        ]
        lines += environment(lab, node: node).map { "export \($0.0)=\(quoted($0.1))" }
        lines.append("PS1=\(quoted(prompt(lab, node: node)))")
        lines.append("case $- in *i*) echo \(quoted(banner(lab, node: node))) ;; esac")
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the shell says when it opens.
    public static func banner(_ lab: Lab, node: String) -> String {
        "node \(node) of lab \(lab.name) (\(lab.state.backend)): mxgp ctl peers|routes|nexthops|queue|ledger asks this node; exit or Ctrl-D leaves"
    }

    /// The startup file's path (netns): `<lab>/shell/<node>.bashrc`.
    public static func rcPath(_ lab: Lab, node: String) -> String { "\(lab.directory.labPath(lab.name))/shell/\(node).bashrc" }

    /// Writes the netns shell's `bin/mxgp` link and startup file (idempotent).
    public static func prepare(_ lab: Lab, node: String) throws {
        let fm = FileManager.default
        let bin = binFolder(lab)
        try fm.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: (rcPath(lab, node: node) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let link = "\(bin)/mxgp"
        if (try? fm.destinationOfSymbolicLink(atPath: link)) != lab.state.binary {
            try? fm.removeItem(atPath: link)
            try fm.createSymbolicLink(atPath: link, withDestinationPath: lab.state.binary)
        }
        try rcFile(lab, node: node).write(toFile: rcPath(lab, node: node), atomically: true, encoding: .utf8)
    }

    /// The command that opens the shell. `container` is the node's container (compose, swarm);
    /// `terminal` says whether standard input is a terminal (`docker exec -t` needs one);
    /// `command` runs one command in that shell instead (`-c`, after the startup file) and returns.
    public static func command(_ lab: Lab, node: PlannedNode, container: String?, terminal: Bool, command: String? = nil) -> [String] {
        let run = command.map { ["-c", $0] } ?? []
        switch lab.state.backend {
        case .netns:
            if let command {
                return NetnsCommands.exec(node, ["bash", "-c", ". \"$0\"; eval \"$1\"", rcPath(lab, node: node.name), command])
            }
            return NetnsCommands.exec(node, ["bash", "--rcfile", rcPath(lab, node: node.name), "-i"])
        case .compose, .swarm:
            var argv = ["docker", "exec", "-i"] + (terminal ? ["-t"] : [])
            for (name, value) in environment(lab, node: node.name) + [("PS1", prompt(lab, node: node.name))] {
                argv += ["-e", "\(name)=\(value)"]
            }
            // The lab image has mxgp on its PATH; bash when the image has it, else sh.
            let shell = "echo \(quoted(banner(lab, node: node.name))) >&2; if command -v bash >/dev/null; then exec bash --norc -i \"$@\"; else exec sh -i \"$@\"; fi"
            return argv + [container ?? "CONTAINER", "sh", "-c", shell, "mxgp-shell"] + run
        }
    }

    /// The command that prints a node's log: the log file (netns) or `docker logs` (containers);
    /// for a Postfix node (`mta: postfix`) its `maillog`, on the host or inside the container.
    /// `follow` keeps printing what is added until Ctrl-C; `lines` starts from the last N lines.
    public static func logCommand(_ lab: Lab, node: String, container: String?, follow: Bool, lines: Int?) -> [String] {
        let tail = ["tail", "-n", lines.map(String.init) ?? "+1"] + (follow ? ["-F"] : [])
        if lab.plan.runsPostfix(node) {
            let maillog = PostfixConfig.maillog(in: lab.plan.layout.storePath(node))
            return lab.state.backend == .netns ? tail + [maillog] : ["docker", "exec", container ?? "CONTAINER"] + tail + [maillog]
        }
        switch lab.state.backend {
        case .netns:
            return tail + [lab.directory.logPath(lab.name, node)]
        case .compose, .swarm:
            return ["docker", "logs"] + (follow ? ["--follow"] : []) + (lines.map { ["--tail", String($0)] } ?? []) + [container ?? "CONTAINER"]
        }
    }

    /// `text` in single quotes for sh.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
