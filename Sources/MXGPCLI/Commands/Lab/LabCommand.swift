import ArgumentParser
import Foundation
import MXGPLab
import MXGPTopology

/// `mxgp lab …`: bring topologies up on network namespaces or docker compose, break them, verify them.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run a topology as a lab: up, status, send, fault, heal, verify, down.",
        discussion: """
            The netns backend (the default) runs every node as a process in its own network \
            namespace, with a veth pair per link; it needs root. --backend compose runs each node \
            as a docker container instead (files in compose/<lab>/, see mxgp lab up --help), and \
            --backend swarm deploys the same lab as a Docker Swarm stack. \
            Labs keep their state in $MXGP_LAB_DIR (default /run/mxgp/labs/<lab>): node configs, \
            certificates, stores and logs/<node>.log. Start with:
              mxgp lab up Labs/quickstart.yaml && mxgp lab verify quickstart
            docs/LABS.md describes the topology format, every command and every fault.
            """,
        subcommands: [
            LabUpCommand.self, LabDownCommand.self, LabStatusCommand.self, LabVerifyCommand.self, LabSendCommand.self,
            LabFaultCommand.self, LabHealCommand.self, LabExecCommand.self, LabCtlCommand.self, LabGraphCommand.self, LabUICommand.self, LabRunCommand.self,
            LabInitPKICommand.self, LabCaptureCommand.self, LabChaosCommand.self, LabListCommand.self, LabLogsCommand.self, LabShellCommand.self,
            LabCheckCommand.self, LabPcapCommand.self, LabGenerateCommand.self, LabPostfixStateCommand.self,
        ]
    )
}

/// Options every lab command shares.
struct LabOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the labs' state (default: $MXGP_LAB_DIR or /run/mxgp/labs).", valueName: "DIR"))
    var labDir: String?
    @Option(help: ArgumentHelp("The compose folder, with the Dockerfiles; container labs' files go to DIR/<lab>/ (compose and swarm backends).", valueName: "DIR"))
    var composeDir = "compose"

    /// These options with the lab options found in `arguments` (passed-through words, where a
    /// user may type `--lab-dir DIR` or `--compose-dir DIR` after the node), and the other words.
    /// With `stopAt` (`--`), only words before it are looked at.
    func merging(passedThrough arguments: [String], stopAt: String? = nil) throws -> (LabOptions, [String]) {
        var merged = self
        var rest: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            if let stopAt, word == stopAt {
                rest += arguments[index...]
                break
            }
            let names = ["--lab-dir", "--compose-dir"]
            if let name = names.first(where: { word == $0 || word.hasPrefix($0 + "=") }) {
                let value: String
                if word.hasPrefix(name + "=") {
                    value = String(word.dropFirst(name.count + 1))
                } else {
                    guard index + 1 < arguments.endIndex else { throw CLIError("\(name) needs a folder after it") }
                    index += 1
                    value = arguments[index]
                }
                if name == "--lab-dir" { merged.labDir = value } else { merged.composeDir = value }
            } else {
                rest.append(word)
            }
            index += 1
        }
        return (merged, rest)
    }

    /// The controller for these options; nodes run this executable (or $MXGP_BINARY).
    func controller() -> LabController {
        LabController(directory: labDir.map(LabDirectory.init(root:)) ?? .standard, binary: Self.executablePath(), composeRoot: composeDir)
    }

    /// This executable's absolute path, or `$MXGP_BINARY`.
    static func executablePath() -> String {
        if let override = ProcessInfo.processInfo.environment["MXGP_BINARY"], !override.isEmpty { return override }
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// Runs a lab command body: lab, plan and topology errors are printed for people and become exit status 2.
func labReporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CLIError {
        printError("error: \(error.description)")
        throw ExitCode(2)
    } catch let error as ConfigFileErrors {
        printError(error.description)  // already "FILE:LINE: error: …" with a fix
        throw ExitCode(2)
    } catch {
        printError("error: \(error)")
        throw ExitCode(2)
    }
}

/// Prints a progress line to standard error.
@Sendable func labProgress(_ line: String) {
    printError("mxgp lab: \(line)")
}

/// Prints what a command inside a node printed (its standard error to ours) and returns its
/// exit status, for commands that pass a node command's result through.
func relayOutput(_ result: CommandResult) -> Int32 {
    print(result.stdout, terminator: "")
    if !result.stderr.isEmpty { printError(result.stderr.trimmingCharacters(in: .newlines)) }
    return result.status
}

/// Exits with a node command's status (2 when it could not run or timed out).
func exitWithNodeStatus(_ status: Int32) throws {
    if status != 0 { throw ExitCode(status > 0 ? status : 2) }
}

extension LabBackendKind: ExpressibleByArgument {}

extension ScenarioBackend: ExpressibleByArgument {
    public init?(argument: String) {
        guard let backend = try? ScenarioBackend.named(argument) else { return nil }
        self = backend
    }

    public static var allValueStrings: [String] { LabBackendKind.allCases.map(\.rawValue) + ["sim"] }
    public var defaultValueDescription: String { description }
}
extension LabImageSource: ExpressibleByArgument {}
