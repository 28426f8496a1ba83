import Foundation
import MXGPLab
import MXGPProcess
import MXGPTopology

/// Where the page draws every node and link: Graphviz's layout of the lab's topology
/// (`dot -Tjson` of ``LabGraph/dot(_:faults:)``), in SVG coordinates (y grows downwards).
public struct LabUILayout: Codable, Sendable, Hashable {
    /// A node's box: centre and size, in points.
    public struct Box: Codable, Sendable, Hashable {
        public var name: String
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
    }

    /// A link's curve: the spline's points from `from` to `to` (a cubic Bézier: 1 + 3n points).
    public struct Curve: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        public var points: [[Double]]
    }

    /// The drawing's size in points.
    public var width: Double
    public var height: Double
    public var nodes: [Box]
    public var edges: [Curve]

    /// What went wrong reading Graphviz's answer.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// Parses `dot -Tjson` output. Graphviz's y axis points up; it is flipped here.
    public static func parse(json text: String) throws(ParseError) -> LabUILayout {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw ParseError("Graphviz's output is not a JSON object")
        }
        guard let bb = (root["bb"] as? String).map(numbers), bb.count == 4 else { throw ParseError("Graphviz's output has no bounding box (bb)") }
        let height = bb[3]
        var names: [Int: String] = [:]
        var boxes: [Box] = []
        for object in root["objects"] as? [[String: Any]] ?? [] {
            guard let name = object["name"] as? String, let pos = (object["pos"] as? String).map(numbers), pos.count == 2 else { continue }
            let width = Double(object["width"] as? String ?? "") ?? 0.75
            let tall = Double(object["height"] as? String ?? "") ?? 0.5
            if let id = object["_gvid"] as? Int { names[id] = name }
            boxes.append(Box(name: name, x: pos[0], y: height - pos[1], width: width * 72, height: tall * 72))
        }
        var curves: [Curve] = []
        for edge in root["edges"] as? [[String: Any]] ?? [] {
            guard let tail = (edge["tail"] as? Int).flatMap({ names[$0] }), let head = (edge["head"] as? Int).flatMap({ names[$0] }) else {
                throw ParseError("an edge of Graphviz's output names a node it does not list")
            }
            curves.append(Curve(from: tail, to: head, points: spline(edge["pos"] as? String ?? "", flip: height)))
        }
        return LabUILayout(width: bb[2], height: height, nodes: boxes, edges: curves)
    }

    /// The points of a Graphviz spline (`e,x,y s,x,y x,y x,y …`): the arrow's start and end
    /// markers are dropped, the control points kept.
    static func spline(_ pos: String, flip height: Double) -> [[Double]] {
        pos.split(separator: " ").compactMap { word -> [Double]? in
            if word.hasPrefix("e,") || word.hasPrefix("s,") { return nil }
            let xy = numbers(String(word))
            return xy.count == 2 ? [xy[0], height - xy[1]] : nil
        }
    }

    static func numbers(_ text: String) -> [Double] {
        text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Lays `topology` out with Graphviz's `dot` (graphviz must be installed).
    public static func compute(_ topology: Topology) async throws -> LabUILayout {
        let input = NSTemporaryDirectory() + "mxgp-ui-layout-\(UInt32.random(in: 0...UInt32.max)).dot"
        try LabGraph.dot(topology).write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let result = await Spawner.run(["dot", "-Tjson", input], timeout: .seconds(30))
        guard result.succeeded else {
            if result.status == 127 || result.stderr.contains("No such file") {
                throw LabError("the lab UI lays the topology out with Graphviz's dot, which is not installed: apt-get install -y graphviz")
            }
            throw LabError("Graphviz's dot failed to lay out \(topology.name): \(result.message)")
        }
        do { return try parse(json: result.stdout) } catch { throw LabError("reading Graphviz's layout of \(topology.name): \(error.description)") }
    }
}
