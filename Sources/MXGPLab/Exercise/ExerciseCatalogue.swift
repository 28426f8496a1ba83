import Foundation
import MXGPTopology

/// Finding exercises: by name in the exercises folder, or by path.
public enum ExerciseCatalogue {
    /// The folder of `exercise`: a folder path holding exercise.yaml, or a name under `root`
    /// (`01-prefer-up2`; the number may be left out: `prefer-up2`).
    public static func folder(of exercise: String, root: String) throws -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: "\(exercise)/exercise.yaml") { return exercise }
        let names = self.names(root: root)
        if let match = names.first(where: { $0 == exercise }) ?? names.first(where: { $0.split(separator: "-", maxSplits: 1).last.map(String.init) == exercise }) {
            return "\(root)/\(match)"
        }
        throw LabError("no exercise \(exercise.debugDescription) in \(root)" + (names.isEmpty ? " (run from the repository's top folder, or pass --exercises DIR)" : "; exercises: \(names.joined(separator: ", "))"))
    }

    /// The exercise folders under `root`, sorted.
    public static func names(root: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/exercise.yaml") }.sorted()
    }

    /// One line per exercise: name, level, title.
    public static func list(root: String) throws -> String {
        let names = names(root: root)
        guard !names.isEmpty else { throw LabError("no exercises in \(root); run from the repository's top folder, or pass --exercises DIR") }
        var lines: [String] = []
        for name in names {
            let exercise = try ExerciseParser.load(folder: "\(root)/\(name)")
            lines.append("\(name.padding(toLength: max(24, name.count + 2), withPad: " ", startingAt: 0))\(exercise.level.padding(toLength: 14, withPad: " ", startingAt: 0))\(exercise.title)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
