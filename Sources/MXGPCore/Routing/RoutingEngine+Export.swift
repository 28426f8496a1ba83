extension RoutingEngine {
    /// Valley-free export (DESIGN §2): own and customer-learned routes go to every
    /// neighbour; peer- and provider-learned routes go to customers only; an OTC
    /// route goes to customers only. Returns the attributes to announce, or nil
    /// (``RouteExport/attributes(of:learnedFrom:domain:to:target:local:draining:countries:carriedRefusals:)``).
    public func exportAttributes(of best: Candidate, domain: DomainName, to index: Int) -> PathAttributes? {
        RouteExport.attributes(
            of: best, learnedFrom: best.isOwn ? .customer : neighbours[Int(best.neighbour)].config.relationship, domain: domain,
            to: index, target: neighbours[index].config, local: local, draining: draining,
            countries: { originValidator?.countries(of: domain) ?? [] },
            carriedRefusals: { carriedRefusals(of: best, domain: domain, to: $0) })
    }

    /// The REGION_POLICY this node passes on with `best` (``RouteExport/carriedRefusals(of:ranked:relationshipOf:to:)``).
    func carriedRefusals(of best: Candidate, domain: DomainName, to relationship: Relationship) -> [Region] {
        guard !best.attributes.regionPolicy.isEmpty, let d = domains.index(of: domain) else { return best.attributes.regionPolicy }
        return RouteExport.carriedRefusals(
            of: best, ranked: locRIB[Int(d)], relationshipOf: { neighbours[Int($0)].config.relationship }, to: relationship)
    }

    /// Computes what changed for every established neighbour since the last flush and
    /// returns the UPDATE (and END-OF-RIB) messages to send, grouped by attributes and
    /// split to respect the maximum message size.
    public mutating func flush() -> [OutboundUpdates] {
        var result: [OutboundUpdates] = []
        let changedNow = changed
        for d in changedNow { changedFlag[Int(d)] = false }
        changed.removeAll(keepingCapacity: true)
        let domainDependent = local.policy.exportPolicy.dependsOnDomain || !local.refuseDestinations.isEmpty
        for index in neighbours.indices where neighbours[index].established && !neighbours[index].removed {
            let domainDependent = domainDependent || neighbours[index].config.coverage.dependsOnCountry
            let full = neighbours[index].needsFullExport
            let force = neighbours[index].forceResend
            neighbours[index].needsFullExport = false
            neighbours[index].forceResend = false
            var batch = UpdateBatch()
            var cache = ExportCache()
            let useCache = !domainDependent && (full || changedNow.count > 8)
            if full {
                for d in 0..<Int32(locRIB.count) { considerExport(d, to: index, batch: &batch, cache: &cache, useCache: useCache, force: force) }
            } else {
                for d in changedNow { considerExport(d, to: index, batch: &batch, cache: &cache, useCache: useCache, force: force) }
            }
            var messages = batch.isEmpty ? [] : batch.messages(maximumMessageSize: local.maximumMessageSize)
            if neighbours[index].sendEndOfRIB {
                neighbours[index].sendEndOfRIB = false
                messages.append(.endOfRIB)
            }
            if !messages.isEmpty { result.append(OutboundUpdates(neighbour: index, messages: messages)) }
        }
        return result
    }

    /// Compares what neighbour `index` should have for domain `d` with its Adj-RIB-Out and records the difference.
    mutating func considerExport(
        _ d: Int32, to index: Int, batch: inout UpdateBatch, cache: inout ExportCache, useCache: Bool,
        force: Bool = false
    ) {
        var wanted: PathAttributes?
        if let best = locRIB[Int(d)].first {
            let key = ExportCacheKey(attributes: ObjectIdentifier(best.attributes), neighbour: best.neighbour)
            // With REGION_POLICY the export also depends on the alternates.
            let useCache = useCache && best.attributes.regionPolicy.isEmpty
            if useCache, cache.lastKey == key {
                wanted = cache.lastWanted  // consecutive domains from one UPDATE share their attributes
            } else if useCache, let cached = cache.entries[key] {
                wanted = cached
                cache.remember(key, cached)
            } else {
                wanted = exportAttributes(of: best, domain: domains[d], to: index)
                if useCache {
                    cache.entries[key] = .some(wanted)
                    cache.remember(key, wanted)
                }
            }
        }
        // No local copy of the Adj-RIB-Out: it would make the writes below copy the whole dictionary.
        let old = neighbours[index].adjRIBOut.isEmpty ? nil : neighbours[index].adjRIBOut[d]
        switch (old, wanted) {
        case (nil, nil):
            return
        case (let old?, let new?) where !force && (old === new || old == new):
            return
        case (_, let new?):
            neighbours[index].adjRIBOut[d] = new
            batch.announce(domains[d], with: new)
        case (.some, nil):
            neighbours[index].adjRIBOut[d] = nil
            batch.withdraw(domains[d])
        }
    }

    /// True when changes wait for `flush()`.
    public var hasPendingChanges: Bool {
        !changed.isEmpty || neighbours.contains { $0.established && ($0.needsFullExport || $0.sendEndOfRIB) }
    }
}

/// Export results are shared by routes with the same attributes object from the same neighbour.
struct ExportCacheKey: Hashable {
    var attributes: ObjectIdentifier
    var neighbour: Int32
}

/// The export results of one flush towards one neighbour, with the last one looked up kept
/// apart: a flush walks the domains in the order their UPDATEs arrived, so runs of domains
/// share one key and skip the dictionary.
struct ExportCache {
    var entries: [ExportCacheKey: PathAttributes?] = [:]
    var lastKey: ExportCacheKey?
    var lastWanted: PathAttributes?

    mutating func remember(_ key: ExportCacheKey, _ wanted: PathAttributes?) {
        lastKey = key
        lastWanted = wanted
    }
}

/// Collects announcements grouped by attributes, and withdrawals, for one neighbour.
/// Small batches (the common case after the initial table) search groups linearly;
/// an index is built once there are many.
struct UpdateBatch {
    var withdrawn: [DomainName] = []
    var groups: [(attributes: PathAttributes, domains: [DomainName])] = []
    var index: [ObjectIdentifier: Int] = [:]

    var isEmpty: Bool { withdrawn.isEmpty && groups.isEmpty }

    mutating func withdraw(_ domain: DomainName) { withdrawn.append(domain) }

    mutating func announce(_ domain: DomainName, with attributes: PathAttributes) {
        if groups.count <= 8 {
            if let i = groups.firstIndex(where: { $0.attributes === attributes }) {
                groups[i].domains.append(domain)
                return
            }
            if groups.count == 8 {
                for (i, group) in groups.enumerated() { index[ObjectIdentifier(group.attributes)] = i }
            }
        } else if let i = index[ObjectIdentifier(attributes)] {
            groups[i].domains.append(domain)
            return
        }
        if groups.count >= 8 { index[ObjectIdentifier(attributes)] = groups.count }
        groups.append((attributes, [domain]))
    }

    /// UPDATE messages no larger than `maximumMessageSize` bytes.
    func messages(maximumMessageSize: Int) -> [MXGPMessage] {
        let budget = maximumMessageSize - MXGPFraming.headerLength - 8
        var result: [MXGPMessage] = []
        var chunk: [DomainName] = []
        var size = 0
        for domain in withdrawn {
            let entry = 1 + domain.text.utf8.count
            if size + entry > budget, !chunk.isEmpty {
                result.append(.update(UpdateMessage(withdrawn: chunk)))
                chunk.removeAll(keepingCapacity: true)
                size = 0
            }
            chunk.append(domain)
            size += entry
        }
        if !chunk.isEmpty { result.append(.update(UpdateMessage(withdrawn: chunk))) }
        for (attributes, names) in groups {
            let attributeSize = attributes.encodedSize
            chunk.removeAll(keepingCapacity: true)
            size = attributeSize
            for domain in names {
                let entry = 1 + domain.text.utf8.count
                if size + entry > budget, !chunk.isEmpty {
                    result.append(.update(UpdateMessage(attributes: attributes, announced: chunk)))
                    chunk.removeAll(keepingCapacity: true)
                    size = attributeSize
                }
                chunk.append(domain)
                size += entry
            }
            if !chunk.isEmpty { result.append(.update(UpdateMessage(attributes: attributes, announced: chunk))) }
        }
        return result
    }
}

extension PathAttributes {
    /// Bytes this attribute set takes on the wire.
    var encodedSize: Int {
        var size = 4 + operatorPath.count * 4 + 4 + nextHop.utf8.count + 4 + 4
        if onlyToCustomer != nil { size += 8 }
        if !communities.isEmpty { size += 4 + communities.count * 12 }
        if !regionPolicy.isEmpty { size += 4 + regionPolicy.count * 2 }
        if let proof = originProof { size += 4 + 7 + proof.signature.count }
        if draining { size += 4 }
        if chargeback > 0 { size += 8 }
        for raw in unknown { size += 4 + raw.value.count }
        return size
    }
}
