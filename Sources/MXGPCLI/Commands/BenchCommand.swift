import ArgumentParser
import Foundation
import MXGPBenchmarks

/// `mxgp bench …`: benchmarks that print their figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [RIBBenchCommand.self, SessionBenchCommand.self, InjectBenchCommand.self]
    )
}

/// `mxgp bench rib --peers 50 --domains 100000`.
struct RIBBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rib",
        abstract: "Routes from many neighbours through decode, import policy, decision and export.",
        discussion: "The shape of the bgperf2 daemon comparison: every neighbour announces the same domains over different paths. Build with -c release for real figures."
    )

    @Option(help: "Neighbours announcing routes.") var peers = 50
    @Option(help: "Domains each neighbour announces.") var domains = 100_000
    @Option(help: "Domains per UPDATE message.") var perUpdate = 1000
    @Option(help: "Seed for the generated paths.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard peers >= 1, peers <= 10_000 else { throw ValidationError("--peers must be 1…10000") }
        guard domains >= 1, domains <= 10_000_000 else { throw ValidationError("--domains must be 1…10000000") }
        guard perUpdate >= 1, perUpdate <= 20_000 else { throw ValidationError("--per-update must be 1…20000") }
    }

    func run() throws {
        let r = try RIBBenchmark(peers: peers, domains: domains, domainsPerUpdate: perUpdate, seed: seed).run()
        if json {
            print(try JSONOutput.render([
                "routes": Double(r.routes), "seconds": r.seconds, "routesPerSecond": r.routesPerSecond,
                "peakRSSBytes": Double(r.peakResidentBytes), "bestRoutes": Double(r.bestRoutes), "updatesOut": Double(r.updatesOut),
            ]))
        } else {
            print(String(format: "rib: %d neighbours × %d domains = %d routes in %.2f s (%.0f routes/s), peak RSS %.0f MB",
                         peers, domains, r.routes, r.seconds, r.routesPerSecond, Double(r.peakResidentBytes) / 1_048_576))
            print("    best routes \(r.bestRoutes), decision runs \(r.decisionRuns), UPDATEs out \(r.updatesOut) (\(r.bytesOut) bytes)")
        }
    }
}
