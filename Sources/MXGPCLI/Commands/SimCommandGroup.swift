import ArgumentParser

/// `mxgp sim …`: `run` (the default: `mxgp sim TOPOLOGY.yaml`, `mxgp sim --replay DIR`) and `explore`.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Converge a topology in-process and print every node's routes, replay a lab run, or explore generated faults.",
        discussion: """
            mxgp sim TOPOLOGY.yaml is mxgp sim run TOPOLOGY.yaml: every node in this process, on \
            a virtual clock (see mxgp sim run --help, also for --replay). mxgp sim explore runs \
            generated topologies under generated faults and checks invariants.
            """,
        subcommands: [SimRunCommand.self, SimExploreCommand.self],
        defaultSubcommand: SimRunCommand.self
    )
}
