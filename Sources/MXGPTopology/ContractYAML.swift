import MXGPCore
import Yams

/// The per-country terms of a contract, shared by topology links and node configs
/// (docs/NODE.md, "Contracts by country"):
///
/// ```yaml
/// price: 3                      # every destination at 3
/// price: { DE: 2, "*": 5 }      # 2 into DE, 5 anywhere else
/// price: { DE: 2, FR: 3 }       # a contract for DE and FR only
/// covers: [DE, FR]              # only DE and FR, at the default price
/// ```
///
/// A price mapping without `"*"` covers only the countries it names (unless `covers:` says
/// otherwise); `covers:` must name at least one country, and a priced country must be covered.
public struct ContractTerms: Hashable, Sendable {
    /// The price where no country price applies (`price: N` or `"*"`).
    public var price: UInt32
    /// The countries and their prices.
    public var coverage: ContractCoverage

    /// Creates terms.
    public init(price: UInt32 = 0, coverage: ContractCoverage = .everywhere) {
        self.price = price
        self.coverage = coverage
    }
}

extension YAMLContext {
    /// A list of ISO 3166 alpha-2 country codes; nil after reporting errors.
    public mutating func countries(_ node: Node, _ what: String) -> [Country]? {
        guard let items = scalarList(node, what, example: "[DE, FR]") else { return nil }
        var result: [Country] = []
        var ok = true
        for (text, line) in items {
            if let country = Country(text) {
                result.append(country)
            } else {
                ok = false
                error(.badRegion, line: line, "\"\(text)\" in \(what) is not an ISO 3166 alpha-2 country code",
                      fix: "use two letters such as DE, FR, US or JP")
            }
        }
        return ok ? result : nil
    }

    /// The `price:` and `covers:` of a contract (either may be nil); nil after reporting errors.
    /// `priceLabel` names the price in messages (default "the price of WHAT").
    public mutating func contractTerms(price priceNode: Node?, covers coversNode: Node?, what: String, priceLabel: String? = nil) -> ContractTerms? {
        let priceLabel = priceLabel ?? "the price of \(what)"
        let errorsBefore = errors.count
        var terms = ContractTerms()
        var pricedCountries: [Country: UInt32] = [:]
        var hasDefault = true
        if let priceNode {
            if case .mapping(let mapping) = priceNode {
                hasDefault = false
                for (keyNode, valueNode) in mapping {
                    let key = keyNode.string ?? ""
                    let line = YAMLContext.line(of: keyNode)
                    let value = number(valueNode, "the price of \(key.isEmpty ? "a country" : key) in \(what)", kind: .badPrice,
                                       fix: "use a whole number of price units per message, 0 or more")
                    if key == "*" {
                        hasDefault = true
                        if let value { terms.price = value }
                    } else if let country = Country(key), country.code == key {
                        if let value { pricedCountries[country] = value }
                    } else {
                        error(.badContract, line: line, "price key \"\(key)\" in \(what) is not a country code",
                              fix: "use upper-case ISO 3166 alpha-2 codes such as DE, and \"*\" for every other country: price: { DE: 2, \"*\": 5 }")
                    }
                }
                if mapping.count == 0 {
                    error(.badContract, line: YAMLContext.line(of: priceNode), "the price mapping of \(what) is empty",
                          fix: "write a number (price: 3) or prices by country: price: { DE: 2, \"*\": 5 }")
                }
            } else if let value = number(priceNode, priceLabel, kind: .badPrice,
                                         fix: "use a whole number of price units per message, 0 or more, or prices by country: { DE: 2, \"*\": 5 }") {
                terms.price = value
            }
        }
        var covers: Set<Country>?
        if let coversNode {
            let line = YAMLContext.line(of: coversNode)
            if let list = countries(coversNode, "the covers of \(what)") {
                if list.isEmpty {
                    error(.badContract, line: line, "the contract of \(what) covers no country",
                          fix: "name at least one country (covers: [DE]) or leave covers out to cover every destination")
                } else {
                    covers = Set(list)
                    for country in pricedCountries.keys.sorted() where !list.contains(country) {
                        error(.badContract, line: line, "\(what) prices \(country) but does not cover it",
                              fix: "add \(country) to covers, or remove its price")
                    }
                }
            }
        } else if !hasDefault {
            covers = Set(pricedCountries.keys)
        }
        guard errors.count == errorsBefore else { return nil }
        terms.coverage = ContractCoverage(covers: covers, prices: pricedCountries)
        return terms
    }
}

extension ContractTerms {
    /// The YAML text of `price:` (a number, or a mapping by country) for rendering.
    public var priceText: String {
        if coverage.prices.isEmpty { return "\(price)" }
        var parts = coverage.prices.sorted { $0.key < $1.key }.map { "\($0.key.code): \($0.value)" }
        if writesDefault { parts.append("\"*\": \(price)") }
        return "{ " + parts.joined(separator: ", ") + " }"
    }

    /// True when the price mapping needs its `"*"`: the contract covers more than the priced
    /// countries, or has a default price of its own.
    var writesDefault: Bool { coverage.covers != Set(coverage.prices.keys) || price != 0 }

    /// The YAML text of `covers:`, nil when it need not be written (every country, or exactly
    /// the countries a price mapping without `"*"` names).
    public var coversText: String? {
        guard let covers = coverage.covers else { return nil }
        if covers == Set(coverage.prices.keys) && !coverage.prices.isEmpty && !writesDefault { return nil }
        return "[" + covers.sorted().map(\.code).joined(separator: ", ") + "]"
    }
}

extension YAMLContext {
    /// `expected-complaint-rate:` (a fraction 0–1, or a percentage such as `2%`) and
    /// `complaint-rate-weight:` (messages, 0 or more); defaults when absent.
    public mutating func complaintRate(prior priorNode: Node?, weight weightNode: Node?, what: String) -> ComplaintRateSettings {
        var settings = ComplaintRateSettings()
        if let priorNode, let text = scalar(priorNode, "the expected-complaint-rate of \(what)", example: "0.01") {
            let percent = text.hasSuffix("%")
            let number = Double(percent ? String(text.dropLast()) : text).map { percent ? $0 / 100 : $0 }
            if let number, number.isFinite, (0...1).contains(number) {
                settings.prior = number
            } else {
                error(.badContract, line: YAMLContext.line(of: priorNode), "the expected-complaint-rate of \(what) is \"\(text)\"",
                      fix: "use a fraction between 0 and 1 (0.01: one complaint per hundred messages) or a percentage such as 1%")
            }
        }
        if let weightNode, let weight = number(weightNode, "the complaint-rate-weight of \(what)", kind: .badContract, range: 0...1_000_000_000,
                                               fix: "use how many messages the expected rate counts for, like 100") {
            settings.weight = Int(weight)
        }
        return settings
    }
}
