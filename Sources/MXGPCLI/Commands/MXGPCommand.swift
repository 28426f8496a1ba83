import ArgumentParser

/// The `mxgp` command: one binary for nodes, the lab and the tools around them.
public struct MXGPCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "mxgp",
        abstract: "Email peering as a routing protocol: MXGP nodes, simulation and labs.",
        discussion: """
            mxgp runs colo relays, upstream providers and Tier 1s that exchange mail routes \
            with the MXGP path-vector protocol, and simulates whole topologies in-process. \
            Start with: mxgp sim Labs/quickstart.yaml
            """,
        version: version,
        subcommands: [
            NodeCommand.self, CtlCommand.self, SendCommand.self, SimCommand.self, LabCommand.self, PKICommand.self, RegistryCommand.self,
            BenchCommand.self,
        ]
    )

    public init() {}
}
