import Foundation

/// A route of a watched domain that changed during a run: what `node` used for `domain` from
/// `at` (seconds from the start) on. The watched domains are those of the scenario's route
/// expectations.
public struct RouteChange: Sendable, Codable, Hashable {
    public var at: Double
    public var node: String
    public var domain: String
    /// The route now (`up2 [200 2 64502]`), or `no route`.
    public var route: String

    public init(at: Double, node: String, domain: String, route: String) {
        self.at = at
        self.node = node
        self.domain = domain
        self.route = route
    }
}

/// `report.html` of a run folder: one self-contained page (inline CSS and SVG, no script, no
/// network) with the run's timeline: faults as bands, each message as a mark from submission to
/// delivery coloured by the path it took (lost and duplicated ones stand out), the route
/// changes of the watched domains, and each expectation with the time it took to hold.
/// A message's submission time is its send step's start plus its index over the step's rate;
/// its delivery time is `deliveredAt` (or, in older reports, `receivedAt` against `startedAt`).
public enum ReportHTML {
    /// The timeline's pieces, derived from a report (pure; what the picture draws).
    public struct Timeline: Sendable, Hashable {
        public struct Band: Sendable, Hashable { public var start: Double; public var end: Double; public var label: String; public var instant: Bool }
        public struct Mark: Sendable, Hashable {
            public var messageId: String
            public var send: String
            public var start: Double
            /// When it reached the mailbox; nil when it did not (or the time is unknown).
            public var end: Double?
            /// `delivered`, `duplicated`, `lost` or `refused`.
            public var status: String
            public var path: [String]
            public var copies: Int
        }
        public struct Expectation: Sendable, Hashable { public var at: Double; public var seconds: Double; public var label: String; public var passed: Bool; public var detail: String }

        public var seconds: Double
        public var bands: [Band]
        public var marks: [Mark]
        public var paths: [[String]]
        public var routes: [RouteChange]
        public var expectations: [Expectation]
    }

    static func date(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// The timeline of `report`.
    public static func timeline(_ report: ScenarioReport) -> Timeline {
        let total = max(report.seconds, 0.001)
        var bands: [Timeline.Band] = []
        var open: [(fault: LabFault, start: Double)] = []
        for entry in report.schedule.sorted(by: { $0.at < $1.at }) {
            switch entry.action {
            case "fault":
                guard let fault = entry.fault else { continue }
                if fault.persists { open.append((fault, entry.at)) } else {
                    bands.append(.init(start: entry.at, end: entry.at, label: fault.description, instant: true))
                }
            case "heal":
                let closing = open.filter { entry.fault == nil || $0.fault == entry.fault }
                for band in closing { bands.append(.init(start: band.start, end: entry.at, label: band.fault.description, instant: false)) }
                open.removeAll { entry.fault == nil || $0.fault == entry.fault }
            default: break
            }
        }
        for band in open { bands.append(.init(start: band.start, end: total, label: band.fault.description + " (not healed)", instant: false)) }
        bands.sort { ($0.start, $0.label) < ($1.start, $1.label) }

        let sends = Dictionary(report.schedule.compactMap { entry in entry.send.map { ($0.id, (at: entry.at, rate: $0.rate)) } }, uniquingKeysWith: { a, _ in a })
        let start = date(report.startedAt)
        var index: [String: Int] = [:]
        var paths: [[String]] = []
        var marks: [Timeline.Mark] = []
        for message in report.messages {
            let i = index[message.send, default: 0]
            index[message.send] = i + 1
            let send = sends[message.send]
            let submitted = (send?.at ?? 0) + (send?.rate.map { $0 > 0 ? Double(i) / $0 : 0 } ?? 0)
            var end: Double?
            if message.copies > 0, let delivered = message.deliveredAt {
                end = min(max(delivered, submitted), total)
            } else if message.copies > 0, let start, let received = message.receivedAt.flatMap(date) {
                end = min(max(received.timeIntervalSince(start), submitted), total)
            }
            let status = message.submitted != "accepted" ? "refused" : message.copies == 0 ? "lost" : message.copies > 1 ? "duplicated" : "delivered"
            if !message.hops.isEmpty, !paths.contains(message.hops) { paths.append(message.hops) }
            marks.append(.init(messageId: message.messageId, send: message.send, start: submitted, end: end, status: status, path: message.hops, copies: message.copies))
        }
        let expectations = report.steps.filter { $0.step.hasPrefix("expect ") }.map {
            Timeline.Expectation(at: $0.at, seconds: $0.seconds, label: String($0.step.dropFirst(7)), passed: $0.verdict == .passed, detail: $0.detail)
        }
        return Timeline(seconds: total, bands: bands, marks: marks, paths: paths, routes: report.routeChanges ?? [], expectations: expectations)
    }

    /// Colours of paths, in order of first use (then repeated).
    static let palette = ["#1f77b4", "#2ca02c", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]

    static func colour(_ path: [String], in paths: [[String]]) -> String {
        guard let index = paths.firstIndex(of: path) else { return "#999" }
        return palette[index % palette.count]
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
    static func seconds(_ value: Double) -> String { String(format: value < 10 ? "%.2f s" : "%.1f s", value) }

    /// The page.
    public static func render(_ report: ScenarioReport) -> String {
        let timeline = timeline(report)
        let verdict = report.passed ? "passed" : "failed"
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escape(report.scenario)): \(verdict)</title>
            <style>
            body { font: 13px/1.4 Helvetica, Arial, sans-serif; color: #222; margin: 20px; }
            h1 { font-size: 18px; } h2 { font-size: 15px; margin-top: 24px; }
            .passed { color: #2a9d8f; } .failed { color: #e63946; }
            table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
            svg.timeline text { font-size: 11px; } .legend span { display: inline-block; margin-right: 14px; }
            .swatch { display: inline-block; width: 14px; height: 4px; vertical-align: middle; margin-right: 4px; }
            </style>
            </head>
            <body>
            <h1>\(escape(report.scenario)) <span class="\(verdict)">\(verdict)</span></h1>
            <p>\(escape(report.description))</p>
            <p>lab \(escape(report.lab)), seed \(report.seed), started \(escape(report.startedAt)), \(seconds(report.seconds));
            \(report.messages.count) messages, \(report.lost.count) lost, \(report.duplicated.count) duplicated</p>
            <h2>Timeline</h2>

            """
        html += svg(timeline)
        html += "<p class=\"legend\">"
        for path in timeline.paths {
            html += "<span><span class=\"swatch\" style=\"background: \(colour(path, in: timeline.paths))\"></span>\(escape(path.joined(separator: " → ")))</span>"
        }
        html += "<span><span class=\"swatch\" style=\"background: #e63946\"></span>lost</span>"
        html += "<span><span class=\"swatch\" style=\"background: #ff7b00; height: 8px\"></span>duplicated</span>"
        html += "<span>× lost (red) or refused at submission (grey)</span>"
        html += "<span><span class=\"swatch\" style=\"background: #f4cccc; height: 12px\"></span>fault</span></p>\n"
        html += "<h2>Steps</h2>\n<table>\n<tr><th>#</th><th>at</th><th>took</th><th>step</th><th>verdict</th><th>detail</th></tr>\n"
        for step in report.steps {
            html += "<tr><td>\(step.index + 1)</td><td>\(seconds(step.at))</td><td>\(seconds(step.seconds))</td><td>\(escape(step.step))</td>"
                + "<td class=\"\(step.verdict.rawValue)\">\(step.verdict.rawValue)</td><td>\(escape(step.detail))</td></tr>\n"
        }
        html += "</table>\n"
        if !timeline.routes.isEmpty {
            html += "<h2>Route changes</h2>\n<table>\n<tr><th>at</th><th>node</th><th>domain</th><th>route</th></tr>\n"
            for change in timeline.routes {
                html += "<tr><td>\(seconds(change.at))</td><td>\(escape(change.node))</td><td>\(escape(change.domain))</td><td>\(escape(change.route))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !report.lost.isEmpty || !report.duplicated.isEmpty {
            html += "<h2>Lost and duplicated</h2>\n<ul>\n"
            for id in report.lost { html += "<li class=\"failed\">lost \(escape(id))</li>\n" }
            for id in report.duplicated { html += "<li class=\"failed\">duplicated \(escape(id))</li>\n" }
            html += "</ul>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// The timeline as inline SVG: a row of fault bands, one lane of message marks per send,
    /// a lane of route changes per watched route, one row per expectation.
    static func svg(_ timeline: Timeline) -> String {
        let left = 250.0, width = 760.0, row = 22.0
        func x(_ t: Double) -> String { number(left + t / timeline.seconds * width) }
        let sends = timeline.marks.map(\.send).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let watched = timeline.routes.map { "\($0.node) \($0.domain)" }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let rows = 1 + sends.count + watched.count + timeline.expectations.count
        let height = 30 + Double(rows) * row + 10
        var out = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(left + width + 130))\" height=\"\(number(height))\">\n"
        // Ticks.
        let step = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300].first { timeline.seconds / $0 <= 12 } ?? 600
        var tick = 0.0
        while tick <= timeline.seconds + 1e-9 {
            out += "<line x1=\"\(x(tick))\" y1=\"18\" x2=\"\(x(tick))\" y2=\"\(number(height - 10))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(x(tick))\" y=\"12\" text-anchor=\"middle\">\(ScenarioAction.number(tick)) s</text>\n"
            tick += step
        }
        var y = 24.0
        // Faults.
        out += "<text x=\"4\" y=\"\(number(y + 14))\">faults</text>\n"
        for band in timeline.bands {
            let w = band.instant ? 2 : max(1, (band.end - band.start) / timeline.seconds * width)
            out += "<rect class=\"fault\" x=\"\(x(band.start))\" y=\"18\" width=\"\(number(w))\" height=\"\(number(height - 28))\" fill=\"#e63946\" fill-opacity=\"0.12\"/>"
            out += "<rect x=\"\(x(band.start))\" y=\"\(number(y + 2))\" width=\"\(number(max(w, 2)))\" height=\"16\" fill=\"#f4cccc\" stroke=\"#e63946\"><title>\(escape(band.label)): \(seconds(band.start)) to \(seconds(band.end))</title></rect>"
            out += "<text x=\"\(number(left + band.start / timeline.seconds * width + 3))\" y=\"\(number(y + 14))\">\(escape(band.label))</text>\n"
        }
        y += row
        // Messages, a lane per send.
        for send in sends {
            out += "<text x=\"4\" y=\"\(number(y + 14))\">mail [\(escape(send))]</text>\n"
            for (i, mark) in timeline.marks.filter({ $0.send == send }).enumerated() {
                let my = y + 4 + Double(i % 5) * 3
                let colour = mark.status == "lost" ? "#e63946" : mark.status == "duplicated" ? "#ff7b00" : mark.status == "refused" ? "#999" : colour(mark.path, in: timeline.paths)
                let title = "<title>\(escape(mark.messageId)) \(mark.status)" + (mark.path.isEmpty ? "" : " via \(escape(mark.path.joined(separator: " → ")))")
                    + " submitted \(seconds(mark.start))" + (mark.end.map { ", delivered \(seconds($0))" } ?? "") + "</title>"
                if let end = mark.end {
                    out += "<line class=\"mail \(mark.status)\" x1=\"\(x(mark.start))\" y1=\"\(number(my))\" x2=\"\(x(end))\" y2=\"\(number(my))\" stroke=\"\(colour)\" stroke-width=\"\(mark.status == "duplicated" ? 4 : 2)\">\(title)</line>"
                    out += "<circle cx=\"\(x(end))\" cy=\"\(number(my))\" r=\"2.5\" fill=\"\(colour)\"/>\n"
                } else if mark.status == "refused" {
                    // Refused at submission: a grey cross, nothing to follow.
                    out += "<text class=\"mail refused\" x=\"\(x(mark.start))\" y=\"\(number(my + 4))\" fill=\"\(colour)\" text-anchor=\"middle\">×\(title)</text>\n"
                } else {
                    // Never delivered: a cross at submission, a dashed line to the end.
                    out += "<line class=\"mail \(mark.status)\" x1=\"\(x(mark.start))\" y1=\"\(number(my))\" x2=\"\(x(timeline.seconds))\" y2=\"\(number(my))\" stroke=\"\(colour)\" stroke-dasharray=\"3 3\">\(title)</line>"
                    out += "<text x=\"\(x(mark.start))\" y=\"\(number(my + 4))\" fill=\"\(colour)\" text-anchor=\"middle\" font-weight=\"bold\">×</text>\n"
                }
            }
            y += row
        }
        // Route changes, a lane per watched route.
        for name in watched {
            out += "<text x=\"4\" y=\"\(number(y + 14))\">route \(escape(name))</text>\n"
            for change in timeline.routes where "\(change.node) \(change.domain)" == name {
                out += "<line x1=\"\(x(change.at))\" y1=\"\(number(y + 2))\" x2=\"\(x(change.at))\" y2=\"\(number(y + 18))\" stroke=\"#1d3557\" stroke-width=\"2\"/>"
                out += "<text x=\"\(number(left + change.at / timeline.seconds * width + 3))\" y=\"\(number(y + 14))\">\(escape(change.route))</text>\n"
            }
            y += row
        }
        // Expectations: from the step's start to when it held (or gave up).
        for expectation in timeline.expectations {
            let colour = expectation.passed ? "#2a9d8f" : "#e63946"
            let w = max(2, min(expectation.seconds, timeline.seconds - expectation.at) / timeline.seconds * width)
            let label = String(expectation.label.prefix(40)) + (expectation.label.count > 40 ? "…" : "")
            out += "<text x=\"4\" y=\"\(number(y + 14))\">\(escape(label))</text>"
            out += "<rect x=\"\(x(expectation.at))\" y=\"\(number(y + 4))\" width=\"\(number(w))\" height=\"12\" fill=\"\(colour)\" fill-opacity=\"0.6\"><title>\(escape(expectation.label)): \(expectation.passed ? "held after" : "failed after") \(seconds(expectation.seconds)); \(escape(expectation.detail))</title></rect>"
            let end = min(expectation.at + expectation.seconds, timeline.seconds)
            out += "<text x=\"\(number(left + end / timeline.seconds * width + 4))\" y=\"\(number(y + 14))\">\(expectation.passed ? "held after" : "failed after") \(seconds(expectation.seconds))</text>\n"
            y += row
        }
        out += "</svg>\n"
        return out
    }
}

/// Samples the routes of the scenario's watched domains (those its route expectations name)
/// between steps and while expectations are polled, and keeps each change.
struct RouteWatch {
    var watched: [(node: String, domain: String)] = []
    var last: [String: String] = [:]
    var changes: [RouteChange] = []

    init(_ scenario: Scenario) {
        for step in scenario.steps {
            if case .expect(.route(let node, let domain, _, _, _), _) = step.action, !watched.contains(where: { $0 == (node, domain) }) {
                watched.append((node, domain))
            }
        }
    }

    mutating func sample(_ target: any ScenarioTarget) async {
        guard !watched.isEmpty else { return }
        let at = await target.elapsed().inSeconds
        var tables: [String: [String: RouteKey]] = [:]
        for (node, domain) in watched {
            if tables[node] == nil { tables[node] = try? await target.routes(node) }
            guard let table = tables[node] else { continue }  // not answering (killed, paused): no sample
            // The route without its reason: a new runner-up changes the reason, not the route.
            let route = table[domain].map { RouteKey(nextHop: $0.nextHop, path: $0.path).description } ?? "no route"
            let key = "\(node) \(domain)"
            if last[key] != route {
                last[key] = route
                changes.append(RouteChange(at: (at * 1000).rounded() / 1000, node: node, domain: domain, route: route))
            }
        }
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
