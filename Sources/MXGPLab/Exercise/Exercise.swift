import Foundation
import MXGPCore
import MXGPTopology
import Yams

/// A task for students (`Labs/exercises/NAME/exercise.yaml`): a starting topology to edit, a
/// goal, hints, and named checks that `mxgp lab check NAME` runs against the edited file (in
/// the simulator) or against a running lab (`--lab`).
public struct Exercise: Sendable, Hashable {
    /// The exercise's name (`exercise:`), its folder's name.
    public var name: String
    /// beginner, intermediate or advanced.
    public var level: String
    /// One line: what to do.
    public var title: String
    /// The task in full.
    public var goal: String
    /// The file the student edits, relative to the exercise folder (`edit:`, default `topology.yaml`).
    public var edit: String
    /// Hints, gentlest first.
    public var hints: [String]
    public var checks: [ExerciseCheck]
    /// The exercise's folder.
    public var folder: String

    /// The file to check: `edit` in the exercise folder.
    public var topologyPath: String { "\(folder)/\(edit)" }
}

/// One named check of an exercise, with the hint shown when it fails.
public struct ExerciseCheck: Sendable, Hashable {
    public var name: String
    public var hint: String
    public var kind: Kind
    /// Line in exercise.yaml.
    public var line: Int

    /// What a check looks at.
    public enum Kind: Sendable, Hashable {
        /// A node's best route for a domain has this next hop (nil: local) and/or operator path.
        case route(node: String, domain: String, nextHop: String??, path: [OperatorNumber]?)
        /// A node has no route for a domain.
        case noRoute(node: String, domain: String)
        /// Mail from a node to a domain crosses every node of `via` and none of `avoids`.
        case mailPath(from: String, domain: String, via: [String], avoids: [String])
        /// A node refuses the route for a domain that a neighbour sends, for this reason (simulator).
        case ineligible(node: String, domain: String, from: String, reason: IneligibleReason)
        /// The topology links `a` and `b`, with this price and/or `a`'s relationship toward `b`.
        case link(a: String, b: String, price: UInt32?, relationship: Relationship?)
        /// The topology has this node, originating these domains and refusing these regions.
        case node(name: String, domains: [String], refuseRegions: [String])
    }
}

/// Reads `exercise.yaml`; errors name the file, the line and the fix.
public enum ExerciseParser {
    static let keys = ["exercise", "level", "title", "goal", "edit", "hints", "checks"]
    static let checkKinds = ["route", "no-route", "mail-path", "ineligible", "link", "node"]
    static let levels = ["beginner", "intermediate", "advanced"]

    /// Loads the exercise in `folder` (its `exercise.yaml`).
    public static func load(folder: String) throws(ConfigFileErrors) -> Exercise {
        let path = "\(folder)/exercise.yaml"
        var context = YAMLContext(file: path)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            context.error(.unreadableFile, line: 0, "cannot read the exercise file", fix: "an exercise is a folder with exercise.yaml, e.g. Labs/exercises/01-prefer-up2/")
            throw context.failure
        }
        return try parse(yaml: text, file: path, folder: folder)
    }

    /// Parses exercise YAML.
    public static func parse(yaml: String, file: String, folder: String) throws(ConfigFileErrors) -> Exercise {
        var context = YAMLContext(file: file)
        guard let root = context.compose(yaml), let mapping = context.mapping(root, "the exercise file", example: "exercise: NAME") else { throw context.failure }
        let values = context.keys(of: mapping, "the exercise file", allowed: keys, required: ["exercise", "title", "goal", "checks"], line: 1)
        func text(_ key: String, example: String) -> String? { values[key].flatMap { context.scalar($0, key, example: example) } }
        let name = text("exercise", example: "prefer-up2") ?? ""
        let level = text("level", example: "beginner") ?? "beginner"
        if !levels.contains(level) {
            context.error(.wrongType, line: YAMLContext.line(of: values["level"]), "level \(level.debugDescription) is not a level", fix: "use beginner, intermediate or advanced")
        }
        let title = text("title", example: "Make colo1 prefer up2") ?? ""
        let goal = text("goal", example: "what to achieve") ?? ""
        let edit = text("edit", example: "topology.yaml") ?? "topology.yaml"
        let hints = values["hints"].flatMap { context.scalarList($0, "hints", example: "[\"look at the prices\"]") }?.map(\.text) ?? []
        var checks: [ExerciseCheck] = []
        if let node = values["checks"], let list = context.sequence(node, "checks", example: "- name: …") {
            for item in list {
                if let check = self.check(item, context: &context) { checks.append(check) }
            }
            if list.isEmpty { context.error(.missingKey, line: YAMLContext.line(of: node), "the exercise has no checks", fix: "add at least one check") }
        }
        guard context.isClean else { throw context.failure }
        return Exercise(name: name, level: level, title: title, goal: goal, edit: edit, hints: hints, checks: checks, folder: folder)
    }

    static func check(_ node: Node, context: inout YAMLContext) -> ExerciseCheck? {
        let line = YAMLContext.line(of: node)
        guard let mapping = context.mapping(node, "a check", example: "{ name: …, route: { … }, hint: … }") else { return nil }
        let values = context.keys(of: mapping, "a check", allowed: ["name", "hint"] + checkKinds, required: ["name"], line: line)
        let name = values["name"].flatMap { context.scalar($0, "name", example: "colo1 uses up2") } ?? ""
        let hint = values["hint"].flatMap { context.scalar($0, "hint", example: "look at the prices") } ?? ""
        let kinds = checkKinds.filter { values[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let value = values[kind] else {
            context.error(.badStep, line: line, "a check needs exactly one of \(checkKinds.joined(separator: ", "))", fix: "one kind per check")
            return nil
        }
        guard let fields = context.mapping(value, kind, example: "{ node: colo1, domain: bob.example }") else { return nil }
        let fline = YAMLContext.line(of: value)
        var reader = FieldReader(context: context, fields: fields, what: kind, line: fline)
        let result: ExerciseCheck.Kind?
        switch kind {
        case "route":
            reader.allow(["node", "domain", "nextHop", "path"], required: ["node", "domain"])
            let hop = reader.text("nextHop")
            result = reader.text("node").flatMap { node in reader.text("domain").map { domain in
                .route(node: node, domain: domain, nextHop: hop.map { $0 == "local" ? nil : $0 }, path: reader.list("path")?.compactMap { OperatorNumber($0) })
            } }
        case "no-route":
            reader.allow(["node", "domain"], required: ["node", "domain"])
            result = reader.text("node").flatMap { node in reader.text("domain").map { .noRoute(node: node, domain: $0) } }
        case "mail-path":
            reader.allow(["from", "domain", "via", "avoids"], required: ["from", "domain"])
            result = reader.text("from").flatMap { from in reader.text("domain").map {
                .mailPath(from: from, domain: $0, via: reader.list("via") ?? [], avoids: reader.list("avoids") ?? [])
            } }
        case "ineligible":
            reader.allow(["node", "domain", "from", "reason"], required: ["node", "domain", "from", "reason"])
            let reason = reader.text("reason").flatMap { text -> IneligibleReason? in
                guard let reason = IneligibleReason(rawValue: text) else {
                    reader.context.error(.wrongType, line: fline, "ineligible.reason \(text.debugDescription) is not a reason", fix: "one of loop, firstOperatorMismatch, otcLeak, originInvalid, importRejected")
                    return nil
                }
                return reason
            }
            result = reader.text("node").flatMap { node in reader.text("domain").flatMap { domain in reader.text("from").flatMap { from in
                reason.map { .ineligible(node: node, domain: domain, from: from, reason: $0) } } } }
        case "link":
            reader.allow(["a", "b", "price", "relationship"], required: ["a", "b"])
            let relationship = reader.text("relationship").flatMap(Relationship.init(rawValue:))
            result = reader.text("a").flatMap { a in reader.text("b").map { .link(a: a, b: $0, price: reader.text("price").flatMap { UInt32($0) }, relationship: relationship) } }
        default:
            reader.allow(["name", "domains", "refuse-regions"], required: ["name"])
            result = reader.text("name").map { .node(name: $0, domains: reader.list("domains") ?? [], refuseRegions: reader.list("refuse-regions") ?? []) }
        }
        context = reader.context
        return result.map { ExerciseCheck(name: name, hint: hint, kind: $0, line: line) }
    }
}

/// Reads the fields of one check.
struct FieldReader {
    var context: YAMLContext
    let fields: Node.Mapping
    let what: String
    let line: Int
    var values: [String: Node] = [:]

    init(context: YAMLContext, fields: Node.Mapping, what: String, line: Int) {
        self.context = context
        self.fields = fields
        self.what = what
        self.line = line
    }

    mutating func allow(_ keys: [String], required: [String]) {
        values = context.keys(of: fields, what, allowed: keys, required: required, line: line)
    }

    mutating func text(_ key: String) -> String? { values[key].flatMap { context.scalar($0, "\(what).\(key)", example: "colo1") } }

    mutating func list(_ key: String) -> [String]? { values[key].flatMap { context.scalarList($0, "\(what).\(key)", example: "[up1, t1a]") }?.map(\.text) }
}
