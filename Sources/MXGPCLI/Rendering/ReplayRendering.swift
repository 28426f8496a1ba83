import Foundation
import MXGPLab

/// `mxgp sim --replay`'s output: what was replayed, route changes of traced domains, and each
/// message in the lab beside the replay (only the ones whose path differs, unless asked for one).
enum ReplayRendering {
    static func text(_ replay: RunReplay, _ result: ReplayResult, message: String? = nil) -> String {
        var out = "replay of \(replay.folder): scenario \(result.report.scenario), lab \(replay.schedule.lab), seed \(replay.schedule.seed)"
            + ", recorded on \(replay.schedule.backend ?? "a lab")\n"
        out += "schedule:\n"
        for entry in replay.schedule.schedule.sorted(by: { $0.at < $1.at }) {
            out += "  " + pad(seconds(entry.at), 9) + " " + describe(entry) + "\n"
        }
        if replay.schedule.schedule.isEmpty { out += "  (nothing)\n" }
        if !result.routeChanges.isEmpty {
            for domain in Set(result.routeChanges.map(\.domain)).sorted() {
                out += "route changes of \(domain):\n"
                for change in result.routeChanges where change.domain == domain {
                    out += "  " + pad(change.seconds < 0 ? "start" : seconds(change.seconds), 9) + " " + pad(change.node, 10) + " " + (change.route?.description ?? "no route") + "\n"
                }
            }
        }
        let pairs = result.pairs
        if !result.recorded.isEmpty {
            let same = pairs.filter(\.samePath).count
            out += "messages: \(result.recorded.count) recorded, \(pairs.count) replayed; same path as in the lab: \(same)/\(pairs.count)"
                + "; replay: \(result.report.lost.count) lost, \(result.report.duplicated.count) duplicated\n"
            let shown = message.map { id in pairs.filter { matches($0, id) } } ?? pairs.filter { !$0.samePath }
            for pair in shown {
                out += "  \(pair.send) #\(pair.number) <\(pair.recordedId)>\n"
                out += "    lab:    " + path(pair.recordedHops, pair.recordedCopies) + "\n"
                out += "    replay: " + path(pair.replayedHops, pair.replayedCopies) + " <\(pair.replayedId)>\n"
            }
            if message != nil, let pair = shown.first {
                let lines = result.log.filter { $0.contains("<\(pair.replayedId)>") }
                if !lines.isEmpty { out += "  in the replay:\n" + lines.map { "    \($0)\n" }.joined() }
            }
        }
        let differences = result.routeDifferences
        if !result.capturedRoutes.isEmpty {
            out += differences.isEmpty ? "routes: every node's routes in the simulator equal the captured ones\n"
                : "routes that differ between the lab and the simulator:\n" + differences.map { "  \($0)\n" }.joined()
        }
        return out
    }

    /// True when `id` names the pair's message in the recording or the replay.
    static func matches(_ pair: ReplayResult.MessagePair, _ id: String) -> Bool {
        let bare = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        return pair.recordedId == bare || pair.replayedId == bare
    }

    static func describe(_ entry: ScheduleEntry) -> String {
        switch entry.action {
        case "send":
            guard let send = entry.send else { return "send" }
            return "send \(send.count) from \(send.from) to \(send.to)" + (send.rate.map { " at \(ScenarioAction.number($0))/s" } ?? "") + " [\(send.id)]"
        case "heal": return "heal " + (entry.fault?.description ?? "all")
        case "fault": return "fault " + (entry.fault?.description ?? "?")
        default: return entry.action + " (not replayed)"
        }
    }

    static func path(_ hops: [String], _ copies: Int) -> String {
        copies == 0 ? "not delivered" : hops.joined(separator: " > ") + (copies > 1 ? " (\(copies) copies)" : "")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

    /// `--json`: the replay's report, the pairs, route changes and differences.
    struct JSON: Encodable {
        var folder: String
        var report: ScenarioReport
        var messages: [ReplayResult.MessagePair]
        var routeChanges: [ReplayResult.RouteChange]
        var routeDifferences: [String]
        var samePaths: Int
    }

    static func json(_ replay: RunReplay, _ result: ReplayResult) -> JSON {
        JSON(folder: replay.folder, report: result.report, messages: result.pairs, routeChanges: result.routeChanges,
             routeDifferences: result.routeDifferences, samePaths: result.pairs.filter(\.samePath).count)
    }
}
