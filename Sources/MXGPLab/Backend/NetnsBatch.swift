/// Groups a lab's setup commands (``NetnsCommands/setup(_:)``) into a few processes, so a
/// thousand-node lab spends seconds, not minutes, spawning `ip` and `iptables`.
///
/// Three kinds of command, each kept in its original order within its group:
/// host `ip` commands (namespaces, veth pairs) become one `ip -batch`; a namespace's
/// `ip -n NS …` commands become one `ip -batch` per namespace and its iptables chain commands
/// one `iptables-restore --noflush`, both entered with ``NetnsCommands/enter(_:)``.
/// Host commands run first (every namespace and veth exists before it is configured), then
/// each namespace's addresses and routes, then its chains. Anything else runs as it is, last.
public enum NetnsBatch {
    /// One process to run: its argv and, for a batch, the text it reads from the file
    /// named by the argv's last element.
    public struct Step: Sendable, Hashable {
        public var argv: [String]
        /// The batch file to write before the step runs (its name is the argv's last element).
        public var file: BatchFile?
        /// The namespace the step configures; nil for host steps and anything else.
        public var namespace: String? = nil
    }

    /// How `steps` (in ``steps(_:folder:)``'s order) may run: the host steps one after
    /// another first (they create what the rest configures), then each namespace's steps in
    /// order, the namespaces side by side, then anything else one after another.
    public static func lanes(_ steps: [Step]) -> (host: [Step], namespaces: [[Step]], rest: [Step]) {
        let firstNamespaced = steps.firstIndex { $0.namespace != nil } ?? steps.count
        var order: [String] = []
        var byNamespace: [String: [Step]] = [:]
        var rest: [Step] = []
        for step in steps[firstNamespaced...] {
            guard let namespace = step.namespace else { rest.append(step); continue }
            if byNamespace[namespace] == nil { order.append(namespace) }
            byNamespace[namespace, default: []].append(step)
        }
        return (Array(steps[..<firstNamespaced]), order.map { byNamespace[$0]! }, rest)
    }

    /// A batch file: where it goes and what it says.
    public struct BatchFile: Sendable, Hashable {
        public var name: String
        public var text: String
    }

    /// The steps that do what `commands` do; batch files are named under `folder`.
    public static func steps(_ commands: [[String]], folder: String) -> [Step] {
        var host: [String] = []
        var namespaces: [String] = []
        var perNamespace: [String: [String]] = [:]
        var chains: [String: [String]] = [:]
        var other: [[String]] = []
        func note(_ namespace: String) {
            if perNamespace[namespace] == nil && chains[namespace] == nil { namespaces.append(namespace) }
        }
        for command in commands {
            if command.count > 3, command[0] == "ip", command[1] == "-n" {
                note(command[2])
                perNamespace[command[2], default: []].append(line(command.dropFirst(3)))
            } else if command.count > 6, command[0] == "ip", command[1] == "netns", command[2] == "exec",
                      command[4] == "iptables", command[5] == "-w", let rule = restoreLine(command.dropFirst(6)) {
                note(command[3])
                chains[command[3], default: []].append(rule)
            } else if command.count > 1, command[0] == "ip", !command[1].hasPrefix("-") {
                host.append(line(command.dropFirst()))
            } else {
                other.append(command)
            }
        }
        var steps: [Step] = []
        if !host.isEmpty {
            let name = "\(folder)/host.ip"
            steps.append(Step(argv: ["ip", "-batch", name], file: BatchFile(name: name, text: host.joined(separator: "\n") + "\n")))
        }
        for namespace in namespaces {
            if let lines = perNamespace[namespace] {
                let name = "\(folder)/\(namespace).ip"
                steps.append(Step(argv: NetnsCommands.enter(namespace) + ["ip", "-batch", name], file: BatchFile(name: name, text: lines.joined(separator: "\n") + "\n"),
                                  namespace: namespace))
            }
        }
        for namespace in namespaces {
            if let rules = chains[namespace] {
                let name = "\(folder)/\(namespace).iptables"
                steps.append(Step(argv: NetnsCommands.enter(namespace) + ["iptables-restore", "-w", "--noflush", name],
                                  file: BatchFile(name: name, text: "*filter\n" + restoreText(rules) + "COMMIT\n"), namespace: namespace))
            }
        }
        return steps + other.map { Step(argv: $0, file: nil) }
    }

    /// Chain declarations first (iptables-restore wants them before the rules), then rules, each in order.
    static func restoreText(_ lines: [String]) -> String {
        let chains = lines.filter { $0.hasPrefix(":") }, rules = lines.filter { !$0.hasPrefix(":") }
        return (chains + rules).map { $0 + "\n" }.joined()
    }

    /// A batch line: the words, none of which has spaces in a lab's commands.
    static func line<S: Sequence<String>>(_ words: S) -> String { words.joined(separator: " ") }

    /// `-N CHAIN` becomes `:CHAIN - [0:0]`; `-I`/`-A` rules stay as they are.
    static func restoreLine(_ words: ArraySlice<String>) -> String? {
        guard let first = words.first else { return nil }
        switch first {
        case "-N" where words.count == 2: return ":\(words.last!) - [0:0]"
        case "-I", "-A": return line(words)
        default: return nil
        }
    }
}
