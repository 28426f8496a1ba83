import ArgumentParser
import MXGPLab

/// `mxgp lab heal LAB`.
struct LabHealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Remove every fault and check that no rule, qdisc or paused node is left.",
        discussion: "Killed nodes are started again and paused ones resumed; the topology's impairments stay.")

    @Argument(help: "The lab name.") var lab: String
    @OptionGroup var options: LabOptions

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let (_, healed) = try await LabFaults(lab: lab).healAll()
            print(healed.isEmpty ? "no faults were active; checked: nothing left behind" : "healed: " + healed.map(\.description).joined(separator: ", "))
        }
    }
}
