import MXGPCore

extension NodeConfig {
    /// The normalised config: every key spelt out with its value or default, in the fixed order
    /// of ``NodeConfigParser/topKeys``, without comments (what `mxgp node --check` prints).
    ///
    /// ``NodeConfig/parse(yaml:file:)`` reads it back to an equal config.
    public var yamlText: String { yamlLines.joined(separator: "\n") + "\n" }

    /// The lines of ``yamlText``.
    public var yamlLines: [String] {
        typealias T = NodeConfigText
        var lines = [
            "name: \(name)",
            "operator: \(operatorNumber)",
            "region: \(PolicyYAMLText.regionText(region))",
            "role: \(role.rawValue)",
        ]
        lines += T.list("domains", domains.map { PolicyYAMLText.quotedIfNeeded($0.text) })
        lines += [
            "listen:",
            "  mxgp: \(T.scalar(listen.mxgp.description))",
            "  smtp: \(T.scalar(listen.smtp.description))",
            "  admin: \(T.scalar(listen.admin))",
            "  admin-tcp: \(listen.adminTCP.map { T.scalar($0.description) } ?? "off")",
            "smtp-endpoint: \(T.scalar(smtpEndpoint.description))",
            "deliver-to: \(deliverTo.map { T.scalar($0.description) } ?? "off")",
        ]
        lines += T.list("local-networks", localNetworks.map { T.scalar($0.description) })
        lines += neighbours.isEmpty ? ["neighbours: []"] : ["neighbours:"] + neighbours.flatMap(T.neighbourLines)
        lines += ["policy:"] + policy.yamlLines(indent: 2)
        lines += T.list("refuse-regions", refuseRegions.map(PolicyYAMLText.regionText))
        if !refuseDestinations.isEmpty { lines += T.list("refuse-destinations", refuseDestinations.map(PolicyYAMLText.regionText)) }
        if complaintRate != ComplaintRateSettings() {
            lines += ["expected-complaint-rate: \(complaintRate.prior)", "complaint-rate-weight: \(complaintRate.weight)"]
        }
        lines += [
            "timers:",
            "  profile: \(timers.profile.rawValue)",
            "  hold: \(timers.holdTime)",
            "  connect-retry: \(T.duration(timers.connectRetry))",
            "  connect-retry-max: \(T.duration(timers.connectRetryMax))",
            "  connect-retry-reset: \(T.duration(timers.connectRetryReset))",
            "  fast-liveness: \(timers.fastLivenessMilliseconds.map { "\($0)ms" } ?? "off")",
        ]
        // Only when they differ from the profile's, so existing configs print as before.
        let defaults = NodeConfig.Timers.defaults(for: timers.profile)
        if timers.slowNextHop != defaults.slowNextHop {
            lines.append("  slow-next-hop: \(timers.slowNextHop.map(T.duration) ?? "off")")
        }
        if timers.slowNextHopRetry != defaults.slowNextHopRetry {
            lines.append("  slow-next-hop-retry: \(T.duration(timers.slowNextHopRetry))")
        }
        if timers.advertisementInterval != defaults.advertisementInterval {
            lines.append("  advertisement-interval: \(T.duration(timers.advertisementInterval))")
        }
        if let tls {
            lines += ["tls:", "  certificate: \(T.scalar(tls.certificate))", "  key: \(T.scalar(tls.key))", "  ca: \(T.scalar(tls.ca))"]
            if let keyLog = tls.keyLog { lines.append("  key-log: \(T.scalar(keyLog))") }
        } else {
            lines.append("tls: off")
        }
        lines += T.originValidationLines(originValidation)
        lines += ["store: \(T.scalar(store))", "log-level: \(logLevel.rawValue)"]
        lines += T.overloadLines(overload)
        return lines
    }
}

enum NodeConfigText {
    static func list(_ key: String, _ items: [String]) -> [String] {
        items.isEmpty ? ["\(key): []"] : ["\(key):"] + items.map { "  - \($0)" }
    }

    static func neighbourLines(_ neighbour: NodeConfig.NeighbourConfig) -> [String] {
        [
            "  - name: \(neighbour.name)",
            "    operator: \(neighbour.operatorNumber)",
            "    address: \(neighbour.address.map { scalar($0.description) } ?? "null")",
            "    relationship: \(neighbour.relationship.rawValue)",
            "    passive: \(neighbour.passive)",
        ] + (neighbour.nextHop.map { ["    next-hop: \(scalar($0.description))"] } ?? []) + [
            "    contract:",
            "      price: \(ContractTerms(price: neighbour.contract.price, coverage: neighbour.contract.coverage).priceText)",
        ] + (ContractTerms(price: neighbour.contract.price, coverage: neighbour.contract.coverage).coversText.map { ["      covers: \($0)"] } ?? []) + [
            "      chargeback: \(neighbour.contract.chargeback)",
            "      rate-limit: \(neighbour.contract.rateLimit)",
            "      max-size: \(neighbour.contract.maxSize)",
            "    max-domains: \(neighbour.maxDomains)",
            "    max-domains-action: \(neighbour.maxDomainsAction.rawValue)",
        ]
    }

    /// `250ms` or, for whole seconds, `2s`.
    static func duration(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// The text as a plain YAML scalar when that reads back as the same string, else double-quoted.
    static func scalar(_ text: String) -> String {
        let safeFirst = text.first.map { $0.isASCII && ($0.isLetter || $0.isNumber || "/._".contains($0)) } ?? false
        let safeRest = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-:@+".contains($0)) }
        let special = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
        if safeFirst, safeRest, !special, !text.hasSuffix(":"), Double(text) == nil { return text }
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}
