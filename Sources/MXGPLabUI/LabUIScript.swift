/// The page's script: draws the layout, applies server-sent deltas, opens node details and
/// sends faults. Plain JavaScript, no libraries.
enum LabUIScript {
    static let text = #"""
        'use strict';
        const NS = 'http://www.w3.org/2000/svg';
        const PAD = 20;
        const state = { lab: null, snap: null, seq: 0, selected: null, detailAt: 0, pending: false, box: {}, curves: {} };

        function el(tag, attrs, parent, text) {
          const e = document.createElementNS(NS, tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          if (text !== undefined) e.textContent = text;
          if (parent) parent.appendChild(e);
          return e;
        }
        function h(tag, attrs, text) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          if (text !== undefined) e.textContent = text;
          return e;
        }
        function key(a, b) { return a < b ? a + '|' + b : b + '|' + a; }
        function showError(message) {
          const e = document.getElementById('error');
          e.textContent = message; e.hidden = false;
          document.getElementById('info').hidden = true;
        }
        let infoTimer = null;
        function showInfo(message) {
          document.getElementById('error').hidden = true;
          const e = document.getElementById('info');
          e.textContent = message; e.hidden = false;
          clearTimeout(infoTimer);
          infoTimer = setTimeout(() => { e.hidden = true; }, 8000);
        }
        async function api(method, path, body) {
          const options = { method: method, headers: {} };
          if (body !== undefined) { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body); }
          const response = await fetch(path, options);
          let json = null;
          try { json = await response.json(); } catch (e) { json = null; }
          if (!response.ok) throw new Error((json && json.error) || ('HTTP ' + response.status));
          return json;
        }

        // The topology, drawn once.
        function drawGraph() {
          const lab = state.lab, layout = lab.layout, svg = document.getElementById('graph');
          // Small labs are scaled up to fill the pane; big ones keep their size and scroll.
          const pane = document.getElementById('graph-pane');
          const scale = Math.max(1, Math.min(2.2, (pane.clientWidth - 40) / (layout.width + 2 * PAD), (pane.clientHeight - 60) / (layout.height + 2 * PAD)));
          svg.setAttribute('width', Math.round((layout.width + 2 * PAD) * scale));
          svg.setAttribute('height', Math.round((layout.height + 2 * PAD) * scale));
          svg.setAttribute('viewBox', (-PAD) + ' ' + (-PAD) + ' ' + (layout.width + 2 * PAD) + ' ' + (layout.height + 2 * PAD));
          const defs = el('defs', {}, svg);
          const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' }, defs);
          el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#457b9d' }, marker);
          const links = el('g', { id: 'links' }, svg);
          el('g', { id: 'mail-paths' }, svg);
          const nodes = el('g', { id: 'nodes' }, svg);
          const relation = {};
          for (const link of lab.links) relation[key(link.from, link.to)] = link;
          for (const node of layout.nodes) state.box[node.name] = node;
          for (const edge of layout.edges) {
            const k = key(edge.from, edge.to), link = relation[k] || { relationship: 'transit', price: 0 };
            state.curves[edge.from + '>' + edge.to] = edge.points;
            const d = pathData(edge.points);
            const g = el('g', { 'class': 'link-group', 'data-link': k }, links);
            const line = el('path', { d: d, 'class': 'link ' + link.relationship, id: 'link-' + k.replace('|', '--'), 'data-link': k }, g);
            if (link.relationship === 'transit') line.setAttribute('marker-end', 'url(#arrow)');
            el('path', { d: d, 'class': 'link-hit', 'data-link': k }, g);
            const mid = midpoint(edge.points);
            el('text', { x: mid[0] + 4, y: mid[1] + 3, 'text-anchor': 'start', 'class': 'link-label', id: 'label-' + k.replace('|', '--') }, g, link.price > 0 ? 'price ' + link.price : '');
            g.addEventListener('click', () => selectLink(k));
          }
          for (const node of lab.nodes) {
            const box = state.box[node.name];
            if (!box) continue;
            const g = el('g', { 'class': 'node ' + node.role, id: 'node-' + node.name, 'data-node': node.name }, nodes);
            el('rect', { x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height, rx: 8 }, g);
            const lines = [node.name, node.role + ' ' + node.operatorNumber].concat(node.domains);
            const top = box.y - (lines.length - 1) * 6.5 + 3;
            lines.forEach((line, i) => el('text', { x: box.x, y: top + i * 13 }, g, line));
            el('text', { x: box.x + box.width / 2 - 2, y: box.y - box.height / 2 - 4, 'class': 'badge', 'text-anchor': 'end' }, g, '');
            el('text', { x: box.x - box.width / 2 + 2, y: box.y - box.height / 2 - 4, 'class': 'queue', 'text-anchor': 'start' }, g, '');
            g.addEventListener('click', () => selectNode(node.name));
          }
          const from = document.getElementById('send-from');
          for (const node of lab.nodes) if (node.domains.length > 0) from.appendChild(h('option', { value: node.name }, node.name));
          document.getElementById('lab-name').textContent = lab.name + ' (' + lab.backend + ')';
        }
        // The middle of a spline: the middle of its middle Bézier segment.
        function midpoint(p) {
          if (p.length < 4) return p[0] || [0, 0];
          const i = 3 * Math.floor((p.length - 1) / 6);
          return [(p[i][0] + 3 * p[i + 1][0] + 3 * p[i + 2][0] + p[i + 3][0]) / 8, (p[i][1] + 3 * p[i + 1][1] + 3 * p[i + 2][1] + p[i + 3][1]) / 8];
        }
        function pathData(points) {
          if (points.length === 0) return '';
          let d = 'M' + points[0][0] + ',' + points[0][1];
          if ((points.length - 1) % 3 === 0) {
            for (let i = 1; i + 2 < points.length; i += 3) d += ' C' + points[i] + ' ' + points[i + 1] + ' ' + points[i + 2];
          } else {
            for (let i = 1; i < points.length; i++) d += ' L' + points[i][0] + ',' + points[i][1];
          }
          return d;
        }

        // The live state: sessions, processes, faults, queues, mail.
        function drawLive() {
          const snap = state.snap, lab = state.lab;
          const faultedLinks = {}, faultedNodes = {};
          for (const fault of snap.faults) {
            // On a link, the fault without the link's names: "cut", "loss 30%", "cut --from".
            const short = fault.text.split(' ').filter(w => !(w in state.box)).join(' ');
            for (const pair of fault.links) (faultedLinks[pair[0] + '|' + pair[1]] = faultedLinks[pair[0] + '|' + pair[1]] || []).push(short);
            for (const node of fault.nodes) (faultedNodes[node] = faultedNodes[node] || []).push(fault.text);
          }
          for (const link of lab.links) {
            const k = key(link.from, link.to), path = document.getElementById('link-' + k.replace('|', '--'));
            if (!path) continue;
            const a = snap.nodes[link.from], b = snap.nodes[link.to];
            const up = a && b && a.process === 'running' && b.process === 'running'
              && a.sessions[link.to] === 'established' && b.sessions[link.from] === 'established';
            path.classList.toggle('down', !up);
            path.classList.toggle('faulted', !!faultedLinks[k]);
            path.setAttribute('data-session', up ? 'up' : 'down');
            const label = document.getElementById('label-' + k.replace('|', '--'));
            const words = (link.price > 0 ? ['price ' + link.price] : []).concat(faultedLinks[k] || []);
            label.textContent = words.join(', ');
            label.classList.toggle('faulted', !!faultedLinks[k]);
          }
          for (const node of lab.nodes) {
            const g = document.getElementById('node-' + node.name), live = snap.nodes[node.name];
            if (!g) continue;
            const process = live ? live.process : 'unknown';
            g.classList.toggle('paused', process === 'paused');
            g.classList.toggle('stopped', process === 'stopped');
            g.classList.toggle('faulted', !!faultedNodes[node.name]);
            g.setAttribute('data-process', process);
            g.querySelector('.badge').textContent = process !== 'running' ? process : (faultedNodes[node.name] ? '⚠' : '');
            g.querySelector('.queue').textContent = live && live.queue ? 'queue ' + live.queue : '';
            // Hovering a node says what the poller saw (or why it could not ask).
            let title = g.querySelector('title');
            if (!title) title = el('title', {}, g);
            title.textContent = node.name + ': ' + process + (live && live.problem ? ' — ' + live.problem : '') + (live && live.queue ? ', ' + live.queue + ' queued' : '');
          }
          const list = document.getElementById('fault-list');
          list.textContent = '';
          if (snap.faults.length === 0) list.appendChild(h('li', { 'class': 'hint' }, 'none'));
          for (const fault of snap.faults) {
            const li = h('li', { 'data-fault': fault.text }, fault.text);
            const button = h('button', { 'class': 'small', type: 'button' }, 'heal');
            button.addEventListener('click', () => heal(fault.text));
            li.appendChild(button);
            list.appendChild(li);
          }
          document.body.dataset.faults = snap.faults.map(f => f.text).join('|');
          drawMail();
        }
        // Path colours: none of them the links' blue, the fault red or the duplicate orange.
        const PALETTE = ['#2a9d8f', '#9b5de5', '#f15bb5', '#00a6fb', '#8ac926', '#6a4c93', '#c9a227', '#0b6e4f'];
        function pathColour(text) { let n = 0; for (const c of text) n = (n * 31 + c.charCodeAt(0)) % 9973; return PALETTE[n % PALETTE.length]; }
        function mailPath(hops) {
          const points = [];
          for (let i = 0; i + 1 < hops.length; i++) {
            let curve = state.curves[hops[i] + '>' + hops[i + 1]];
            if (!curve && state.curves[hops[i + 1] + '>' + hops[i]]) curve = state.curves[hops[i + 1] + '>' + hops[i]].slice().reverse();
            if (!curve) { const a = state.box[hops[i]], b = state.box[hops[i + 1]]; if (!a || !b) continue; curve = [[a.x, a.y], [a.x, a.y], [b.x, b.y], [b.x, b.y]]; }
            if (points.length > 0) curve = curve.slice(1);
            for (const p of curve) points.push(p);
          }
          if (points.length === 0 && hops.length === 1 && state.box[hops[0]]) { const b = state.box[hops[0]]; return 'M' + (b.x - 4) + ',' + b.y + ' L' + (b.x + 4) + ',' + b.y; }
          return pathData(points);
        }
        function drawMail() {
          const group = document.getElementById('mail-paths'), list = document.getElementById('mail-list');
          group.textContent = ''; list.textContent = '';
          const messages = state.snap.messages.slice().reverse();
          if (messages.length === 0) list.appendChild(h('li', { 'class': 'hint' }, 'no mail yet'));
          messages.forEach((m, index) => {
            const colour = pathColour(m.hops.join(' '));
            if (index < 12 && m.hops.length > 0) {
              el('path', { d: mailPath(m.hops), 'class': 'mail ' + m.status, stroke: colour, 'data-hops': m.hops.join(' '), 'data-message': m.messageId, 'data-key': m.key }, group);
            }
            const li = h('li', { 'data-key': m.key, 'data-status': m.status });
            const dot = h('span', { 'class': 'dot' }); dot.style.background = colour;
            li.appendChild(dot);
            li.appendChild(h('span', { 'class': 'status ' + m.status }, m.status + (m.copies > 1 ? ' ×' + m.copies : '')));
            li.appendChild(document.createTextNode(' ' + m.to + ' via ' + (m.hops.join(' → ') || '?')));
            li.title = m.messageId + ' seen ' + m.seenAt;
            li.addEventListener('mouseenter', () => highlight(m.key, true));
            li.addEventListener('mouseleave', () => highlight(m.key, false));
            list.appendChild(li);
          });
        }
        function highlight(k, on) {
          for (const p of document.querySelectorAll('#mail-paths path')) if (p.getAttribute('data-key') === k) p.classList.toggle('highlight', on);
        }

        // Details and actions.
        async function selectNode(name) {
          state.selected = name;
          for (const g of document.querySelectorAll('.node')) g.classList.toggle('selected', g.getAttribute('data-node') === name);
          await refreshDetail();
        }
        function selectLink(k) {
          const [a, b] = k.split('|');
          document.getElementById('fault-text').value = 'cut ' + a + ' ' + b;
          const detail = document.getElementById('detail');
          detail.textContent = '';
          detail.appendChild(h('h2', {}, 'Link ' + a + ' – ' + b));
          const cut = h('button', { type: 'button', id: 'link-cut' }, 'cut');
          cut.addEventListener('click', () => applyFault('cut ' + a + ' ' + b));
          const heals = state.snap.faults.filter(f => f.links.some(p => p[0] + '|' + p[1] === k));
          detail.appendChild(cut);
          for (const f of heals) {
            const b2 = h('button', { type: 'button', 'class': 'small' }, 'heal ' + f.text);
            b2.addEventListener('click', () => heal(f.text));
            detail.appendChild(b2);
          }
        }
        async function refreshDetail() {
          const name = state.selected;
          if (!name) return;
          state.detailAt = Date.now();
          let d;
          try { d = await api('GET', '/api/nodes/' + encodeURIComponent(name)); } catch (e) { showError(e.message); return; }
          if (state.selected !== name) return;
          const detail = document.getElementById('detail');
          detail.textContent = '';
          detail.appendChild(h('h2', {}, d.name + ' — ' + d.role + ' ' + d.operatorNumber + ' (' + d.process + ')'));
          const actions = h('div', { 'class': 'actions' });
          for (const kind of ['pause', 'kill', 'restart', 'smtp-tempfail']) {
            const b = h('button', { type: 'button', 'class': 'small', 'data-action': kind }, kind);
            b.addEventListener('click', () => applyFault(kind + ' ' + name));
            actions.appendChild(b);
          }
          detail.appendChild(actions);
          for (const p of d.problems) detail.appendChild(h('p', { 'class': 'hint' }, p));
          if (d.routes) {
            detail.appendChild(h('h2', {}, 'Routes'));
            const t = table(['domain', 'next hop', 'path', 'price', 'pref', 'reason']);
            for (const domain of Object.keys(d.routes).sort()) {
              const r = d.routes[domain];
              row(t, [domain, r.nextHop || '(own)', r.path.join(' '), r.price, r.localPref, r.reason + (r.draining ? ' (draining)' : '')]);
              for (const a of (r.alternates || [])) row(t, ['  alt', a.nextHop || '', a.path.join(' '), a.price, a.localPref, 'lost on ' + a.reason], 'alternate');
            }
            detail.appendChild(t);
          }
          if (d.nexthops) {
            detail.appendChild(h('h2', {}, 'Next hops'));
            const t = table(['neighbour', 'state', 'failures', 'penalty', 'sent', 'last error']);
            for (const n of d.nexthops) row(t, [n.neighbour, n.state, n.consecutiveFailures, n.penaltyLeftSeconds + ' s', n.messagesSent, n.lastError || '']);
            detail.appendChild(t);
          }
          if (d.queue) {
            detail.appendChild(h('h2', {}, 'Queue (' + d.queue.length + ')'));
            const t = table(['message', 'to', 'next hop', 'attempts', 'last error']);
            for (const q of d.queue.slice(0, 50)) row(t, [q.messageId, q.to.join(', '), q.nextHop || '-', q.attempts, q.lastError || '']);
            detail.appendChild(t);
          }
          if (d.ledger) {
            detail.appendChild(h('h2', {}, 'Ledger'));
            const t = table(['neighbour', 'in', 'out', 'owed', 'earned', 'chargebacks']);
            for (const l of d.ledger) row(t, [l.neighbour, l.messagesIn, l.messagesOut, l.owed, l.earned, l.chargebacks]);
            detail.appendChild(t);
          }
        }
        function table(heads) { const t = h('table'); const tr = h('tr'); for (const x of heads) tr.appendChild(h('th', {}, x)); t.appendChild(tr); return t; }
        function row(t, cells, cls) { const tr = h('tr', cls ? { 'class': cls } : {}); for (const x of cells) tr.appendChild(h('td', {}, String(x))); t.appendChild(tr); }

        async function applyFault(text) {
          try { const r = await api('POST', '/api/faults', { fault: text }); showInfo(r.message); } catch (e) { showError(e.message); }
        }
        async function heal(text) {
          try { const r = await api('POST', '/api/heal', text ? { fault: text } : {}); showInfo(r.message); } catch (e) { showError(e.message); }
        }

        // Server-sent events.
        function connect() {
          const live = document.getElementById('live');
          const events = new EventSource('/api/events');
          events.addEventListener('open', () => { live.textContent = 'live'; live.classList.remove('off'); });
          events.addEventListener('error', () => { live.textContent = 'reconnecting'; live.classList.add('off'); });
          events.addEventListener('snapshot', e => {
            const body = JSON.parse(e.data);
            state.snap = body.snapshot; state.seq = body.sequence;
            drawLive();
          });
          events.addEventListener('delta', e => {
            const d = JSON.parse(e.data);
            if (d.sequence <= state.seq) return;  // already in the snapshot
            if (d.sequence !== state.seq + 1) { resync(); return; }  // missed some: start again from a snapshot
            const snap = state.snap;
            for (const [name, node] of Object.entries(d.nodes)) snap.nodes[name] = node;
            if (d.faults) snap.faults = d.faults;
            const removed = new Set(d.removedMessages);
            snap.messages = snap.messages.filter(m => !removed.has(m.key));
            for (const m of d.messages) {
              const i = snap.messages.findIndex(x => x.key === m.key);
              if (i >= 0) snap.messages[i] = m; else snap.messages.push(m);
            }
            state.seq = d.sequence;
            drawLive();
            if (state.selected && Date.now() - state.detailAt > 1000) refreshDetail();
          });
        }

        async function resync() {
          if (state.resyncing) return;
          state.resyncing = true;
          try {
            const lab = await api('GET', '/api/lab');
            state.snap = lab.snapshot; state.seq = lab.sequence;
            drawLive();
          } catch (e) { showError('lost the lab\'s state: ' + e.message); }
          state.resyncing = false;
        }

        async function start() {
          try {
            // The lab's data comes with the page; /api/lab when the page is opened without it.
            const inline = document.getElementById('lab-data');
            state.lab = inline ? JSON.parse(inline.textContent) : await api('GET', '/api/lab');
          } catch (e) { showError('cannot load the lab: ' + e.message); return; }
          state.snap = state.lab.snapshot; state.seq = state.lab.sequence;
          drawGraph();
          drawLive();
          requestAnimationFrame(() => { window.mxgpFirstPaint = performance.now(); document.body.dataset.ready = 'true'; });
          document.getElementById('fault-form').addEventListener('submit', e => {
            e.preventDefault();
            const text = document.getElementById('fault-text').value.trim();
            if (text) applyFault(text); else showError('type a fault, e.g. cut colo1 up1');
          });
          document.getElementById('heal-all').addEventListener('click', () => heal(undefined));
          document.getElementById('send-form').addEventListener('submit', async e => {
            e.preventDefault();
            try {
              const r = await api('POST', '/api/send', { from: document.getElementById('send-from').value, to: document.getElementById('send-to').value.trim() });
              showInfo(r.message);
            } catch (err) { showError(err.message); }
          });
          connect();
        }
        start();

        """#
}
