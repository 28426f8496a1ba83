import ArgumentParser
import MXGPLab

/// `mxgp lab heal LAB [--timeout SECONDS] [--no-wait]`.
struct LabHealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Remove every fault, check that nothing is left, and wait until the routes equal the simulation's again.",
        discussion: """
            Killed nodes are started again and paused ones resumed; the topology's impairments stay. \
            Then heal waits (at most --timeout seconds) until every node's routes equal what \
            `mxgp sim` predicts for the healed lab, so the next command sees a converged lab; if \
            they do not in time it says which routes still differ and exits 1 (the lab is healed \
            but still converging). --no-wait returns at once.
            """)

    @Argument(help: "The lab name.") var lab: String
    @Option(help: "Seconds to wait for the routes to equal the simulation's again.") var timeout = 30
    @Flag(help: "Return once the faults are removed, without waiting for the routes.") var noWait = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        try await labReporting {
            let lab = try options.controller().open(self.lab)
            let (healedLab, healed) = try await LabFaults(lab: lab).healAll()
            print(healed.isEmpty ? "no faults were active; checked: nothing left behind" : "healed: " + healed.map(\.description).joined(separator: ", "))
            guard !noWait else { return }
            do {
                let took = try await healedLab.waitForConvergence(timeout: .seconds(timeout), progress: labProgress)
                print("routes equal the simulation again (after \(LabUpCommand.format(took)))")
            } catch let error as LabError {
                printError("still converging: \(error.description)")
                throw ExitCode(1)
            }
        }
    }
}
