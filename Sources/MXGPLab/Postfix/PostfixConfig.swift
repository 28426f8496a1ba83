import MXGPTopology

/// The files of a Postfix lab node (`main.cf`, `master.cf`, the `transport` table), rendered
/// from the plan: golden-tested, written by ``LabFiles``, run by the netns backend as a
/// private instance (`master -c <dir>/etc`) in the node's namespace.
///
/// The instance folder (``LabLayout/storePath(_:)``) holds `etc/`, `queue/`, `data/`,
/// `mail/inbox/` (a Maildir every own domain delivers to, through `virtual(8)` as `nobody`)
/// and `maillog`. Everything not set here keeps Postfix's default (connect timeout 30 s,
/// queue run 300 s, backoff 300–4000 s) unless the topology's `postfix:` sets it.
public struct PostfixConfig: Sendable, Hashable {
    /// The node's instance folder, as the node sees it.
    public var directory: String
    public var mainCF: String
    public var masterCF: String
    public var transport: String

    /// The files of the instance's `etc/`, as ``files`` lists them.
    public static let fileNames = ["main.cf", "master.cf", "transport"]
    /// `etc/`'s files: name and text, in the order of ``fileNames``.
    public var files: [(name: String, text: String)] { Array(zip(Self.fileNames, [mainCF, masterCF, transport])) }
    /// Postfix's log in the instance folder `directory`.
    public static func maillog(in directory: String) -> String { "\(directory)/maillog" }
    /// The pid file the instance's `master` writes once it runs.
    public static func masterPIDFile(in directory: String) -> String { "\(directory)/queue/pid/master.pid" }

    /// The Maildir own domains deliver to (under `directory`).
    public static let maildir = "mail/inbox"
    /// The host name a node's Postfix gives itself: `<node>.lab.invalid` (Received: `by <node>.lab.invalid (Postfix)`).
    public static func hostname(_ node: String) -> String { "\(node).\(hostSuffix)" }
    public static let hostSuffix = "lab.invalid"
    /// Where mail goes when a node has no route for it: it stays deferred in the queue.
    static let noRoute = "retry:4.4.4 no static route"

    /// The files of `node` in `plan`.
    public static func render(_ plan: LabPlan, node name: String) -> PostfixConfig {
        let directory = plan.layout.storePath(name)
        let settings = plan.topology.postfixSettings(of: name)
        let routes = PostfixRoutes.compute(name, in: plan.topology)
        let node = plan.node(name)
        func address(_ neighbour: String) -> String {
            "[\(node?.interface(toward: neighbour)?.peerAddress ?? "0.0.0.0")]:25"
        }
        // One smtp transport per distinct fallback list (Postfix has one fallback list per transport).
        var transports: [(name: String, fallbacks: [String])] = []
        func transport(for fallbacks: [String]) -> String {
            guard !fallbacks.isEmpty else { return "smtp" }
            if let known = transports.first(where: { $0.fallbacks == fallbacks }) { return known.name }
            let made = "via\(transports.count)"
            transports.append((made, fallbacks))
            return made
        }
        let up = routes.providers.first.map { _ in transport(for: routes.providers.dropFirst().map(address)) }
        let table = routes.table.map { entry in
            "\(entry.domain) \(transport(for: entry.hops.dropFirst().map(address))):\(address(entry.hops[0]))"
        }
        var main = [
            "# Postfix node \(name) of lab \(plan.name), written by mxgp (docs/LABS.md, \"Postfix nodes\").",
            "# routing: \(settings.routing?.rawValue ?? "hierarchy"), backup relays: \(settings.backupRelays ?? true)",
            "compatibility_level = 3.6",
            "queue_directory = \(directory)/queue",
            "data_directory = \(directory)/data",
            "maillog_file = \(maillog(in: directory))",
            "maillog_file_prefixes = \(directory)/",
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "myhostname = \(hostname(name))",
            "mydomain = \(hostSuffix)",
            "myorigin = $myhostname",
            "mydestination =",
            "inet_interfaces = all",
            "inet_protocols = ipv4",
            "mynetworks = 127.0.0.0/8, 10.0.0.0/8",
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
            "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination",
            "smtpd_peername_lookup = no",
            "smtpd_banner = $myhostname ESMTP",
            "smtp_dns_support_level = disabled",
            "smtp_host_lookup = native",
            "relayhost =" + (routes.providers.first.map { " " + address($0) } ?? ""),
            "default_transport = \(up ?? noRoute)",
            "transport_maps = texthash:\(directory)/etc/transport",
            "virtual_mailbox_domains =" + routes.localDomains.map { " " + $0 }.joined(),
            "virtual_mailbox_base = \(directory)/mail",
            "virtual_mailbox_maps = static:inbox/",
            "virtual_uid_maps = static:65534",
            "virtual_gid_maps = static:65534",
            "alias_maps =",
            "alias_database =",
            "biff = no",
        ]
        main += settings.mainCFTimers.map { "\($0.parameter) = \($0.seconds)s" }
        var master = [
            "# Postfix node \(name) of lab \(plan.name), written by mxgp: relaying and virtual delivery, nothing chrooted.",
            "25        inet  n - n -  - smtpd",
            "pickup    unix  n - n 60 1 pickup",
            "cleanup   unix  n - n -  0 cleanup",
            "qmgr      unix  n - n 300 1 qmgr",
            "rewrite   unix  - - n -  - trivial-rewrite",
            "bounce    unix  - - n -  0 bounce",
            "defer     unix  - - n -  0 bounce",
            "trace     unix  - - n -  0 bounce",
            "verify    unix  - - n -  1 verify",
            "flush     unix  n - n 1000? 0 flush",
            "proxymap  unix  - - n -  - proxymap",
            "smtp      unix  - - n -  - smtp",
            "relay     unix  - - n -  - smtp",
            "showq     unix  n - n -  - showq",
            "error     unix  - - n -  - error",
            "retry     unix  - - n -  - error",
            "discard   unix  - - n -  - discard",
            "virtual   unix  - n n -  - virtual",
            "anvil     unix  - - n -  1 anvil",
            "scache    unix  - - n -  1 scache",
            "postlog   unix-dgram n - n - 1 postlogd",
        ]
        for (name, fallbacks) in transports {
            master.append("\(name) unix  - - n -  - smtp -o smtp_fallback_relay=\(fallbacks.joined(separator: ","))")
        }
        let header = "# Static transport table of \(name) (domain → transport:[next hop]:25), computed from the topology at lab up.\n"
        return PostfixConfig(directory: directory, mainCF: main.joined(separator: "\n") + "\n", masterCF: master.joined(separator: "\n") + "\n",
                             transport: header + table.map { $0 + "\n" }.joined())
    }
}
