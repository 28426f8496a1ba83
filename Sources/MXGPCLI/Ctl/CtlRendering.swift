import Foundation
import MXGPAdminAPI
import MXGPCore
import MXGPNode

/// Tables for people from the admin API's JSON: pure functions (JSON text in, text out),
/// so they are golden-tested without a node.
public enum CtlRendering {
    /// `mxgp ctl peers`: one row per configured neighbour.
    public static func peers(_ json: String) throws -> String {
        let peers = try decode(AdminPeers.self, json).peers
        if peers.isEmpty { return "(no neighbours configured)\n" }
        var table = TextTable(["NAME", "OPERATOR", "RELATIONSHIP", "STATE", "UPTIME", "MSGS-IN", "MSGS-OUT", "ROUTES", "LAST-ERROR"])
        for peer in peers {
            table.add([
                peer.name, String(peer.operatorNumber), peer.relationship.rawValue, peer.state + (peer.tls ? " (tls)" : ""),
                peer.uptimeSeconds.map(uptime) ?? "-", String(peer.messagesIn), String(peer.messagesOut),
                peer.routesAccepted == peer.routesReceived ? String(peer.routesAccepted) : "\(peer.routesAccepted)/\(peer.routesReceived)",
                peer.lastError.map(oneLine) ?? "-",
            ])
        }
        return table.render()
    }

    /// `mxgp ctl routes`: every best route, the columns of `mxgp sim`; an ORIGIN column
    /// (valid, invalid, notFound) when the node validates origins.
    public static func routes(_ json: String) throws -> String {
        let body = try decode(AdminRoutes.self, json)
        let routes = body.routes
        let refused = (body.originInvalid ?? []).map {
            "refused (origin invalid): \($0.domain) from \($0.neighbour), path \(path($0.path))\n"
        }.joined()
        if routes.isEmpty { return "(no routes)\n" + refused }
        let validating = routes.values.contains { $0.validation != nil }
        // CHARGEBACK and REFUSES (REGION_POLICY) appear only when some route has them.
        let charging = routes.values.contains { $0.chargeback != nil || ($0.alternates ?? []).contains { $0.chargeback != nil } }
        let refusing = routes.values.contains { $0.refuses != nil }
        var table = TextTable(
            ["DOMAIN", "NEXT HOP", "PATH", "PRICE"] + (charging ? ["CHARGEBACK"] : []) + ["LOCAL-PREF", "REASON"]
                + (validating ? ["ORIGIN"] : []) + (refusing ? ["REFUSES"] : []) + ["ALTERNATES"])
        for (domain, route) in routes.sorted(by: { $0.key < $1.key }) {
            var row: [String] = [domain, hop(route), path(route.path), String(route.price)]
            if charging { row.append(String(route.chargeback ?? 0)) }
            row += [String(route.localPref), route.reason]
            if validating { row.append(route.validation ?? "-") }
            if refusing { row.append(route.refuses?.joined(separator: ",") ?? "-") }
            let alternates = route.alternates ?? []
            row.append(alternates.isEmpty ? "-" : alternates.filter { $0.nextHop != nil }.map(hop).joined(separator: ","))
            table.add(row)
        }
        return table.render() + refused
    }

    /// `mxgp ctl routes DOMAIN`: the route mail for the domain follows, then its ranked alternates;
    /// a USABLE column (would the data plane send to that next hop now, and why not) when the
    /// node says.
    public static func lookup(_ json: String) throws -> String {
        let lookup = try decode(AdminLookup.self, json)
        var out: String
        if lookup.matched == lookup.domain {
            out = "\(lookup.domain)\n"
        } else if lookup.matched == "." {
            out = "\(lookup.domain): the default route (.)\n"
        } else {
            out = "\(lookup.domain): the route of \(lookup.matched) (longest matching suffix)\n"
        }
        let best = lookup.route
        let validating = best.validation != nil
        let ranked = [best] + (best.alternates ?? [])
        let usability = ranked.contains { $0.usability != nil }
        var table = TextTable(["RANK", "NEXT HOP", "PATH", "PRICE", "LOCAL-PREF", "REASON"] + (validating ? ["ORIGIN"] : []) + (usability ? ["USABLE"] : []))
        for (i, route) in ranked.enumerated() {
            table.add([
                i == 0 ? "best" : String(i + 1), hop(route), path(route.path), String(route.price), String(route.localPref),
                i == 0 ? route.reason : "lost on \(route.reason)",
            ] + (validating ? [route.validation ?? "-"] : []) + (usability ? [usable(route.usability)] : []))
        }
        return out + table.render()
    }

    /// `mxgp ctl queue`.
    public static func queue(_ json: String) throws -> String {
        let queue = try decode(AdminQueue.self, json)
        guard queue.available else { return unavailable("queue", queue.reason) }
        if queue.queue.isEmpty { return "(queue empty)\n" }
        var table = TextTable(["ID", "FROM", "TO", "NEXT HOP", "ATTEMPTS", "NEXT ATTEMPT", "LAST-ERROR"])
        for entry in queue.queue {
            table.add([
                entry.id, entry.from, entry.to.joined(separator: ","), entry.nextHop ?? "-", String(entry.attempts),
                entry.nextAttemptAt ?? "-", entry.lastError.map(oneLine) ?? "-",
            ])
        }
        return table.render()
    }

    /// `mxgp ctl mailbox ADDRESS`.
    public static func mailbox(_ json: String) throws -> String {
        let mailbox = try decode(AdminMailbox.self, json)
        guard mailbox.available else { return unavailable("mailbox \(mailbox.address)", mailbox.reason) }
        if mailbox.messages.isEmpty { return "(no messages for \(mailbox.address))\n" }
        var table = TextTable(["RECEIVED", "FROM", "SUBJECT", "HOPS", "MESSAGE-ID"])
        for message in mailbox.messages {
            table.add([message.receivedAt, message.from, oneLine(message.subject), message.hops.joined(separator: " > "), message.messageId])
        }
        return table.render()
    }

    /// `mxgp ctl ledger`.
    public static func ledger(_ json: String) throws -> String {
        let ledger = try decode(AdminLedger.self, json)
        guard ledger.available else { return unavailable("ledger", ledger.reason) }
        if ledger.ledger.isEmpty { return "(ledger empty)\n" }
        var table = TextTable(["NEIGHBOUR", "MSGS-IN", "MSGS-OUT", "BYTES-IN", "BYTES-OUT", "OWED", "EARNED", "CHARGEBACKS", "COMPLAINTS", "CB-PAYABLE", "COMPLAINTS-PAYABLE"])
        for entry in ledger.ledger {
            table.add([
                entry.neighbour, String(entry.messagesIn), String(entry.messagesOut), String(entry.bytesIn), String(entry.bytesOut),
                String(entry.owed), String(entry.earned), String(entry.chargebacks), String(entry.complaints),
                String(entry.chargebacksPayable), String(entry.complaintsPayable),
            ])
        }
        return table.render()
    }

    // MARK: Helpers

    /// `45s`, `12m03s`, `3h04m`, `2d03h`.
    public static func uptime(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad(s % 60) + "s" }
        if s < 86_400 { return "\(s / 3600)h" + pad(s % 3600 / 60) + "m" }
        return "\(s / 86_400)d" + pad(s % 86_400 / 3600) + "h"
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// The next hop of a route, `(own)` for an own domain, with ` (draining)` when it carries DRAINING.
    static func hop(_ route: AdminRoute) -> String {
        (route.nextHop ?? "(own)") + (route.draining == true ? " (draining)" : "")
    }

    static func path(_ path: [OperatorNumber]) -> String { path.isEmpty ? "-" : path.map(String.init).joined(separator: " ") }

    static func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }

    static func unavailable(_ what: String, _ reason: String?) -> String {
        "\(what): not available (\(reason ?? "the node does not provide it"))\n"
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        do {
            return try AdminJSON.decode(type, from: json)
        } catch {
            throw CLIError("the node's answer is not the expected JSON (\(error)); are mxgp and the node the same version?")
        }
    }
}
