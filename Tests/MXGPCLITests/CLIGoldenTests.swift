import ArgumentParser
import Foundation
import Testing
@testable import MXGPCLI

/// Every rendered piece of the command line has a golden file.
@Suite struct CLIGoldenTests {
    static let helpCases: [(name: String, command: ParsableCommand.Type)] = [
        ("help-mxgp.txt", MXGPCommand.self),
        ("help-node.txt", NodeCommand.self),
        ("help-pki.txt", PKICommand.self),
        ("help-registry.txt", RegistryCommand.self),
        ("help-registry-create.txt", RegistryCreateCommand.self),
        ("help-registry-sign.txt", RegistrySignCommand.self),
        ("help-send.txt", SendCommand.self),
        ("help-sim.txt", SimCommand.self),
        ("help-sim-run.txt", SimRunCommand.self),
        ("help-sim-explore.txt", SimExploreCommand.self),
        ("help-bench.txt", BenchCommand.self),
        ("help-bench-rib.txt", RIBBenchCommand.self),
        ("help-lab.txt", LabCommand.self),
        ("help-lab-up.txt", LabUpCommand.self),
        ("help-lab-fault.txt", LabFaultCommand.self),
        ("help-lab-verify.txt", LabVerifyCommand.self),
        ("help-lab-graph.txt", LabGraphCommand.self),
        ("help-lab-run.txt", LabRunCommand.self),
        ("help-lab-ui.txt", LabUICommand.self),
        ("help-lab-list.txt", LabListCommand.self),
        ("help-lab-down.txt", LabDownCommand.self),
        ("help-lab-shell.txt", LabShellCommand.self),
        ("help-lab-logs.txt", LabLogsCommand.self),
        ("help-lab-check.txt", LabCheckCommand.self),
        ("help-lab-pcap.txt", LabPcapCommand.self),
        ("help-lab-heal.txt", LabHealCommand.self),
    ]

    @Test(arguments: helpCases.map(\.name))
    func help(name: String) throws {
        let command = Self.helpCases.first { $0.name == name }!.command
        try Golden.check(MXGPCommand.helpMessage(for: command, columns: 100) + "\n", name)
    }

    /// Every help text is wrapped once, by argument-parser: a paragraph line never ends where
    /// the next line's first word would still have fit, at 80 columns or at the golden's 100
    /// (a hard line break in the source is wrapped again and leaves short lines). Indented
    /// lines (examples, option columns) are left alone.
    @Test(arguments: helpCases.map(\.name))
    func helpIsWrappedOnce(name: String) {
        let command = Self.helpCases.first { $0.name == name }!.command
        for columns in [80, 100] {
            let text = MXGPCommand.helpMessage(for: command, columns: columns)
            let prose = text.components(separatedBy: "\nUSAGE:").first ?? text
            let lines = prose.split(separator: "\n", omittingEmptySubsequences: false)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !line.hasPrefix(" ") && !next.hasPrefix(" ") {
                guard let word = next.split(separator: " ").first else { continue }
                #expect(line.count + 1 + word.count > columns - 1,
                        "\(name) at \(columns) columns: \"\(word)\" fits after \"\(line.suffix(30))\"; a hard line break in the discussion? (end the source line with \\)")
            }
        }
    }

    static let quickstart = Golden.repository.appendingPathComponent("Labs/quickstart.yaml").path

    @Test func simTable() throws {
        let output = try SimRunCommand.parse([Self.quickstart]).render()
        #expect(output.converged)
        try Golden.check(output.text, "sim-quickstart.txt")
    }

    @Test func simJSON() throws {
        let output = try SimRunCommand.parse([Self.quickstart, "--json"]).render()
        try Golden.check(output.text, "sim-quickstart.json")
        // The shape of DESIGN §8.
        let object = try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as! [String: Any]
        #expect(object["converged"] as? Bool == true)
        let nodes = object["nodes"] as! [String: Any]
        let colo1 = (nodes["colo1"] as! [String: Any])["routes"] as! [String: Any]
        let own = colo1["alice.example"] as! [String: Any]
        #expect(own["nextHop"] is NSNull)
        #expect((own["path"] as? [Any])?.isEmpty == true)
        let bob = colo1["bob.example"] as! [String: Any]
        #expect(Set(bob.keys) == ["nextHop", "path", "price", "localPref", "reason"])
        #expect(bob["reason"] as? String == "price")
    }

    @Test func simJSONIsByteForByteRepeatable() throws {
        let a = try SimRunCommand.parse([Self.quickstart, "--json", "--seed", "5"]).render().text
        let b = try SimRunCommand.parse([Self.quickstart, "--json", "--seed", "5"]).render().text
        #expect(a == b)
    }

    @Test func simShowsOriginValidityAndRefusedRoutes() throws {
        let path = Golden.repository.appendingPathComponent("Labs/hijack-protected.yaml").path
        let output = try SimRunCommand.parse([path]).render()
        #expect(output.converged)
        try Golden.check(output.text, "sim-hijack-protected.txt")
        #expect(output.text.contains("ineligible: bank.example from evil (path 64666): originInvalid"))
    }

    @Test func simWithAFailedLink() throws {
        let output = try SimRunCommand.parse([Self.quickstart, "--fail-link", "colo1,up1"]).render()
        try Golden.check(output.text, "sim-quickstart-fail-colo1-up1.txt")
    }

    @Test(arguments: [
        (["--fail-link", "colo1,nope"], "expected two node names"),
        (["--fail-link", "colo1,colo2"], "has no link between colo1 and colo2"),
        (["--fail-node", "nope"], "no such node"),
    ])
    func badFaultArguments(extra: [String], message: String) throws {
        #expect {
            _ = try SimRunCommand.parse([Self.quickstart] + extra).render()
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func aBrokenTopologyNamesTheFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-broken-\(UUID().uuidString).yaml")
        try "name: broken\nnodes:\n  a: { role: colo, operator: 1, region: US }\nlinks:\n  - { a: a, b: ghost }\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            _ = try SimRunCommand.parse([file.path]).render()
        } throws: { error in
            let text = "\(error)"
            return text.contains(file.lastPathComponent) && text.contains(":5:") && text.contains("ghost")
        }
    }
}
