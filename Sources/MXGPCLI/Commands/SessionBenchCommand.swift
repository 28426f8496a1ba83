import ArgumentParser
import Foundation
import MXGPBenchmarks

/// `mxgp bench session --domains 1000000 [--per-update 1000]`.
struct SessionBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Time a real `mxgp node` learning N routes over one MXGP session on loopback.",
        discussion: """
            Starts `mxgp node` (the receiver) as a child process on 127.0.0.1 with lab timers, \
            opens an MXGP session to it from this process (an in-process route injector using \
            the same wire codec), announces N domains in UPDATEs of --per-update domains, and \
            prints the seconds from Established until the receiver has installed all of them, \
            routes per second, and both processes' peak RSS. Everything is removed afterwards. \
            Build with -c release for real figures.
            """
    )

    @Option(help: "Domains to announce.") var domains = 1_000_000
    @Option(help: "Domains per UPDATE message.") var perUpdate = 1000
    @Option(help: "Give up after this many seconds.") var timeout = 120
    @Option(help: "The mxgp binary that runs the receiver (default: this one).") var binary: String?
    @Flag(help: "Keep the work folder (config and receiver log).") var keepFiles = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard domains >= 1, domains <= 10_000_000 else { throw ValidationError("--domains must be 1…10000000") }
        // d<i>.bench.example is at most 22 bytes: 40000 of them stay well below the 1 MiB message limit.
        guard perUpdate >= 1, perUpdate <= 40_000 else { throw ValidationError("--per-update must be 1…40000") }
        guard timeout >= 1, timeout <= 3600 else { throw ValidationError("--timeout must be 1…3600 seconds") }
    }

    func run() async throws {
        let executable = binary ?? Self.ownExecutable()
        let benchmark = SessionBenchmark(domains: domains, domainsPerUpdate: perUpdate, binary: executable, timeout: .seconds(timeout), keepFiles: keepFiles)
        let quiet = json
        let r: SessionBenchmark.Result
        do {
            r = try await benchmark.run { line in if !quiet { print("    \(line)") } }
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let mb = { (bytes: Int) in Double(bytes) / 1_048_576 }
        if json {
            print(try JSONOutput.render([
                "domains": Double(r.domains), "updates": Double(r.updates), "seconds": r.seconds, "routesPerSecond": r.routesPerSecond,
                "receiverPeakRSSBytes": Double(r.receiver.peakResidentBytes), "receiverRSSBytes": Double(r.receiver.residentBytes),
                "receiverCPUSeconds": r.receiverCPUSeconds, "senderPeakRSSBytes": Double(r.senderPeakResidentBytes),
                "receiverStartSeconds": r.receiverStartSeconds, "handshakeSeconds": r.handshakeSeconds,
            ]))
        } else {
            print(String(format: "session: %d domains in %d UPDATEs installed on the receiver in %.2f s (%.0f routes/s)",
                         r.domains, r.updates, r.seconds, r.routesPerSecond) + (r.seconds <= 10 ? "" : " — above the 10 s target"))
            print(String(format: "    receiver: mxgp node, child process %d: peak RSS %.0f MB (RSS now %.0f MB), CPU %.2f s during the load; started in %.2f s",
                         r.receiverPID, mb(r.receiver.peakResidentBytes), mb(r.receiver.residentBytes), r.receiverCPUSeconds, r.receiverStartSeconds))
            print(String(format: "    sender: in-process MXGP route injector (this process %d): peak RSS %.0f MB (includes the %d pre-built domain names)",
                         getpid(), mb(r.senderPeakResidentBytes), r.domains))
            print(String(format: "    handshake %.3f s; receiver's routesAccepted after the run: %d", r.handshakeSeconds, r.routesAccepted))
        }
    }

    /// This executable (`/proc/self/exe` on Linux, else argv[0] made absolute).
    static func ownExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argv0 = CommandLine.arguments[0]
        return argv0.hasPrefix("/") ? argv0 : FileManager.default.currentDirectoryPath + "/" + argv0
    }
}
