import Glibc
import MXGPTopology

/// node-config: the input (as UTF-8, invalid sequences replaced) is a node config for
/// `NodeConfigParser`.
///
/// Invariants: the parser returns a config or throws `ConfigFileErrors` holding 1...reportLimit
/// errors on lines within the text; a parsed config's normalised `yamlText` parses back to an
/// equal config and is a fixed point (what `mxgp node --check` promises).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeConfig(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: start, count: count))
    let text = String(decoding: bytes, as: UTF8.self)
    let lineCount = yamlLineCount(text)
    let config: NodeConfig
    do {
        config = try NodeConfigParser.parse(yaml: text, file: "fuzz.yaml").config
    } catch {
        guard !error.errors.isEmpty, error.errors.count <= ConfigFileErrors.reportLimit else {
            fatalError("\(error.errors.count) errors reported")
        }
        for diagnostic in error.errors where diagnostic.file != "fuzz.yaml" || !(0...lineCount + 1).contains(diagnostic.line) {
            fatalError("diagnostic at \(diagnostic.file):\(diagnostic.line) in a \(lineCount)-line text: \(diagnostic)")
        }
        return 0
    }
    let normalised = config.yamlText
    do {
        let again = try NodeConfigParser.parse(yaml: normalised, file: "normalised.yaml").config
        guard again == config else { fatalError("normalised config parses differently:\n\(normalised)\nfrom:\n\(text)") }
        guard again.yamlText == normalised else { fatalError("yamlText is not a fixed point:\n\(normalised)\n---\n\(again.yamlText)") }
    } catch {
        fatalError("normalised config does not parse: \(error)\n\(normalised)\nfrom:\n\(text)")
    }
    return 0
}

// libFuzzer's driver; SwiftPM links executables with this file's top-level code as `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

var fuzzerArgc = CommandLine.argc
var fuzzerArgv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&fuzzerArgc, &fuzzerArgv, fuzzNodeConfig))

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
