/// Where `mxgp lab run` runs a scenario: on a lab runtime, or in the simulator.
public enum ScenarioBackend: Sendable, Hashable, CustomStringConvertible {
    /// A lab on one of the runtimes (brought up for the run unless it is up).
    case lab(LabBackendKind)
    /// The simulator: one process, virtual time, no root or Docker.
    case sim

    public var description: String {
        switch self {
        case .lab(let kind): return kind.description
        case .sim: return "sim"
        }
    }

    /// Every name, for help texts and errors.
    public static var names: String { LabBackendKind.allCases.map(\.rawValue).joined(separator: ", ") + " or sim" }

    /// The backend named `text`, or an error that lists them.
    public static func named(_ text: String) throws(LabError) -> ScenarioBackend {
        if text == "sim" { return .sim }
        guard let kind = LabBackendKind(rawValue: text) else { throw LabError("unknown backend \(text.debugDescription); use \(names)") }
        return .lab(kind)
    }
}
