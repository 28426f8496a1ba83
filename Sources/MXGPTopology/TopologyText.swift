import Foundation
import MXGPCore

extension Topology {
    /// The topology as a topology file that ``TopologyParser`` reads back to the same value
    /// (for generated topologies: `mxgp sim explore` writes them into run bundles). Node
    /// policies are not written: a topology with a policy other than the default is written
    /// without it, and says so in a comment.
    public var yamlText: String {
        var out = "# written by mxgp\nname: \(name)\nnodes:\n"
        for node in nodes {
            var fields = ["role: \(node.role.rawValue)", "operator: \(node.operatorNumber)", "region: \(node.region.code)"]
            let own = node.domains.filter { !node.hijacked.contains($0) }
            if !own.isEmpty { fields.append("domains: [\(own.map(\.text).joined(separator: ", "))]") }
            if !node.hijacked.isEmpty { fields.append("hijack: [\(node.hijacked.map(\.text).joined(separator: ", "))]") }
            if !node.refuseRegions.isEmpty { fields.append("refuse-regions: [\(node.refuseRegions.map(\.code).joined(separator: ", "))]") }
            if !node.countries.isEmpty { fields.append("countries: [\(node.countries.map(\.code).joined(separator: ", "))]") }
            if !node.refuseDestinations.isEmpty {
                fields.append("refuse-destinations: [\(node.refuseDestinations.map(\.code).joined(separator: ", "))]")
            }
            if node.complaintRate.prior > 0 { fields.append("expected-complaint-rate: \(node.complaintRate.prior)") }
            if node.complaintRate.weight != ComplaintRateSettings.defaultWeight {
                fields.append("complaint-rate-weight: \(node.complaintRate.weight)")
            }
            let overload = NodeConfigText.overloadLines(node.overload).dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            if !overload.isEmpty { fields.append("overload: { \(overload.joined(separator: ", ")) }") }
            out += "  \(node.name): { \(fields.joined(separator: ", ")) }" + (node.policy == NodePolicy() ? "" : "  # its policy is not written") + "\n"
        }
        if let validation = originValidation {
            out += "origin-validation:\n" + (validation.leaveOut.isEmpty ? "  leave-out: []\n" : "  leave-out: [\(validation.leaveOut.joined(separator: ", "))]\n")
        }
        if let line = timers.yamlLine { out += line + "\n" }
        out += "links:\n"
        for link in links {
            var fields = ["a: \(link.a)", "b: \(link.b)", "relationship: \(link.aRole.rawValue)"]
            let terms = ContractTerms(price: link.price, coverage: link.coverage)
            if link.price > 0 || link.coverage.dependsOnCountry { fields.append("price: \(terms.priceText)") }
            if let covers = terms.coversText { fields.append("covers: \(covers)") }
            if link.chargeback > 0 { fields.append("chargeback: \(link.chargeback)") }
            if link.rateLimit > 0 { fields.append("rate-limit: \(link.rateLimit)") }
            if let maxSize = link.maxSize { fields.append("max-size: \(maxSize)") }
            out += "  - { \(fields.joined(separator: ", ")) }\n"
        }
        return out
    }
}
