import Yams

/// Walks a composed YAML document (``Yams/Node``) and collects diagnostics that carry the
/// file name and line, so that topology files, policies and node configs report every
/// problem the same way.
///
/// The helpers never throw: they record an error and return nil, so a parser can go on and
/// report further problems. Callers check ``errors`` at the end.
public struct YAMLContext: Sendable {
    /// The file name used in every diagnostic.
    public let file: String
    /// Errors found so far, in the order they were found.
    public internal(set) var errors: [ConfigFileError] = []
    /// Warnings found so far.
    public internal(set) var warnings: [ConfigFileError] = []
    /// Node names that policies referred to (`match: { neighbour: … }`), with their lines.
    public internal(set) var neighbourReferences: [NeighbourReference] = []

    /// A node name a policy refers to, for checking against the topology.
    public struct NeighbourReference: Hashable, Sendable {
        /// The node name as written.
        public var name: String
        /// Where it was written.
        public var line: Int
    }

    /// Creates an empty context for `file`.
    public init(file: String) { self.file = file }

    /// True when no error was recorded.
    public var isClean: Bool { errors.isEmpty }

    /// Records an error.
    public mutating func error(_ kind: ConfigFileError.Kind, line: Int, _ message: String, fix: String) {
        errors.append(ConfigFileError(kind, file: file, line: line, message: message, fix: fix))
    }

    /// Records a warning.
    public mutating func warning(_ kind: ConfigFileError.Kind, line: Int, _ message: String, fix: String) {
        warnings.append(ConfigFileError(kind, file: file, line: line, message: message, fix: fix, severity: .warning))
    }

    /// The errors and warnings as a thrown value.
    public var failure: ConfigFileErrors { ConfigFileErrors(errors: errors, warnings: warnings) }

    mutating func noteNeighbourReference(_ name: String, line: Int) {
        neighbourReferences.append(NeighbourReference(name: name, line: line))
    }

    // MARK: - Composing

    /// Composes YAML text into a node; broken YAML becomes a ``ConfigFileError/Kind/yamlSyntax``
    /// error with its line. Returns nil for an empty document or broken YAML.
    public mutating func compose(_ yaml: String) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            let (line, message) = Self.describe(error)
            self.error(.yamlSyntax, line: line, "broken YAML: \(message)",
                       fix: "check indentation, colons and brackets around this line (a YAML linter shows more)")
        } catch {
            self.error(.yamlSyntax, line: 0, "broken YAML: \(error)", fix: "check that the file is UTF-8 YAML")
        }
        return nil
    }

    static func describe(_ error: YamlError) -> (line: Int, message: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return (mark.line, prefix + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return (context.mark.line, "duplicate key \(keys) in the same mapping (each name may appear only once)")
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { yaml.prefix($0).reduce(1) { $0 + ($1 == "\n" ? 1 : 0) } } ?? 0
            return (line, problem)
        default:
            return (0, "\(error)")
        }
    }

    // MARK: - Shapes

    /// Line of a node, 0 when unknown.
    public static func line(of node: Node?) -> Int { node?.mark?.line ?? 0 }

    /// True for `~`, `null` and an empty plain value.
    public static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The node as a mapping, or an error naming `what`.
    public mutating func mapping(_ node: Node, _ what: String, example: String) -> Node.Mapping? {
        if case .mapping(let mapping) = node { return mapping }
        error(.wrongType, line: Self.line(of: node), "\(what) must be a mapping (key: value pairs), found \(Self.shape(of: node))",
              fix: "write it like \(example)")
        return nil
    }

    /// The node as a sequence (null counts as empty), or an error naming `what`.
    public mutating func sequence(_ node: Node, _ what: String, example: String) -> [Node]? {
        if case .sequence(let sequence) = node { return Array(sequence) }
        if Self.isNull(node) { return [] }
        error(.wrongType, line: Self.line(of: node), "\(what) must be a list, found \(Self.shape(of: node))",
              fix: "write it like \(example)")
        return nil
    }

    /// The node's text, or an error naming `what` when it is a list, mapping or null.
    public mutating func scalar(_ node: Node, _ what: String, example: String) -> String? {
        if case .scalar(let scalar) = node, !Self.isNull(node) {
            return scalar.string.trimmedBlanks()
        }
        error(.wrongType, line: Self.line(of: node), "\(what) must be a single value, found \(Self.shape(of: node))",
              fix: "write it like \(example)")
        return nil
    }

    /// A scalar or a list of scalars (a single value counts as a list of one), each with its line.
    public mutating func scalarList(_ node: Node, _ what: String, example: String) -> [(text: String, line: Int)]? {
        if case .scalar = node, !Self.isNull(node) {
            return scalar(node, what, example: example).map { [($0, Self.line(of: node))] }
        }
        guard let items = sequence(node, what, example: example) else { return nil }
        var result: [(text: String, line: Int)] = []
        for item in items {
            if let text = scalar(item, "each entry of \(what)", example: example) { result.append((text, Self.line(of: item))) }
        }
        return result
    }

    /// A decimal 32-bit unsigned number in `range`, or an error of `kind`.
    public mutating func number(
        _ node: Node, _ what: String, kind: ConfigFileError.Kind, range: ClosedRange<UInt32> = 0...UInt32.max, fix: String
    ) -> UInt32? {
        guard let text = scalar(node, what, example: "\(range.lowerBound)") else { return nil }
        if let value = UInt32(text), range.contains(value) { return value }
        let bounds = "\(range.lowerBound)…\(range.upperBound)"
        error(kind, line: Self.line(of: node), "\(what) is \"\(text)\", which is not a whole number in \(bounds)", fix: fix)
        return nil
    }

    static func shape(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): return isNull(node) ? "nothing" : "the value \"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    // MARK: - Keys

    /// Checks a mapping's keys: reports unknown keys (suggesting the closest valid one) and
    /// missing required keys (at `line`, the line of the thing the mapping describes).
    /// Returns the values of the known keys.
    public mutating func keys(
        of mapping: Node.Mapping, _ what: String, allowed: [String], required: [String] = [], line: Int
    ) -> [String: Node] {
        var values: [String: Node] = [:]
        var suggested: Set<String> = []
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                error(.wrongType, line: Self.line(of: keyNode), "a key of \(what) is not a plain name",
                      fix: "use one of: \(allowed.joined(separator: ", "))")
                continue
            }
            let key = keyScalar.string
            if allowed.contains(key) {
                values[key] = value
            } else {
                error(.unknownKey, line: Self.line(of: keyNode), "unknown key \"\(key)\" in \(what)",
                      fix: Self.keyFix(key, allowed: allowed))
                if let guess = Self.closest(to: key, in: allowed) { suggested.insert(guess) }
            }
        }
        // A misspelt required key is reported once, as the unknown key with its suggestion.
        for key in required where values[key] == nil && !suggested.contains(key) {
            error(.missingKey, line: line, "\(what) has no \"\(key)\"", fix: "add \"\(key): …\" to \(what)")
        }
        return values
    }

    static func keyFix(_ key: String, allowed: [String]) -> String {
        let valid = "valid keys: \(allowed.joined(separator: ", "))"
        if let best = closest(to: key, in: allowed) { return "did you mean \"\(best)\"? (\(valid))" }
        return "remove it (\(valid))"
    }

    /// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lower = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lower, candidate.lowercased())
            if distance <= max(2, candidate.count / 3), best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmedBlanks() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
