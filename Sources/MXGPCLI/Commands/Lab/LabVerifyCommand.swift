import ArgumentParser
import Foundation
import MXGPLab

/// `mxgp lab verify LAB [--sample N [--seed S]] [--json] [--junit FILE] [--timeout SECONDS]`.
struct LabVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Send probe mail between every pair of colos and check delivery, copies and paths.",
        discussion: """
            Each colo sends one probe to every other colo's first domain (through its own SMTP \
            relay). A probe passes when it arrives exactly once along the path the simulation of \
            the same topology predicts for the lab's current faults; where the simulation predicts \
            no route, the probe passes when the source refuses it. Exit status 0 only when every \
            probe passed. --sample N sends N probes between colo pairs drawn from --seed instead \
            (a 1000-node lab has over 600,000 ordered pairs).
            """)

    @Argument(help: "The lab name.") var lab: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: ArgumentHelp("Also write the report as JUnit XML to FILE.", valueName: "FILE")) var junit: String?
    @Option(help: "Seconds to wait for the probes to arrive.") var timeout = 30
    @Option(help: "Seconds to wait first for the routes to match the simulation's.") var convergeTimeout = 30
    @Option(help: ArgumentHelp("Send only N probes, between colo pairs drawn from --seed (for big labs).", valueName: "N")) var sample: Int?
    @Option(help: "Seed of --sample's pairs: the same seed, the same pairs.") var seed: UInt64 = 1
    @OptionGroup var options: LabOptions

    func validate() throws {
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1") }
    }

    func run() async throws {
        var passed = false
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            do {
                try await lab.waitForConvergence(timeout: .seconds(convergeTimeout), progress: json ? { _ in } : labProgress)
            } catch let error as LabError {
                printError("warning: \(error.description)")
            }
            var verifier = LabVerifier(lab: lab, timeout: .seconds(timeout))
            verifier.sample = sample
            verifier.seed = seed
            let report = await verifier.run()
            print(json ? try report.json() : LabRendering.verify(report), terminator: "")
            if let junit { try report.junit.write(toFile: junit, atomically: true, encoding: .utf8) }
            passed = report.passed
        }
        if !passed { throw ExitCode(1) }
    }
}
