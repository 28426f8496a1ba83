import ArgumentParser
import Foundation
import MXGPLab
import MXGPProcess

/// `mxgp lab pcap LAB A B [-o FILE] [--duration S] [--no-reset]`.
struct LabPcapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pcap",
        abstract: "Capture the link between two lab nodes, with the TLS key log beside it.",
        discussion: """
            Runs tcpdump in A's namespace on its interface toward B (netns labs) and writes FILE \
            (default A-B.pcap), for --duration seconds or until Ctrl-C. Lab nodes log their TLS \
            session secrets (tls.key-log, labs only), and the secrets of both ends go to FILE's \
            .keys file beside the capture (SSLKEYLOGFILE format). A second after the capture \
            starts, the MXGP session between A and B is reset (--no-reset keeps it), so the \
            capture holds a TLS handshake, OPENs and the full table of UPDATEs.

            Read it with Wireshark (Preferences > Protocols > TLS > (Pre)-Master-Secret log \
            filename; the MXGP dissector docs/wireshark/mxgp.lua in your plugins folder), or:
              tshark -X lua_script:docs/wireshark/mxgp.lua -o tls.keylog_file:A-B.keys -r A-B.pcap -Y mxgp
            """)

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The node to capture on.") var a: String
    @Argument(help: "The neighbour at the other end of the link.") var b: String
    @Option(name: [.short, .long], help: ArgumentHelp("The capture file (default: A-B.pcap).", valueName: "FILE")) var output: String?
    @Option(help: ArgumentHelp("Capture for this many seconds (default: until Ctrl-C).", valueName: "S")) var duration: Int?
    @Flag(help: "Do not reset the MXGP session between A and B when the capture starts.") var noReset = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        if let duration, duration < 1 || duration > 3600 { throw ValidationError("--duration must be 1 to 3600 seconds") }
    }

    func run() async throws {
        var status: Int32 = 0
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let pcap = LabPcap(lab: lab, a: a, b: b)
            let file = URL(fileURLWithPath: output ?? "\(a)-\(b).pcap").standardizedFileURL.path
            let argv = try pcap.command(file: file, seconds: duration)
            try await LabPcap.checkTcpdump()
            labProgress("capturing the link \(a)–\(b) on \(a)'s interface \(try pcap.interface().name) into \(file)" + (duration.map { " for \($0) s" } ?? " until Ctrl-C"))
            let capture = Task { await Spawner.runAttached(argv) }
            if !noReset {
                try await Task.sleep(for: .seconds(1))
                _ = try? await LabFaults(lab: lab).apply(.sessionReset(a: a, b: b))
                labProgress("reset the session \(a)–\(b): the capture holds its handshake, OPENs and UPDATEs")
            }
            status = await capture.value
            let keys = LabPcap.keyLogPath(for: file)
            let count = try pcap.writeKeyLog(to: keys)
            print("wrote \(file) and \(keys) (\(count) TLS secrets)")
            print("read it: tshark -X lua_script:docs/wireshark/mxgp.lua -o tls.keylog_file:\(keys) -r \(file) -Y mxgp")
        }
        // tcpdump ends with SIGINT (Ctrl-C, or the timeout): that is success.
        if status != 0 && status != 130 && status != 124 { throw ExitCode(status > 0 ? status : 2) }
    }
}
