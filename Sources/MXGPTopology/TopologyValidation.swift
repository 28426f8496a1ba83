import MXGPCore

extension Topology {
    /// Checks the whole topology: unique names and operator numbers, links between known
    /// nodes, no self or duplicate links, no price on peer links, and the role rules (a tier1
    /// has no provider, a colo gives no transit and has a provider, no provider cycles).
    ///
    /// Returns errors and warnings (see ``ConfigFileError/severity``) in file order, using the
    /// lines stored in nodes and links. ``Topology/parse(yaml:file:)`` runs this already;
    /// call it for topologies built in code.
    public func diagnostics(file: String = "<topology>") -> [ConfigFileError] { diagnostics(file: file, complete: true) }

    /// `complete` is false when parsing already failed for some nodes or links; the role rules
    /// are then skipped because missing links would make them report nonsense.
    func diagnostics(file: String, complete: Bool) -> [ConfigFileError] {
        var checker = TopologyChecker(topology: self, file: file)
        checker.checkNodes(complete: complete)
        checker.checkLinks()
        if complete {
            checker.checkRoles()
            checker.checkProviderCycles()
            checker.checkConnectivity()
        }
        return checker.found.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}

struct TopologyChecker {
    let topology: Topology
    let file: String
    var found: [ConfigFileError] = []
    let byName: [String: TopologyNode]

    init(topology: Topology, file: String) {
        self.topology = topology
        self.file = file
        self.byName = Dictionary(topology.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func error(_ kind: ConfigFileError.Kind, _ line: Int, _ message: String, fix: String) {
        found.append(ConfigFileError(kind, file: file, line: line, message: message, fix: fix))
    }

    mutating func warning(_ kind: ConfigFileError.Kind, _ line: Int, _ message: String, fix: String) {
        found.append(ConfigFileError(kind, file: file, line: line, message: message, fix: fix, severity: .warning))
    }

    mutating func checkNodes(complete: Bool) {
        if complete && topology.nodes.isEmpty {
            error(.emptyTopology, 0, "the topology has no nodes", fix: "add nodes under \"nodes:\" (see Labs/quickstart.yaml)")
        }
        var names: Set<String> = []
        var operators: [OperatorNumber: TopologyNode] = [:]
        var origins: [DomainName: TopologyNode] = [:]
        for node in topology.nodes {
            if !TopologyParser.isValidNodeName(node.name) {
                error(.badNodeName, node.line, "node name \"\(node.name)\" is not valid", fix: "use \(TopologyParser.nodeNameRule)")
            }
            if !names.insert(node.name).inserted {
                error(.badNodeName, node.line, "node name \"\(node.name)\" is used twice", fix: "give every node its own name")
            }
            if node.operatorNumber == 0 {
                error(.badOperator, node.line, "node \"\(node.name)\" has operator 0", fix: "use an operator number between 1 and 4294967295")
            }
            if let first = operators[node.operatorNumber] {
                error(.duplicateOperator, node.line,
                      "nodes \"\(first.name)\" (line \(first.line)) and \"\(node.name)\" both have operator \(node.operatorNumber)",
                      fix: "give \"\(node.name)\" an operator number no other node uses")
            } else {
                operators[node.operatorNumber] = node
            }
            var own: Set<DomainName> = []
            for domain in node.domains {
                if !own.insert(domain).inserted {
                    warning(.duplicateDomain, node.line, "node \"\(node.name)\" lists domain \(domain) twice", fix: "list each domain once")
                } else if let first = origins[domain], first.hijacked.contains(domain) || node.hijacked.contains(domain) {
                    if first.hijacked.contains(domain) { origins[domain] = node }  // a deliberate hijack (`hijack:`)
                } else if let first = origins[domain] {
                    warning(.duplicateDomain, node.line,
                            "domain \(domain) is originated by both \"\(first.name)\" (line \(first.line)) and \"\(node.name)\"",
                            fix: "for a hijack exercise list it under the hijacker's hijack: instead of domains:; otherwise remove it from one of the nodes")
                } else {
                    origins[domain] = node
                }
            }
        }
    }

    mutating func checkLinks() {
        var pairs: [Set<String>: TopologyLink] = [:]
        for link in topology.links {
            let what = "link \(link.a)–\(link.b)"
            for end in [link.a, link.b] where byName[end] == nil {
                error(.unknownNode, link.line, "\(what) names unknown node \"\(end)\"", fix: "declare \"\(end)\" under nodes: or fix the name")
            }
            if link.a == link.b {
                error(.selfLink, link.line, "\(what) connects \"\(link.a)\" to itself", fix: "remove the link or change one end")
                continue
            }
            let pair: Set<String> = [link.a, link.b]
            if let first = pairs[pair] {
                error(.duplicateLink, link.line, "\(what) duplicates the link on line \(first.line)",
                      fix: "keep one link per pair of nodes (put price and impairment on that one)")
            } else {
                pairs[pair] = link
            }
            if link.aRole == .peer && link.coverage.dependsOnCountry {
                error(.priceOnPeerLink, link.line, "\(what) is a peer link but has a contract by country",
                      fix: "remove covers and country prices (peers exchange mail without a contract), or make the link customer–provider")
            }
            if link.aRole == .peer && link.price > 0 {
                error(.priceOnPeerLink, link.line, "\(what) is a peer link but has price \(link.price)",
                      fix: "remove the price (peers exchange mail without charge; a price is what a provider charges its customer) or make the link customer–provider")
            }
        }
    }

    /// The links as (customer, provider, link) for every customer–provider link between known nodes.
    var providerEdges: [(customer: TopologyNode, provider: TopologyNode, link: TopologyLink)] {
        topology.links.compactMap { link in
            guard let a = byName[link.a], let b = byName[link.b], link.a != link.b else { return nil }
            switch link.aRole {
            case .customer: return (a, b, link)
            case .provider: return (b, a, link)
            case .peer: return nil
            }
        }
    }

    mutating func checkRoles() {
        var hasProvider: Set<String> = []
        for (customer, provider, link) in providerEdges {
            hasProvider.insert(customer.name)
            if customer.role == .tier1 {
                error(.tier1WithProvider, link.line, "tier1 \"\(customer.name)\" would buy transit from \"\(provider.name)\" on link \(link.a)–\(link.b)",
                      fix: "a tier1 has no providers: set relationship: peer, swap a and b, or make \"\(customer.name)\" an upstream")
            }
            if provider.role == .colo {
                error(.coloGivesTransit, link.line, "colo \"\(provider.name)\" would give transit to \"\(customer.name)\" on link \(link.a)–\(link.b)",
                      fix: "colos never give transit: swap a and b, set relationship: peer, or make \"\(provider.name)\" an upstream")
            }
        }
        for node in topology.nodes where node.role == .colo && !hasProvider.contains(node.name) {
            error(.coloWithoutProvider, node.line, "colo \"\(node.name)\" has no provider, so its mail cannot reach the rest of the topology",
                  fix: "add a link like { a: \(node.name), b: <an upstream or tier1> }")
        }
    }

    mutating func checkProviderCycles() {
        var providers: [String: [(String, TopologyLink)]] = [:]
        for (customer, provider, link) in providerEdges { providers[customer.name, default: []].append((provider.name, link)) }
        var state: [String: Int] = [:]  // 1: on the stack, 2: done
        var stack: [String] = []
        var reported: Set<Set<String>> = []
        func visit(_ name: String, _ checker: inout TopologyChecker) {
            state[name] = 1
            stack.append(name)
            for (next, link) in providers[name] ?? [] {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    let cycle = Array(stack[start...])
                    if reported.insert(Set(cycle)).inserted {
                        let text = (cycle + [next]).joined(separator: " → ")
                        checker.error(.providerCycle, link.line, "provider cycle: \(text) (each buys transit from the next)",
                                      fix: "break the cycle: make one of these links a peer link or swap its ends")
                    }
                } else if state[next] == nil {
                    visit(next, &checker)
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for node in topology.nodes where state[node.name] == nil { visit(node.name, &self) }
    }

    mutating func checkConnectivity() {
        var linked: Set<String> = []
        var peers: Set<Set<String>> = []
        for link in topology.links {
            linked.insert(link.a)
            linked.insert(link.b)
            if link.aRole == .peer { peers.insert([link.a, link.b]) }
        }
        if topology.nodes.count > 1 {
            for node in topology.nodes where node.role != .colo && !linked.contains(node.name) {
                warning(.isolatedNode, node.line, "node \"\(node.name)\" has no links", fix: "link it to another node or remove it")
            }
        }
        let tier1s = topology.nodes.filter { $0.role == .tier1 }
        for (index, node) in tier1s.enumerated() {
            let missing = tier1s[..<index].filter { !peers.contains([$0.name, node.name]) }.map(\.name)
            if !missing.isEmpty {
                warning(.tier1NotMeshed, node.line, "tier1 \"\(node.name)\" does not peer with tier1 \(missing.map { "\"\($0)\"" }.joined(separator: ", "))",
                        fix: "tier1s peer with every other tier1; without it, valley-free export leaves some domains unreachable")
            }
        }
    }
}
