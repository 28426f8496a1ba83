import Foundation

/// A Postfix lab node's private instance: its folder and the commands that check and start it.
/// Nothing here touches the system instance (/etc/postfix): every command names the instance's
/// own `etc/` with `-c`, and the folder lives in the lab folder, so `lab down` (which kills every
/// process of the node's namespace and removes the folder) leaves nothing behind.
public enum PostfixInstance {
    public static let postfix = "/usr/sbin/postfix"
    public static let master = "/usr/lib/postfix/sbin/master"

    /// Whether Postfix is installed here.
    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: postfix) && FileManager.default.isExecutableFile(atPath: master)
    }

    /// Creates the instance folder and writes its files (host paths equal the node's view on netns).
    /// Postfix's daemons run as `postfix` and must reach the queue; `virtual` writes as nobody.
    public static func write(_ config: PostfixConfig) throws {
        let fm = FileManager.default
        let dir = config.directory
        for sub in ["etc", "queue", "data", "mail"] {
            try fm.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
        if getuid() == 0 {
            try fm.setAttributes([.ownerAccountName: "postfix"], ofItemAtPath: "\(dir)/data")
            try fm.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: "\(dir)/mail")
        }
        for (name, text) in config.files { try text.write(toFile: "\(dir)/etc/\(name)", atomically: true, encoding: .utf8) }
    }

    /// `postfix -c DIR/etc check`: creates the queue's folders with their owners and checks the config.
    public static func check(_ directory: String, runner: any CommandRunner) async throws {
        guard installed else {
            throw LabError("Postfix is not installed (\(postfix), \(master)); Postfix lab nodes need it (Debian: apt-get install -y postfix, choosing \"No configuration\")")
        }
        let result = await runner.run([postfix, "-c", "\(directory)/etc", "check"], timeout: .seconds(30))
        guard result.succeeded else {
            let log = (try? String(contentsOfFile: PostfixConfig.maillog(in: directory), encoding: .utf8)) ?? ""
            throw LabError("postfix check of \(directory)/etc failed: \(result.stderr) \(log.suffix(600)) (a private Postfix instance needs root)")
        }
    }

    /// The launcher script: `master -c DIR/etc -d` in the namespace, in its own session, detached
    /// from this process's descriptors; prints its pid.
    public static func launch(namespace: String, directory: String, log: String) -> [String] {
        let script = #"ip netns exec "$1" setsid "$2" -c "$3" -d >>"$4" 2>&1 </dev/null & echo $!"#
        return ["bash", "-c", script, "mxgp-postfix-launch", namespace, master, "\(directory)/etc", log]
    }

    /// The iptables rule (in the node's fault chain) that refuses `percent` % of new SMTP
    /// connections with a TCP reset: Postfix's SMTP server has no "answer 421 to some
    /// transactions" switch, and a refused connection is the same temporary failure to the sender.
    public static func tempfailRule(percent: Int) -> [String] {
        var rule = ["iptables", "-w", "-A", FaultChains.input, "-p", "tcp", "--dport", "25", "--syn"]
        if percent < 100 { rule += ["-m", "statistic", "--mode", "random", "--probability", String(format: "%.2f", Double(percent) / 100)] }
        return rule + ["-j", "REJECT", "--reject-with", "tcp-reset"]
    }
}
