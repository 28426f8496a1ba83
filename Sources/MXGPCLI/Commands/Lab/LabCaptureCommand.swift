import ArgumentParser
import Foundation
import MXGPLab

/// `mxgp lab capture LAB [--out DIR]`.
struct LabCaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Write a live lab's state as a folder that mxgp sim --replay reproduces.",
        discussion: """
            Writes the lab's topology, its active faults, and every node's routes, sessions, \
            next-hop health and queue depth. `mxgp sim --replay FOLDER` then converges the same \
            topology with the same faults in the simulator and lists every route that differs \
            from what the lab had: a routing bug seen in a lab, reproduced without root, to \
            attach to a bug report.
            """)

    @Argument(help: "The lab name.") var lab: String
    @Option(help: ArgumentHelp("Folder to write (default: runs/capture-LAB/TIMESTAMP).", valueName: "DIR")) var out: String?
    @OptionGroup var options: LabOptions

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            let folder = out ?? "runs/capture-\(self.lab)/\(stamp)"
            let problems = try await LabCapture(lab: lab).write(to: folder)
            for problem in problems { printError("warning: not captured: \(problem)") }
            print("captured lab \(self.lab) in \(folder); replay it with: mxgp sim --replay \(folder)")
        }
    }
}
