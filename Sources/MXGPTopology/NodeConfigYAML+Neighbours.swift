import MXGPCore
import Yams

// MARK: - Neighbours

extension NodeConfigReader {
    /// What the neighbour checks need to know about the local node (nil when it did not parse).
    struct Owner {
        var name: String?
        var operatorNumber: OperatorNumber?
        var role: NodeRole?
    }

    mutating func neighbours(_ node: Node, owner: Owner) -> [NodeConfig.NeighbourConfig] {
        guard let items = context.sequence(node, "neighbours", example: "[ { name: up1, operator: 100, address: 192.0.2.1:1790 } ]") else { return [] }
        var result: [NodeConfig.NeighbourConfig] = []
        var names: [String: Int] = [:], operators: [OperatorNumber: Int] = [:], addresses: [HostPort: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "neighbours[\(index)]"
            let line = YAMLContext.line(of: item)
            guard let neighbour = neighbour(item, path: path, owner: owner) else { continue }
            if let first = names[neighbour.name] {
                context.error(.duplicateNeighbour, line: line, "\(path) is named \"\(neighbour.name)\" like neighbours[\(first)]",
                              fix: "give each neighbour its own name, or merge the two entries")
            } else if let first = operators[neighbour.operatorNumber] {
                context.error(.duplicateOperator, line: line, "\(path) (\(neighbour.name)) has operator \(neighbour.operatorNumber) like neighbours[\(first)]",
                              fix: "each neighbour is a different operator; fix the operator number or remove the duplicate")
            } else if let address = neighbour.address, let first = addresses[address] {
                context.error(.duplicateAddress, line: line, "\(path) (\(neighbour.name)) has address \(address) like neighbours[\(first)]",
                              fix: "give each neighbour the address of its own MXGP listener")
            } else {
                result.append(neighbour)
            }
            names[neighbour.name] = names[neighbour.name] ?? index
            operators[neighbour.operatorNumber] = operators[neighbour.operatorNumber] ?? index
            if let address = neighbour.address { addresses[address] = addresses[address] ?? index }
        }
        return result
    }

    mutating func neighbour(_ item: Node, path: String, owner: Owner) -> NodeConfig.NeighbourConfig? {
        let line = YAMLContext.line(of: item)
        let errorsBefore = context.errors.count
        guard let mapping = context.mapping(item, path, example: "{ name: up1, operator: 100, address: 192.0.2.1:1790 }") else { return nil }
        let values = context.keys(of: mapping, path, allowed: NodeConfigParser.neighbourKeys, required: ["name", "operator"], line: line)
        var name: String?
        if let node = values["name"], let text = context.scalar(node, "\(path).name", example: "up1") {
            if !TopologyParser.isValidNodeName(text) {
                context.error(.badNodeName, line: YAMLContext.line(of: node), "\(path).name \"\(text)\" is not a valid node name",
                              fix: "use the neighbour's node name: \(TopologyParser.nodeNameRule)")
            } else if text == owner.name {
                context.error(.selfLink, line: YAMLContext.line(of: node), "\(path).name \"\(text)\" is this node's own name",
                              fix: "list other nodes as neighbours, not this one")
            } else {
                name = text
            }
        }
        let described = name.map { "\(path) (\($0))" } ?? path
        var operatorNumber: OperatorNumber?
        if let node = values["operator"], let value = context.number(node, "\(path).operator", kind: .badOperator, range: 1...UInt32.max,
                                                                       fix: "use the neighbour's operator number between 1 and 4294967295") {
            if value == owner.operatorNumber {
                context.error(.selfLink, line: YAMLContext.line(of: node), "\(described) has operator \(value), this node's own operator",
                              fix: "use the neighbour's operator number (sessions inside one operator are not supported)")
            } else {
                operatorNumber = value
            }
        }
        var address: HostPort?
        if let node = values["address"], !YAMLContext.isNull(node) {
            address = hostPort(node, "\(path).address", defaultPort: NodeConfig.defaultMXGPPort)
        }
        var nextHop: HostPort?
        if let node = values["next-hop"], !YAMLContext.isNull(node) {
            nextHop = hostPort(node, "\(path).next-hop", defaultPort: NodeConfig.defaultSMTPPort)
            if let value = nextHop, value.isUnspecified {
                context.error(.badAddress, line: YAMLContext.line(of: node), "\(path).next-hop \(value) is a wildcard address, which the neighbour cannot connect to",
                              fix: "use this node's own address on the link to the neighbour, like 192.0.2.2:25, or remove next-hop to announce smtp-endpoint")
                nextHop = nil
            }
        }
        let relationship = relationship(values["relationship"], path: path, described: described, owner: owner, line: line)
        var passive = address == nil
        if let node = values["passive"], let value = boolean(node, "\(path).passive") {
            passive = value
            if !value, values["address"].map(YAMLContext.isNull) ?? true {
                context.error(.missingKey, line: YAMLContext.line(of: node), "\(described) has passive: false but no address to connect to",
                              fix: "add \"address: <host>:1790\" or set passive: true to wait for the neighbour to connect")
            }
        }
        let contract = values["contract"].flatMap { self.contract($0, path: "\(path).contract") } ?? NodeConfig.Contract()
        if relationship == .peer, contract.price > 0 {
            context.error(.priceOnPeerLink, line: YAMLContext.line(of: values["contract"]), "\(described) is a peer but its contract has price \(contract.price)",
                          fix: "remove the price (peers exchange mail without charge; a price is what a provider charges its customer)")
        }
        let maxDomains = values["max-domains"].flatMap {
            context.number($0, "\(path).max-domains", kind: .badContract, fix: "use the most domains to accept from this neighbour, or 0 for no limit")
        } ?? 0
        var maxDomainsAction = DomainLimitAction.block
        if let node = values["max-domains-action"], let text = context.scalar(node, "\(path).max-domains-action", example: "block") {
            if let action = DomainLimitAction(rawValue: text.lowercased()) {
                maxDomainsAction = action
            } else {
                context.error(.badContract, line: YAMLContext.line(of: node), "\(path).max-domains-action is \"\(text)\"",
                              fix: "use warn (accept and log), block (ignore domains over the limit) or reset (close the session with Cease 6/1)")
            }
        }
        guard context.errors.count == errorsBefore, let name, let operatorNumber, let relationship else { return nil }
        return NodeConfig.NeighbourConfig(name: name, operatorNumber: operatorNumber, address: address, relationship: relationship,
                                          passive: passive, contract: contract, maxDomains: maxDomains, maxDomainsAction: maxDomainsAction,
                                          nextHop: nextHop)
    }

    mutating func relationship(_ node: Node?, path: String, described: String, owner: Owner, line: Int) -> Relationship? {
        guard let node else {
            guard let role = owner.role else { return nil }
            if let relationship = NodeConfig.defaultRelationship(for: role) { return relationship }
            context.error(.missingKey, line: line, "\(described) has no \"relationship\" (a \(role.rawValue) has no default)",
                          fix: "add \"relationship: customer\", \"provider\" or \"peer\": what the neighbour is to this node")
            return nil
        }
        guard let text = context.scalar(node, "\(path).relationship", example: "provider") else { return nil }
        let valueLine = YAMLContext.line(of: node)
        guard let relationship = Relationship(rawValue: text) else {
            context.error(.badRelationship, line: valueLine, "\(path).relationship \"\(text)\" is not customer, provider or peer",
                          fix: "\(Self.guess(text, Relationship.allCases.map(\.rawValue)))use customer, provider or peer: what the neighbour is to this node")
            return nil
        }
        if owner.role == .colo, relationship == .customer {
            context.error(.coloGivesTransit, line: valueLine, "\(described) would be a customer of this colo",
                          fix: "a colo never gives transit: use provider (you buy transit from it) or peer, or make this node an upstream")
            return nil
        }
        if owner.role == .tier1, relationship == .provider {
            context.error(.tier1WithProvider, line: valueLine, "\(described) would be a provider of this tier1",
                          fix: "a tier1 has no providers: use peer (another tier1) or customer, or make this node an upstream")
            return nil
        }
        return relationship
    }

    mutating func contract(_ node: Node, path: String) -> NodeConfig.Contract? {
        if YAMLContext.isNull(node) { return nil }
        guard let mapping = context.mapping(node, path, example: "{ price: 3, chargeback: 50, rate-limit: 600, max-size: 10485760 }") else { return nil }
        let values = context.keys(of: mapping, path, allowed: NodeConfigParser.contractKeys, line: YAMLContext.line(of: node))
        var contract = NodeConfig.Contract()
        if let terms = context.contractTerms(price: values["price"], covers: values["covers"], what: path, priceLabel: "\(path).price") {
            contract.price = terms.price
            contract.coverage = terms.coverage
        }
        if let node = values["chargeback"], let value = context.number(node, "\(path).chargeback", kind: .badContract,
                                                                         fix: "use a whole number of price units per spam complaint, 0 or more") {
            contract.chargeback = value
        }
        if let node = values["rate-limit"], let value = context.number(node, "\(path).rate-limit", kind: .badContract,
                                                                         fix: "use messages per minute, or 0 for no limit") {
            contract.rateLimit = value
        }
        if let node = values["max-size"], let value = context.number(node, "\(path).max-size", kind: .badContract, range: 1...UInt32.max,
                                                                       fix: "use the largest message in bytes, like 10485760 (10 MiB)") {
            contract.maxSize = value
        }
        return contract
    }
}
