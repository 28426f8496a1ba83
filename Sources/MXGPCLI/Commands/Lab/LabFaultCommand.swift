import ArgumentParser
import MXGPLab

/// `mxgp lab fault LAB KIND ARGS... [--from NODE]`.
struct LabFaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Break something in a running lab; `mxgp lab heal` undoes it.",
        discussion: "Faults:\n" + LabFault.usage.map { "  \($0.kind) \($0.arguments)".padding(toLength: 32, withPad: " ", startingAt: 0) + $0.effect }
            .joined(separator: "\n") + "\nExample: mxgp lab fault quickstart cut colo1 up1")

    @Argument(help: "The lab name.") var lab: String
    @Argument(help: "The fault kind (see below).") var kind: String
    @Argument(help: "The fault's nodes and values.") var arguments: [String] = []
    @Option(help: "With cut: blackhole only what this node sends.") var from: String?
    @OptionGroup var options: LabOptions

    func run() async throws {
        try await labReporting {
            let fault = try LabFault.parse(kind: kind, arguments: arguments, from: from)
            let lab = try options.controller().open(self.lab)
            try await LabFaults(lab: lab).apply(fault)
            print(fault.persists ? "applied: \(fault.description) (mxgp lab heal \(lab.name) undoes it)" : "done: \(fault.description)")
        }
    }
}
