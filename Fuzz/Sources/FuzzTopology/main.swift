import Glibc
import MXGPTopology

/// topology: the input (as UTF-8, invalid sequences replaced) is a topology file for
/// `TopologyParser`.
///
/// Invariants: the parser returns a topology or throws `ConfigFileErrors` holding 1...reportLimit
/// errors, each naming the file and a line within the text; a parsed topology has valid, unique
/// node names and links between its nodes; warnings name lines within the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTopology(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    let text = String(decoding: bytes, as: UTF8.self)
    let lineCount = yamlLineCount(text)
    do {
        let result = try TopologyParser.parse(yaml: text, file: "fuzz.yaml")
        let topology = result.topology
        let names = topology.nodes.map(\.name)
        guard Set(names).count == names.count else { fatalError("duplicate node names \(names)") }
        for name in names where !TopologyParser.isValidNodeName(name) { fatalError("invalid node name \(name.debugDescription)") }
        for link in topology.links where !names.contains(link.a) || !names.contains(link.b) {
            fatalError("link \(link) names a node that does not exist")
        }
        checkLines(result.warnings, lineCount: lineCount)
    } catch {
        guard !error.errors.isEmpty, error.errors.count <= ConfigFileErrors.reportLimit else {
            fatalError("\(error.errors.count) errors reported")
        }
        checkLines(error.errors, lineCount: lineCount)
    }
    return 0
}

func checkLines(_ diagnostics: [ConfigFileError], lineCount: Int) {
    for diagnostic in diagnostics {
        guard diagnostic.file == "fuzz.yaml", (0...lineCount + 1).contains(diagnostic.line) else {
            fatalError("diagnostic at \(diagnostic.file):\(diagnostic.line) in a \(lineCount)-line text: \(diagnostic)")
        }
    }
}

// libFuzzer's driver; SwiftPM links executables with this file's top-level code as `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

var fuzzerArgc = CommandLine.argc
var fuzzerArgv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&fuzzerArgc, &fuzzerArgv, fuzzTopology))

/// Lines as YAML counts them: LF, CR, CRLF, NEL, LS and PS all end a line.
func yamlLineCount(_ text: String) -> Int {
    var count = 1
    var previous: Unicode.Scalar = " "
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": if previous != "\r" { count += 1 }
        case "\r", "\u{85}", "\u{2028}", "\u{2029}": count += 1
        default: break
        }
        previous = scalar
    }
    return count
}
