import Foundation
import MXGPAdminAPI
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// Packets on the wire: `lab pcap` captures a real lab link, the nodes' TLS key log decrypts
/// it, and the Lua dissector in docs/wireshark/ decodes MXGP (needs root, tcpdump and tshark;
/// .ci/run installs them).
@Suite(.serialized) struct NetnsPcapTests {
    static func installed(_ tool: String) -> Bool {
        ["/usr/bin/\(tool)", "/usr/sbin/\(tool)", "/bin/\(tool)"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var canCapture: Bool { NetnsLabTests.isRoot && installed("tcpdump") && installed("tshark") }

    @Test func captureCommandAndKeyLogPath() throws {
        let lab = try LabPerStudentTests.lab(.netns)
        let pcap = LabPcap(lab: lab, a: "colo1", b: "up1")
        let interface = try pcap.interface().name
        #expect(try pcap.command(file: "/tmp/x.pcap", seconds: 5) == ["ip", "netns", "exec", "mxgp-alice-colo1", "timeout", "-s", "INT", "5",
                                                                      "tcpdump", "-i", interface, "-s", "0", "-U", "-Z", "root", "-w", "/tmp/x.pcap"])
        #expect(LabPcap.keyLogPath(for: "/tmp/x.pcap") == "/tmp/x.keys")
        #expect(throws: LabError.self) { try LabPcap(lab: lab, a: "colo1", b: "colo2").interface() }
        #expect(throws: LabError.self) { try LabPcap(lab: try LabPerStudentTests.lab(.compose), a: "colo1", b: "up1").command(file: "x", seconds: 1) }
    }

    @Test func labNodesLogTLSSecretsOnlyInLabs() throws {
        let plan = try LabPlanTests.quickstart()
        let config = try #require(plan.node("colo1")?.config)
        #expect(config.tls?.keyLog == plan.layout.keyLogPath("colo1"))
        #expect(try NodeConfig.parse(yaml: config.yamlText) == config)
        // The same key in a production config is refused.
        let production = config.yamlText.replacingOccurrences(of: "  profile: lab\n", with: "  profile: production\n")
        #expect(production != config.yamlText)
        #expect { try NodeConfig.parse(yaml: production) } throws: { "\($0)".contains("tls.key-log") && "\($0)".contains("profile: lab") }
    }

    /// What `aLabCaptureDecodesWithTheDissector` prints: the first packets of the MXGP decode
    /// (tshark's one-line summaries) and the fields it checks.
    static func decodeReport(summary: String, updates: String, opens: String, limit: Int = 12) -> String {
        func lines(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) } }
        let packets = lines(summary)
        var out = ["tshark -X lua_script:docs/wireshark/mxgp.lua -o tls.keylog_file:colo1-up1.keys -r colo1-up1.pcap -Y mxgp"
                   + " (\(min(limit, packets.count)) of \(packets.count) packets):"]
        out += packets.prefix(limit).map { "  " + $0 }
        out.append("UPDATEs (mxgp.update.announced, mxgp.attr.operator_path):")
        out += lines(updates).prefix(limit).map { "  " + $0 }
        out.append("OPENs (mxgp.open.name): " + lines(opens).joined(separator: ", "))
        return out.joined(separator: "\n")
    }

    @Test func theDecodeIsPrintedForTheLog() {
        let report = Self.decodeReport(summary: "  1 0.000 10.0.0.1 → 10.0.0.2 MXGP 120 OPEN colo1 operator 65001\n\n  2 0.010 10.0.0.2 → 10.0.0.1 MXGP 90 KEEPALIVE\n",
                                       updates: "bob.example\t100,64502\n", opens: "colo1\nup1\n", limit: 1)
        #expect(report == """
            tshark -X lua_script:docs/wireshark/mxgp.lua -o tls.keylog_file:colo1-up1.keys -r colo1-up1.pcap -Y mxgp (1 of 2 packets):
                1 0.000 10.0.0.1 → 10.0.0.2 MXGP 120 OPEN colo1 operator 65001
            UPDATEs (mxgp.update.announced, mxgp.attr.operator_path):
              bob.example\t100,64502
            OPENs (mxgp.open.name): colo1, up1
            """)
    }

    /// A real lab capture decoded with tshark finds an UPDATE with its domains (and OPEN), and
    /// the SMTP of a message relayed over the link, decrypted after STARTTLS.
    @Test(.enabled(if: canCapture, "needs root, tcpdump and tshark"))
    func aLabCaptureDecodesWithTheDissector() async throws {
        try await NetnsLabTests.withLab { lab, _ in
            let folder = NSTemporaryDirectory() + "mxgp-pcaptest-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = folder + "/colo1-up1.pcap"
            let pcap = LabPcap(lab: lab, a: "colo1", b: "up1")
            let argv = try pcap.command(file: file, seconds: 10)
            let capture = Task { await ProcessRunner().run(argv, timeout: .seconds(40)) }
            try await Task.sleep(for: .seconds(1))
            // A new session on the captured link (OPEN, UPDATEs), then, once colo1 routes through
            // up1 again, a message it relays over the link: SMTP with STARTTLS. Both well inside
            // the 10 s capture.
            _ = try await LabFaults(lab: lab).apply(.sessionReset(a: "colo1", b: "up1"))
            try await Task.sleep(for: .seconds(1))
            _ = try await lab.waitForConvergence(timeout: .seconds(5))
            let sent = await lab.backend.exec(lab.plan, node: "colo1", [lab.backend.nodeBinary(lab.state), "send", "--server", "127.0.0.1:25",
                                                                        "--from", "a@alice.example", "--to", "bob@bob.example", "--subject", "on the wire"],
                                              timeout: .seconds(20))
            #expect(sent.succeeded, "\(sent.message)")
            var arrived: AdminMailboxMessage?
            for _ in 0..<50 where arrived == nil {
                arrived = try await lab.mailbox("colo2", "bob@bob.example").first { $0.subject.hasPrefix("on the wire") }
                if arrived == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(arrived?.hops == ["colo1", "up1", "colo2"], "the message over the captured link: \(String(describing: arrived))")
            let result = await capture.value
            #expect(result.status == 0 || result.status == 124, "\(result.stderr)")
            let keys = LabPcap.keyLogPath(for: file)
            #expect(try pcap.writeKeyLog(to: keys) > 0)
            let dissector = TestBinary.repository.appendingPathComponent("docs/wireshark/mxgp.lua").path
            let decoded = await ProcessRunner().run(["tshark", "-X", "lua_script:\(dissector)", "-o", "tls.keylog_file:\(keys)", "-r", file,
                                                     "-Y", "mxgp.type == 2", "-T", "fields", "-e", "mxgp.update.announced", "-e", "mxgp.attr.operator_path"],
                                                    timeout: .seconds(60))
            #expect(decoded.succeeded, "\(decoded.stderr)")
            // up1 gives colo1 bob.example (its customer colo2's) with path 100 64502.
            #expect(decoded.stdout.contains("bob.example"), "\(decoded.stdout)")
            #expect(decoded.stdout.contains("100,64502"), "\(decoded.stdout)")
            let opens = await ProcessRunner().run(["tshark", "-X", "lua_script:\(dissector)", "-o", "tls.keylog_file:\(keys)", "-r", file,
                                                   "-Y", "mxgp.type == 1", "-T", "fields", "-e", "mxgp.open.name"], timeout: .seconds(60))
            #expect(opens.stdout.contains("colo1") && opens.stdout.contains("up1"), "\(opens.stdout)")
            // SMTP between the hops decodes too: the commands after STARTTLS are read only with the key log.
            let smtp = await ProcessRunner().run(["tshark", "-o", "tls.keylog_file:\(keys)", "-r", file, "-Y", "smtp.req.command",
                                                  "-T", "fields", "-e", "smtp.req.command", "-e", "smtp.req.parameter"], timeout: .seconds(60))
            // One line per frame; pipelined commands of one frame come comma-separated, and
            // Wireshark's SMTP dissector takes four letters as the command ("STAR", "TLS").
            let commands = smtp.stdout.split(separator: "\n").flatMap { line -> [String] in
                if line.uppercased().hasPrefix("STAR\tTLS") { return ["STARTTLS"] }
                return (line.split(separator: "\t").first ?? "").split(separator: ",").map { $0.uppercased() }
            }
            let afterTLS = commands.drop { $0 != "STARTTLS" }.dropFirst()
            #expect(commands.contains("STARTTLS"), "no STARTTLS between colo1 and up1: \(smtp.stdout)")
            #expect(afterTLS.contains("MAIL") && afterTLS.contains("RCPT") && afterTLS.contains("DATA"),
                    "the SMTP commands after STARTTLS did not decode: \(smtp.stdout)")
            print("tshark -o tls.keylog_file:colo1-up1.keys -r colo1-up1.pcap -Y smtp.req.command (client commands):\n"
                  + smtp.stdout.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            // For the CI log: what the dissector decoded, so a reader sees the MXGP messages.
            let summary = await ProcessRunner().run(["tshark", "-X", "lua_script:\(dissector)", "-o", "tls.keylog_file:\(keys)", "-r", file, "-Y", "mxgp"],
                                                    timeout: .seconds(60))
            print(Self.decodeReport(summary: summary.stdout, updates: decoded.stdout, opens: opens.stdout))
        }
    }
}
