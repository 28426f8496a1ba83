/// The page of `mxgp lab ui`, embedded so the binary serves it offline (no CDN): the HTML,
/// its style sheet and its script (``LabUIScript``).
public enum LabUIAssets {
    /// The page.
    public static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>mxgp lab</title>
        <link rel="stylesheet" href="/app.css">
        </head>
        <body>
        <header>
          <h1>mxgp lab <span id="lab-name"></span></h1>
          <span id="live" class="live off" title="server-sent events">connecting</span>
          <form id="fault-form" autocomplete="off">
            <label>fault <input id="fault-text" name="fault" size="28" placeholder="cut colo1 up1"></label>
            <button type="submit" id="fault-apply">apply</button>
            <button type="button" id="heal-all">heal all</button>
          </form>
          <form id="send-form" autocomplete="off">
            <label>send from <select id="send-from"></select></label>
            <label>to <input id="send-to" size="18" placeholder="bob@bob.example"></label>
            <button type="submit" id="send-button">send</button>
          </form>
        </header>
        <div id="error" role="alert" hidden></div>
        <div id="info" hidden></div>
        <main>
          <section id="graph-pane"><svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg>
            <div id="legend">
              <span class="swatch tier1"></span>tier1 <span class="swatch upstream"></span>upstream <span class="swatch colo"></span>colo
              <span class="line transit"></span>customer→provider <span class="line peer"></span>peer <span class="line down"></span>session down
              <span class="line faulted"></span>fault
            </div>
          </section>
          <aside id="side">
            <section id="faults"><h2>Active faults</h2><ul id="fault-list"></ul></section>
            <section id="detail"><h2>Node</h2><p class="hint">Click a node for its routes, queue, next hops and ledger; click a link to cut or heal it.</p></section>
            <section id="mail"><h2>Recent mail</h2><ul id="mail-list"></ul></section>
          </aside>
        </main>
        <script src="/app.js"></script>
        </body>
        </html>

        """#

    /// The style sheet.
    public static let style = #"""
        * { box-sizing: border-box; }
        body { margin: 0; font: 13px/1.4 Helvetica, Arial, sans-serif; color: #222; background: #fafafa; }
        header { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 8px 14px; background: #1d3557; color: #fff; }
        header h1 { font-size: 16px; margin: 0; }
        header input, header select, header button { font: inherit; }
        .live { padding: 2px 8px; border-radius: 10px; background: #2a9d8f; }
        .live.off { background: #e63946; }
        #error { background: #e63946; color: #fff; padding: 6px 14px; font-weight: bold; }
        #info { background: #2a9d8f; color: #fff; padding: 6px 14px; }
        main { display: flex; height: calc(100vh - 46px); }
        #graph-pane { flex: 1; overflow: auto; position: relative; background: #fff; }
        #graph { display: block; margin: 10px; }
        #legend { position: sticky; left: 0; bottom: 0; padding: 4px 10px; background: rgba(255,255,255,.9); font-size: 11px; }
        .swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #333; border-radius: 3px; vertical-align: middle; margin: 0 3px 0 8px; }
        .swatch.tier1 { background: #f4a261; } .swatch.upstream { background: #8ecae6; } .swatch.colo { background: #b7e4c7; }
        .line { display: inline-block; width: 22px; border-top: 3px solid #457b9d; vertical-align: middle; margin: 0 3px 0 8px; }
        .line.peer { border-top: 3px dashed #6a4c93; } .line.down { border-top: 3px dotted #999; } .line.faulted { border-top: 3px solid #e63946; }
        aside { width: 430px; overflow: auto; border-left: 1px solid #ddd; padding: 0 12px; }
        aside h2 { font-size: 14px; margin: 12px 0 6px; }
        aside ul { list-style: none; padding: 0; margin: 0; }
        aside li { padding: 2px 0; }
        table { border-collapse: collapse; width: 100%; font-size: 12px; }
        th, td { text-align: left; padding: 1px 4px; border-bottom: 1px solid #eee; vertical-align: top; }
        tr.alternate td { color: #666; }
        .hint { color: #777; }
        .node rect { stroke: #333; stroke-width: 1; cursor: pointer; }
        .node.tier1 rect { fill: #f4a261; } .node.upstream rect { fill: #8ecae6; } .node.colo rect { fill: #b7e4c7; }
        .node text { font-size: 11px; text-anchor: middle; pointer-events: none; }
        .node.selected rect { stroke: #1d3557; stroke-width: 3; }
        .node.paused rect { fill: #ddd; stroke-dasharray: 4 2; }
        .node.stopped rect { fill: #bbb; stroke: #e63946; stroke-width: 2; }
        .node.faulted rect { stroke: #e63946; stroke-width: 3; }
        .node .badge { fill: #e63946; font-weight: bold; }
        .node .queue { fill: #1d3557; font-weight: bold; }
        .link { fill: none; stroke: #457b9d; stroke-width: 2; cursor: pointer; }
        .link.peer { stroke: #6a4c93; stroke-dasharray: 6 4; }
        .link.down { stroke: #999; stroke-dasharray: 2 3; }
        .link.faulted { stroke: #e63946; stroke-width: 3.5; }
        .link-hit { fill: none; stroke: transparent; stroke-width: 12; cursor: pointer; }
        .link-label { font-size: 10px; fill: #555; }
        .link-label.faulted { fill: #e63946; font-weight: bold; }
        .mail { fill: none; stroke-width: 5; stroke-linecap: round; stroke-linejoin: round; opacity: .6; pointer-events: none; }
        .mail.lost { stroke: #e63946 !important; stroke-dasharray: 3 4; stroke-width: 4; }
        .mail.duplicated { stroke: #ff7b00 !important; stroke-width: 5; }
        .mail.highlight { stroke-width: 6; opacity: 1; }
        .status { display: inline-block; min-width: 70px; font-weight: bold; }
        .status.lost { color: #e63946; } .status.duplicated { color: #ff7b00; } .status.queued { color: #777; } .status.delivered { color: #2a9d8f; }
        .dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; }
        button.small { font-size: 11px; padding: 0 6px; margin-left: 6px; }
        """#

    /// The script.
    public static var script: String { LabUIScript.text }

    /// The page as served: style and script inline (no further request before the first
    /// paint), with the lab's data (`GET /api/lab`'s JSON) in a `lab-data` script element.
    public static func page(labJSON: String) -> String {
        // "</" would end the script element early; JSON allows "<\/" for it.
        let data = labJSON.replacingOccurrences(of: "</", with: "<\\/")
        return html
            .replacingOccurrences(of: "<link rel=\"stylesheet\" href=\"/app.css\">", with: "<style>\n\(style)</style>")
            .replacingOccurrences(of: "<script src=\"/app.js\"></script>",
                                  with: "<script id=\"lab-data\" type=\"application/json\">\(data)</script>\n<script>\n\(script)</script>")
    }
}
