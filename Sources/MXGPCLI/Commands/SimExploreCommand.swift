import ArgumentParser
import Foundation
import MXGPCore
import MXGPLab
import MXGPTopology

/// `mxgp sim explore --seeds A-B [--time D] [--nodes N] [--duration S] [--out DIR]`.
struct SimExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Run generated topologies under generated faults in the simulator and check invariants.",
        discussion: """
            For each seed: a topology (tiers, prices, chargebacks, rate limits, regions and \
            origin validation, drawn from the seed), a schedule of mail and faults (cuts, downs, \
            loss, kills, restarts, pauses, session resets, tempfails), run in the simulator, then \
            everything healed and settled, and these invariants checked: routes equal a fresh \
            simulation's and follow the decision process; no route breaks valley-free export, \
            origin validation or a region refusal; every message that got a 250 is delivered \
            exactly once or bounced; ledgers add up on every link; no queue keeps mail. \
            A failing seed is written to --out as a run folder (mxgp sim --replay reproduces it) \
            and shrunk to the smallest case that still fails. Exit status 0 only when no seed \
            failed.
            """)

    @Option(help: ArgumentHelp("Seeds to run: A-B, or one seed.", valueName: "A-B")) var seeds = "1-100"
    @Option(help: ArgumentHelp("Stop after this much wall time (e.g. 10m), even before the last seed.", valueName: "D")) var time: String?
    @Option(help: "Nodes per topology (default: drawn from the seed, 5 to 10).") var nodes: Int?
    @Option(help: "Seconds of chaos per seed, in virtual time.") var duration: Double = 30
    @Option(help: ArgumentHelp("Where failing seeds are written.", valueName: "DIR")) var out = "runs/explore"
    @Flag(help: "Print a line for every seed, not only failing ones.") var verbose = false

    func run() async throws {
        var failed = 0
        try await labReporting { failed = try await explore() }
        if failed > 0 { throw ExitCode(1) }
    }

    func explore() async throws -> Int {
        let range = try Self.seedRange(seeds)
        let budget = try time.map { text -> Duration in
            guard let duration = DurationText.parse(text) else { throw CLIError("--time \(text.debugDescription) is not a duration like 90s or 10m") }
            return duration
        }
        let explorer = Explorer(nodes: nodes, duration: duration)
        let clock = ContinuousClock(), start = clock.now
        var ran = 0, failing: [UInt64] = [], messages = 0, faults = 0
        for seed in range {
            if let budget, clock.now - start >= budget { break }
            let found = await explorer.explore(seed: seed)
            ran += 1
            messages += found.messages
            faults += found.faults
            if verbose || !found.violations.isEmpty {
                print("seed \(seed): \(found.topology.nodes.count) nodes, \(found.faults) faults, \(found.messages) messages: "
                      + (found.violations.isEmpty ? "ok" : "\(found.violations.count) violations"))
            }
            guard !found.violations.isEmpty else { continue }
            failing.append(seed)
            for violation in found.violations.prefix(5) { print("  \(violation)") }
            try explorer.write(found, to: "\(out)/seed-\(seed)")
            let small = await explorer.shrink(found)
            try explorer.write(small, to: "\(out)/seed-\(seed)-shrunk")
            print("  shrunk to \(small.topology.nodes.count) nodes, \(small.faults) faults, \(small.messages) messages: \(small.violations.first.map(\.description) ?? "")")
            print("  replay: mxgp sim --replay \(out)/seed-\(seed)-shrunk")
        }
        let seconds = (clock.now - start).inSeconds
        print("explored \(ran) seeds (\(messages) messages, \(faults) faults) in \(String(format: "%.1f", seconds)) s: "
              + "\(String(format: "%.1f", Double(ran) / max(seconds, 0.001))) seeds/s; "
              + (failing.isEmpty ? "no invariant violated" : "\(failing.count) failing: \(failing.map(String.init).joined(separator: ", "))"))
        return failing.count
    }

    /// `A-B` or `A`.
    static func seedRange(_ text: String) throws -> ClosedRange<UInt64> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0) }
        if parts.count == 1, let a = parts[0] { return a...a }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a <= b else {
            throw CLIError("--seeds \(text.debugDescription): expected A-B with A ≤ B, like 1-200, or one seed")
        }
        return a...b
    }
}
