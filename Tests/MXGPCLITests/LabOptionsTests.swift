import ArgumentParser
import Testing
@testable import MXGPCLI

/// `mxgp lab ctl` and `lab exec` take the lab options wherever they are typed, also among the
/// words passed through to the node (table: words → lab dir, compose dir, what is left).
@Suite struct LabOptionsTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var words: [String]
        var stopAt: String?
        var labDir: String?
        var composeDir: String
        var rest: [String]
        var testDescription: String { words.joined(separator: " ") }
    }

    static let rows: [Row] = [
        Row(words: ["queue"], labDir: nil, composeDir: "compose", rest: ["queue"]),
        Row(words: ["queue", "--lab-dir", "/tmp/l"], labDir: "/tmp/l", composeDir: "compose", rest: ["queue"]),
        Row(words: ["routes", "--lab-dir=/tmp/l", "bob.example", "--json"], labDir: "/tmp/l", composeDir: "compose", rest: ["routes", "bob.example", "--json"]),
        Row(words: ["--compose-dir", "/r/compose", "peers"], labDir: nil, composeDir: "/r/compose", rest: ["peers"]),
        // exec: options before `--` are the lab's; after it, the command's own.
        Row(words: ["--lab-dir", "/tmp/l", "--", "ls", "--lab-dir", "x"], stopAt: "--", labDir: "/tmp/l", composeDir: "compose",
            rest: ["--", "ls", "--lab-dir", "x"]),
    ]

    @Test(arguments: rows)
    func labOptionsAreTakenFromPassedThroughWords(row: Row) throws {
        let (options, rest) = try LabOptions.parse([]).merging(passedThrough: row.words, stopAt: row.stopAt)
        #expect(options.labDir == row.labDir)
        #expect(options.composeDir == row.composeDir)
        #expect(rest == row.rest)
    }

    @Test func aLabOptionWithoutItsFolderIsAnError() {
        #expect(throws: CLIError.self) { try LabOptions.parse([]).merging(passedThrough: ["queue", "--lab-dir"]) }
    }
}

/// `mxgp lab ui` and `lab up --ui` listen on loopback unless told otherwise.
@Suite struct LabUIOptionsTests {
    @Test(arguments: [
        (["q"], true),
        (["q", "--listen", "127.0.0.1:9000"], true),
        (["q", "--listen", "[::1]:0", "--interval", "100"], true),
        (["q", "--listen", "0.0.0.0:8790"], false),
        (["q", "--listen", "0.0.0.0:8790", "--allow-remote"], true),
        (["q", "--listen", "nonsense"], false),
        (["q", "--interval", "10"], false),
    ])
    func labUIChecksItsAddress(words: [String], accepted: Bool) {
        #expect(((try? LabUICommand.parse(words)) != nil) == accepted, "\(words)")
    }

    @Test func labUpWithUIChecksTheAddressBeforeBringingAnythingUp() {
        #expect(throws: (any Error).self) { try LabUpCommand.parse(["Labs/quickstart.yaml", "--ui", "--listen", "10.0.0.1:80"]) }
        #expect((try? LabUpCommand.parse(["Labs/quickstart.yaml", "--ui", "--listen", "10.0.0.1:80", "--allow-remote"])) != nil)
        #expect(throws: (any Error).self) { try LabUpCommand.parse(["Labs/quickstart.yaml", "--ui", "--generate-only", "--backend", "compose"]) }
    }
}
