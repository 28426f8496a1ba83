import ArgumentParser
import MXGPLab

/// `mxgp lab list [--json]`.
struct LabListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the labs that are up: name, backend, nodes, up since, owner and active faults.",
        discussion: """
            Lists the labs of the lab folder ($MXGP_LAB_DIR, default /run/mxgp/labs; --lab-dir DIR for another). \
            Several students on one machine each bring a topology up under their own name \
            (mxgp lab up Labs/quickstart.yaml --name alice) and find it here.
            """)

    @Flag(help: "Print JSON: {\"labs\": [{\"name\", \"backend\", \"nodes\", \"upSince\", \"faults\", \"owner\"}]}.") var json = false
    @OptionGroup var options: LabOptions

    func run() async throws {
        try await labReporting {
            let controller = options.controller()
            let labs = controller.summaries()
            if json {
                print(try JSONOutput.render(LabListRendering.Listing(labs: labs)))
            } else {
                print(LabListRendering.table(labs, labDirectory: controller.directory.root), terminator: "")
            }
        }
    }
}
