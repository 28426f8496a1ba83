import Foundation
import MXGPAdminAPI

extension CtlRendering {
    /// `mxgp ctl nexthops`: one row per configured neighbour.
    public static func nexthops(_ json: String) throws -> String {
        let nexthops = try decode(AdminNextHops.self, json).nexthops
        if nexthops.isEmpty { return "(no neighbours configured)\n" }
        var table = TextTable(["NEIGHBOUR", "STATE", "FAILURES", "PENALTY", "SENT", "BYTES", "P50", "P99", "FIRST CHOICE FOR", "LAST-ERROR"])
        for hop in nexthops {
            table.add([
                hop.neighbour, hop.state, String(hop.consecutiveFailures), hop.penaltyLeftSeconds > 0 ? "\(hop.penaltyLeftSeconds)s" : "-",
                String(hop.messagesSent), String(hop.bytesSent), hop.latencyP50Ms.map(milliseconds) ?? "-", hop.latencyP99Ms.map(milliseconds) ?? "-",
                abbreviated(hop.firstChoiceFor), hop.lastError.map { oneLine($0) + (hop.lastErrorAt.map { " (\($0))" } ?? "") } ?? "-",
            ])
        }
        return table.render()
    }

    /// The USABLE cell of a ranked route: `yes`, `yes: degraded` (slow, tried after the healthy
    /// ones), `no: penalised 12s (421 …)`, `no: session down`; `-` for an own domain.
    static func usable(_ usability: AdminRouteUsability?) -> String {
        guard let usability else { return "-" }
        if usability.usable { return usability.state == "degraded" ? "yes: degraded" : "yes" }
        switch usability.state {
        case "penalised":
            let left = usability.penaltyLeftSeconds.map { " \($0)s" } ?? ""
            return "no: penalised\(left)" + (usability.lastError.map { " (\(oneLine($0)))" } ?? "")
        case "down": return "no: session down"
        default: return "no: \(usability.state)"
        }
    }

    /// `4.2ms`, `1.25s`.
    static func milliseconds(_ ms: Double) -> String {
        ms < 1000 ? String(format: "%.1fms", ms) : String(format: "%.2fs", ms / 1000)
    }

    /// At most `limit` names, then `+N more`; `-` for none.
    static func abbreviated(_ names: [String], limit: Int = 3) -> String {
        if names.isEmpty { return "-" }
        let shown = names.prefix(limit).joined(separator: ",")
        return names.count > limit ? "\(shown) +\(names.count - limit) more" : shown
    }
}
