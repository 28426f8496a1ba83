import Foundation
import MXGPNode
import MXGPProcess
import MXGPTopology
import NIOCore
import NIOPosix

/// A private Postfix instance for interop tests: its own `main.cf`, `master.cf`, queue
/// and data directories under `/tmp/mxgp-postfix-XXXXXX`, its SMTP server on a loopback
/// address of its own, its `master` in the foreground as a child of the test (never the
/// system instance in /etc/postfix). `stop()` ends it and removes the folder; a crashed
/// run's leftover is caught by Scripts/test (its command line names /tmp/mxgp-…).
///
/// Mail for `mailboxDomains` goes to one mbox file (`virtual` delivery, as `nobody`);
/// everything else goes to `relayhost`. Postfix needs root to run a private instance.
final class PrivatePostfix: @unchecked Sendable {
    static let postfix = "/usr/sbin/postfix"
    static let master = "/usr/lib/postfix/sbin/master"
    /// Whether Postfix is installed here (the tests skip without it).
    static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: postfix) && FileManager.default.isExecutableFile(atPath: master)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The instance's folder: etc/ (config), queue/, data/, mail/inbox, maillog.
    let directory: String
    /// Where its SMTP server listens.
    let host: String
    let port: Int
    private var process: ChildProcess?

    /// Prepares a fresh instance (nothing runs until `start`).
    init(mailboxDomains: [String] = [], relayhost: HostPort? = nil) async throws {
        var template = Array("/tmp/mxgp-postfix-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp under /tmp failed: errno \(errno)") }
        directory = String(cString: made)
        host = LoopbackHosts.unique()
        port = try await freePorts(1, host: host)[0]
        let files = FileManager.default
        // Postfix daemons (user postfix) must reach the queue; virtual delivery writes as nobody.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        for sub in ["etc", "queue", "data", "mail"] {
            try files.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        try files.setAttributes([.ownerAccountName: "postfix"], ofItemAtPath: "\(directory)/data")
        try files.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: "\(directory)/mail")
        try mainCF(mailboxDomains: mailboxDomains, relayhost: relayhost).write(toFile: "\(directory)/etc/main.cf", atomically: true, encoding: .utf8)
        try masterCF.write(toFile: "\(directory)/etc/master.cf", atomically: true, encoding: .utf8)
    }

    func mainCF(mailboxDomains: [String], relayhost: HostPort?) -> String {
        """
        compatibility_level = 3.6
        queue_directory = \(directory)/queue
        data_directory = \(directory)/data
        maillog_file = \(directory)/maillog
        maillog_file_prefixes = /tmp/mxgp-postfix-
        mail_owner = postfix
        setgid_group = postdrop
        myhostname = postfix.test
        mydomain = postfix.test
        myorigin = postfix.test
        mydestination =
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        mynetworks = 127.0.0.0/8
        smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
        smtpd_peername_lookup = no
        smtp_bind_address = 127.0.0.1
        smtp_dns_support_level = disabled
        smtp_host_lookup = native
        relayhost = \(relayhost.map { "[\($0.host)]:\($0.port)" } ?? "")
        virtual_mailbox_domains = \(mailboxDomains.joined(separator: " "))
        virtual_mailbox_base = \(directory)/mail
        virtual_mailbox_maps = static:inbox
        virtual_uid_maps = static:65534
        virtual_gid_maps = static:65534
        alias_maps =
        alias_database =
        biff = no
        maximal_backoff_time = 2s
        minimal_backoff_time = 1s
        queue_run_delay = 1s

        """
    }

    /// Only what relaying and virtual delivery need; nothing chrooted; the SMTP server
    /// on this instance's own address and port.
    var masterCF: String {
        """
        \(host):\(port) inet n - n - - smtpd
        pickup    unix  n - n 60 1 pickup
        cleanup   unix  n - n -  0 cleanup
        qmgr      unix  n - n 300 1 qmgr
        rewrite   unix  - - n -  - trivial-rewrite
        bounce    unix  - - n -  0 bounce
        defer     unix  - - n -  0 bounce
        trace     unix  - - n -  0 bounce
        verify    unix  - - n -  1 verify
        flush     unix  n - n 1000? 0 flush
        proxymap  unix  - - n -  - proxymap
        smtp      unix  - - n -  - smtp
        relay     unix  - - n -  - smtp
        showq     unix  n - n -  - showq
        error     unix  - - n -  - error
        retry     unix  - - n -  - error
        discard   unix  - - n -  - discard
        virtual   unix  - n n -  - virtual
        anvil     unix  - - n -  1 anvil
        scache    unix  - - n -  1 scache
        postlog   unix-dgram n - n - 1 postlogd

        """
    }

    /// Creates the queue (`postfix check`), starts `master` and waits until SMTP answers.
    func start() async throws {
        let (status, output) = try await runTool(Self.postfix, ["-c", "\(directory)/etc", "check"])
        guard status == 0 else {
            throw Failure(description: "postfix check of \(directory)/etc failed (\(status)): \(output) \(log) (a private instance needs root)")
        }
        // The project's spawner (posix_spawn, polled with waitpid): master closes the descriptors
        // it inherits, which Foundation's Process took for an exit before blocking in waitpid.
        let process = try ChildProcess(executable: Self.master, arguments: ["-c", "\(directory)/etc", "-d"], logPath: "\(directory)/master.out")
        self.process = process
        let listening = await LoopbackNodes.poll(timeout: .seconds(10)) { [host, port] in
            guard !process.hasExited else { return false }
            guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: host, port: port).get() else {
                return false
            }
            try? await channel.close().get()
            return true
        }
        guard listening else {
            throw Failure(description: "Postfix in \(directory) did not listen on \(host):\(port); its log:\n\(log)")
        }
    }

    /// Stops `master` (SIGTERM, then SIGKILL after 5 s; its children exit with it) and
    /// removes the folder.
    func stop() async {
        if let process, !process.hasExited {
            process.send(SIGTERM)
            if await !process.waitForExit(timeout: .seconds(5)) {
                process.send(SIGKILL)
                _ = await process.waitForExit(timeout: .seconds(5))
            }
        }
        process = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Postfix's log (maillog_file), for failure messages.
    var log: String { (try? String(contentsOfFile: "\(directory)/maillog", encoding: .utf8)) ?? "(no maillog)" }

    /// The mbox file every virtual mailbox domain delivers to.
    var inbox: String { (try? String(contentsOfFile: "\(directory)/mail/inbox", encoding: .utf8)) ?? "" }

    /// Messages still in Postfix's queue (incoming, active, deferred, hold, maildrop).
    var queued: Int {
        ["incoming", "active", "deferred", "hold", "maildrop"].reduce(0) { total, name in
            let path = "\(directory)/queue/\(name)"
            let files = FileManager.default.enumerator(atPath: path)?.compactMap { entry -> String? in
                let full = "\(path)/\(entry as! String)"
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) && !isDirectory.boolValue ? full : nil
            }
            return total + (files?.count ?? 0)
        }
    }
}
