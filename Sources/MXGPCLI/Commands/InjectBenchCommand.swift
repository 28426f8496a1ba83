import ArgumentParser
import Foundation
import MXGPBenchmarks

/// `mxgp bench inject --peers 50 --domains 100000 --target HOST:PORT --admin SOCKET`.
struct InjectBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Announce N distinct domains from each of P MXGP sessions to a running `mxgp node`.",
        discussion: """
            The sender half of Scripts/bench-peers-routing (the bgperf2 shape over real sessions). \
            Encodes every UPDATE first and prints a "ready:" line, waits for --go FILE to exist \
            (if given), then opens P sessions to --target (peer k is operator --operator-base + k, \
            node name inj<k>, announcing d<i>.p<k>.bench.example) and polls the receiver's admin \
            socket until each peer's last domain is installed. Prints the seconds from the start \
            until then and the receiver's total routesAccepted from these peers. The receiver \
            must list the P operators as neighbours with relationship: provider (so it \
            exports nothing back, like a BGP receiver with no export).
            """
    )

    @Option(help: "Sessions (neighbours of the receiver).") var peers = 50
    @Option(help: "Distinct domains each session announces.") var domains = 100_000
    @Option(help: "Domains per UPDATE message.") var perUpdate = 1000
    @Option(help: "The receiver's MXGP listener, HOST:PORT.") var target: String
    @Option(help: "The receiver's admin socket.") var admin: String
    @Option(help: "Operator number of the first peer.") var operatorBase: UInt32 = 64500
    @Option(help: "Start once this file exists.") var go: String?
    @Option(help: "Give up after this many seconds from the start.") var timeout = 600

    func validate() throws {
        guard peers >= 1, peers <= 1000 else { throw ValidationError("--peers must be 1…1000") }
        guard domains >= 1, domains <= 10_000_000 else { throw ValidationError("--domains must be 1…10000000") }
        guard perUpdate >= 1, perUpdate <= 20_000 else { throw ValidationError("--per-update must be 1…20000") }
        guard let colon = target.lastIndex(of: ":"), Int(target[target.index(after: colon)...]) != nil else {
            throw ValidationError("--target must be HOST:PORT")
        }
    }

    func run() async throws {
        let colon = target.lastIndex(of: ":")!
        let injector = PeersInjector(
            peers: peers, domainsPerPeer: domains, domainsPerUpdate: perUpdate,
            host: String(target[..<colon]), port: Int(target[target.index(after: colon)...])!,
            operatorBase: operatorBase, adminSocket: admin, goFile: go, timeout: .seconds(timeout))
        do {
            let r = try await injector.run { line in
                print(line)
                fflush(nil)
            }
            print(String(format: "inject: %d routes installed in %.3f s (sessions Established after %.3f s); routesAccepted %d",
                         r.routes, r.seconds, r.establishedSeconds, r.routesAccepted))
            guard r.routesAccepted == r.routes else {
                printError("error: the receiver accepted \(r.routesAccepted) routes, expected \(r.routes)")
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}
