import MXGPLab

/// `mxgp lab list` for people and scripts.
public enum LabListRendering {
    /// The JSON shape: `{"labs": [LabSummary…]}`.
    public struct Listing: Encodable {
        public var labs: [LabSummary]
    }

    /// One row per lab: name, backend, nodes, up since, faults, owner; problems below.
    public static func table(_ labs: [LabSummary], labDirectory: String) -> String {
        guard !labs.isEmpty else {
            return "no lab is up in \(labDirectory); start one with `mxgp lab up Labs/quickstart.yaml --name NAME`\n"
        }
        var table = TextTable(["LAB", "BACKEND", "NODES", "UP SINCE", "OWNER", "FAULTS"])
        for lab in labs {
            table.add([lab.name, lab.backend, lab.nodes.map(String.init) ?? "?", lab.upSince, lab.owner ?? "-",
                       lab.faults.isEmpty ? "none" : lab.faults.joined(separator: "; ")])
        }
        let problems = labs.compactMap { lab in lab.problem.map { "note: lab \(lab.name): \($0)" } }
        return table.render() + problems.map { $0 + "\n" }.joined()
    }
}
