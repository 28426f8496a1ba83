import MXGPCore
import NIOCore

extension Simulation {
    func handle(_ event: Event) {
        switch event {
        case .start(let n):
            for p in nodes[n].peerings.indices { apply(nodes[n].peerings[p].session.start(now: now), node: n, peering: p) }
        case .connect(let n, let p, let id):
            connect(node: n, peering: p, id: id)
        case .deliver(let c, let toSecond, let bytes, _):
            deliver(bytes, connection: c, toSecond: toSecond)
        case .closed(let c, let toSecond):
            guard connections[c].open else { return }
            connections[c].open = false
            let end = toSecond ? connections[c].second : connections[c].first
            guard nodes[end.node].up else { return }
            apply(nodes[end.node].peerings[end.neighbour].session.transportClosed(end.id, now: now), node: end.node, peering: end.neighbour)
        case .timer(let n, let p, let timer, let deadline):
            let key = TimerKey(node: n, neighbour: p, timer: timer)
            guard armed[key] == deadline, nodes[n].up else { return }
            armed[key] = nil
            apply(nodes[n].peerings[p].session.timerFired(timer, now: now), node: n, peering: p)
        case .flush(let n):
            flush(node: n)
        case .fault(let fault):
            apply(fault)
        case .submit(let n, let send, let index, let sender, let to, let subject):
            handleSubmit(node: n, send: send, index: index, sender: sender, to: to, subject: subject)
        case .mailTick(let n):
            mailTick(n)
        case .mailDone(let attempt):
            finishAttempt(attempt)
        }
    }

    /// Opens an in-memory connection if the link and the neighbour are up.
    func connect(node n: Int, peering p: Int, id: ConnectionID) {
        let peering = nodes[n].peerings[p]
        let other = peering.neighbourNode
        guard nodes[n].up else { return }
        guard nodes[other].up, !downLinks.contains(peering.link), blackholed[peering.link] == nil else {
            apply(nodes[n].peerings[p].session.connectFailed(id, reason: "link or neighbour down", now: now), node: n, peering: p)
            return
        }
        let remoteID = ConnectionID.inbound(nextConnectionNumber)
        nextConnectionNumber += 1
        nodes[n].peerings[p].connections[id] = (connections.count, true)
        nodes[other].peerings[peering.reverseIndex].connections[remoteID] = (connections.count, false)
        connections.append(Connection(
            first: (n, p, id), second: (other, peering.reverseIndex, remoteID),
            decoders: [MXGPMessageDecoder(), MXGPMessageDecoder()], buffers: [ByteBuffer(), ByteBuffer()],
            latency: linkLatency[peering.link] ?? .milliseconds(1)))
        apply(nodes[other].peerings[peering.reverseIndex].session.transportConnected(remoteID, now: now), node: other, peering: peering.reverseIndex)
        apply(nodes[n].peerings[p].session.transportConnected(id, now: now), node: n, peering: p)
    }

    func connectionIndex(node n: Int, peering p: Int, id: ConnectionID) -> (index: Int, isFirst: Bool)? {
        guard let found = nodes[n].peerings[p].connections[id], connections[found.index].open else { return nil }
        return found
    }

    /// Queues bytes from one end; everything written during one event is delivered together
    /// at the other end after the link latency, in order.
    func send(_ message: MXGPMessage, node n: Int, peering p: Int, id: ConnectionID) {
        guard let (c, isFirst) = connectionIndex(node: n, peering: p, id: id) else { return }
        let key = c * 2 + (isFirst ? 1 : 0)
        if pendingWrites[key] == nil {
            pendingWrites[key] = ByteBuffer()
            pendingOrder.append(key)
        }
        message.encode(into: &pendingWrites[key]!)
        if case .keepalive = message {} else { pendingSignificant.insert(key) }
    }

    /// Schedules the deliveries of everything written during the event just handled.
    func flushWrites() {
        for key in pendingOrder {
            let c = key / 2, toSecond = key % 2 == 1
            let slot = toSecond ? 1 : 0
            let link = SimLink(nodes[connections[c].first.node].name, nodes[connections[c].second.node].name)
            if blackholed[link] != nil {
                blackholed[link]!.append((c, toSecond, pendingWrites[key]!))
                continue
            }
            var latency = connections[c].latency + transferTime(link, bytes: pendingWrites[key]!.readableBytes) + retransmissionDelay(link)
            if let condition = linkConditions[link] {
                latency += condition.delay
                if condition.jitter > .zero { latency += .microseconds(Int64(mailRNG.next() % UInt64(condition.jitter.components.seconds * 1_000_000 + condition.jitter.components.attoseconds / 1_000_000_000_000 + 1))) }
            }
            let at = max(now + latency, connections[c].lastDelivery[slot])
            connections[c].lastDelivery[slot] = at
            schedule(.deliver(connection: c, toSecond: toSecond, bytes: pendingWrites[key]!, significant: pendingSignificant.contains(key)), at: at)
        }
        pendingWrites.removeAll(keepingCapacity: true)
        pendingOrder.removeAll(keepingCapacity: true)
        pendingSignificant.removeAll(keepingCapacity: true)
    }

    func deliver(_ bytes: ByteBuffer, connection c: Int, toSecond: Bool) {
        guard connections[c].open else { return }
        let end = toSecond ? connections[c].second : connections[c].first
        guard nodes[end.node].up else { return }
        let slot = toSecond ? 1 : 0
        var incoming = bytes
        connections[c].buffers[slot].writeBuffer(&incoming)
        while connections[c].open {
            var decoder = connections[c].decoders[slot]
            var buffer = connections[c].buffers[slot]
            connections[c].buffers[slot] = ByteBuffer()  // keep the buffer uniquely referenced while decoding
            let decoded: MXGPMessage?
            do {
                decoded = try decoder.decode(buffer: &buffer)
            } catch let error as MXGPWireError {
                apply(nodes[end.node].peerings[end.neighbour].session.decodeError(error, on: end.id, now: now), node: end.node, peering: end.neighbour)
                return
            } catch {
                return
            }
            connections[c].decoders[slot] = decoder
            connections[c].buffers[slot] = buffer
            guard let message = decoded else { return }
            count(message)
            apply(nodes[end.node].peerings[end.neighbour].session.messageReceived(message, on: end.id, now: now), node: end.node, peering: end.neighbour)
        }
    }

    func count(_ message: MXGPMessage) {
        let name: String
        switch message {
        case .open: name = "OPEN"
        case .keepalive: name = "KEEPALIVE"
        case .update(let u):
            name = "UPDATE"
            routeChanges += u.withdrawn.count + u.announced.count
        case .notification: name = "NOTIFICATION"
        case .routeRefresh: name = "ROUTE-REFRESH"
        case .endOfRIB: name = "END-OF-RIB"
        case .report: name = "REPORT"
        }
        messageCounts[name, default: 0] += 1
    }

    /// Carries out the actions a session state machine returned.
    func apply(_ actions: [SessionAction], node n: Int, peering p: Int) {
        for action in actions {
            switch action {
            case .connect(let id):
                // A TCP handshake takes a round trip.
                let link = nodes[n].peerings[p].link
                schedule(.connect(node: n, neighbour: p, id: id), at: now + (linkLatency[link] ?? .milliseconds(1)) * 2)
            case .send(let message, let id):
                send(message, node: n, peering: p, id: id)
            case .close(let id):
                if let (c, isFirst) = connectionIndex(node: n, peering: p, id: id) {
                    // The FIN is lost on a blackholed link: the other end finds out by its hold timer.
                    if blackholed[nodes[n].peerings[p].link] != nil { connections[c].open = false; continue }
                    schedule(.closed(connection: c, toSecond: isFirst), at: now + connections[c].latency)
                }
            case .armTimer(let timer, let deadline):
                let key = TimerKey(node: n, neighbour: p, timer: timer)
                armed[key] = deadline
                schedule(.timer(node: n, neighbour: p, timer: timer, deadline: deadline), at: deadline)
            case .cancelTimer(let timer):
                armed[TimerKey(node: n, neighbour: p, timer: timer)] = nil
            case .sessionEstablished:
                trace(n, p, "session established")
                nodes[n].engine.neighbourUp(p)
                scheduleFlush(n)
                // The neighbour is back: mail returns to it at once (the delivery engine's nextHopRecovered).
                mail[n].health.succeeded(nodes[nodes[n].peerings[p].neighbourNode].name)
                noteRoutes(n)
            case .sessionDown(let reason):
                trace(n, p, "session down: \(reason)")
                nodes[n].engine.neighbourDown(p)
                scheduleFlush(n)
                noteRoutes(n)
            case .handshakeFailed(let id, let reason):
                trace(n, p, "handshake on \(id) failed: \(reason)")
            case .deliverUpdate(let update):
                nodes[n].engine.receive(update, from: p)
                scheduleFlush(n)
                noteRoutes(n)
            case .routeRefreshRequested:
                nodes[n].engine.routeRefreshRequested(by: p)
                scheduleFlush(n)
            case .reportReceived(let report):
                handleReport(report, at: n, from: nodes[nodes[n].peerings[p].neighbourNode].name)
            case .endOfRIBReceived:
                break
            }
        }
    }

    /// Reports a session event to `options.trace`, if set.
    func trace(_ n: Int, _ p: Int, _ text: String) {
        let line = "\(clockText) \(nodes[n].name) ↔ \(nodes[nodes[n].peerings[p].neighbourNode].name): \(text)"
        if keepsLog { eventLog.append(line) }
        options.trace?(line)
    }

    func scheduleFlush(_ n: Int) {
        guard !nodes[n].flushScheduled else { return }
        nodes[n].flushScheduled = true
        schedule(.flush(node: n), at: now + .milliseconds(options.advertisementIntervalMilliseconds))
    }

    func flush(node n: Int) {
        nodes[n].flushScheduled = false
        guard nodes[n].up else { return }
        for out in nodes[n].engine.flush() {
            for message in out.messages {
                apply(nodes[n].peerings[out.neighbour].session.send(message, now: now), node: n, peering: out.neighbour)
            }
        }
    }

    func apply(_ fault: SimFault) {
        switch fault {
        case .linkDown(let link):
            downLinks.insert(link)
            for c in connections.indices where connections[c].open {
                let a = nodes[connections[c].first.node].name, b = nodes[connections[c].second.node].name
                if SimLink(a, b) == link { breakConnection(c) }
            }
        case .linkUp(let link):
            downLinks.remove(link)
            // TCP retransmits what the blackhole held, in order, on connections still open.
            for held in blackholed.removeValue(forKey: link) ?? [] where connections[held.connection].open {
                let slot = held.toSecond ? 1 : 0
                let at = max(now + connections[held.connection].latency, connections[held.connection].lastDelivery[slot])
                connections[held.connection].lastDelivery[slot] = at
                schedule(.deliver(connection: held.connection, toSecond: held.toSecond, bytes: held.bytes, significant: true), at: at)
            }
        case .blackhole(let link):
            if blackholed[link] == nil { blackholed[link] = [] }
        case .nodeDown(let name):
            guard let n = nodes.firstIndex(where: { $0.name == name }) else { return }
            // The store survives; deliveries in progress are recovered at the next start.
            for i in mail[n].queue.indices { mail[n].queue[i].inFlight = false }
            mail[n].tickAt = nil
            paused.remove(n)
            stashed[n] = nil
            for c in connections.indices where connections[c].open && (connections[c].first.node == n || connections[c].second.node == n) {
                breakConnection(c)
            }
            nodes[n].up = false
            armed = armed.filter { $0.key.node != n }
        case .nodeUp(let name):
            guard let n = nodeIndex[name], !nodes[n].up else { return }
            var fresh = buildNode(n)
            fresh.up = true
            for p in fresh.peerings.indices { fresh.peerings[p].reverseIndex = nodes[n].peerings[p].reverseIndex }
            nodes[n] = fresh
            mail[n].health = NextHopHealth(base: mailTimers.nextHopPenalty, cap: .seconds(300))
            mail[n].slow = mailTimers.slowNextHops
            mail[n].meter = RateWindow(window: .seconds(60))
            mail[n].overload = topology.nodes[n].overload.map(OverloadMonitor.init(settings:))  // a fresh process: not draining
            schedule(.start(node: n), at: now)
            wakeMail(n, at: now)
            noteRoutes(n)
        case .pause(let name):
            guard let n = nodeIndex[name], nodes[n].up else { return }
            paused.insert(n)
        case .resume(let name):
            guard let n = nodeIndex[name], paused.remove(n) != nil else { return }
            for event in stashed.removeValue(forKey: n) ?? [] { schedule(event, at: now) }
        case .impair(let link, let impairment):
            var condition = linkConditions[link, default: SimLinkCondition()]
            if let loss = impairment.lossPercent { condition.lossPercent = loss }
            if let rate = impairment.rateKbit { condition.rateKbit = rate }
            if let delay = impairment.delayMilliseconds { condition.delay = .milliseconds(delay) }
            if let jitter = impairment.jitterMilliseconds { condition.jitter = .milliseconds(jitter) }
            linkConditions[link] = condition
        case .unimpair(let link):
            linkConditions[link] = nil
        case .tempfail(let name, let percent):
            guard let n = nodeIndex[name] else { return }
            mail[n].tempfailPercent = percent
        case .sessionReset(let a, let b):
            guard let n = nodeIndex[a], let p = nodes[n].peerings.firstIndex(where: { nodes[$0.neighbourNode].name == b }) else { return }
            for (_, found) in nodes[n].peerings[p].connections where connections[found.index].open { breakConnection(found.index) }
        }
    }

    /// Records route changes of the watched domains at node `n`.
    func noteRoutes(_ n: Int) {
        guard !watchedDomains.isEmpty else { return }
        for domain in watchedDomains.sorted(by: { $0.text < $1.text }) {
            let route = nodes[n].up ? nodes[n].engine.lookup(domain) : nil
            let last = routeLog.last { $0.node == nodes[n].name && $0.domain == domain }
            if last == nil && route == nil { continue }
            if let last, last.route?.nextHop == route?.nextHop, last.route?.path == route?.path, (last.route == nil) == (route == nil) { continue }
            routeLog.append((now, nodes[n].name, domain, route))
        }
    }

    /// Both ends see the connection close now (a fault, not an orderly close).
    func breakConnection(_ c: Int) {
        connections[c].open = false
        for end in [connections[c].first, connections[c].second] where nodes[end.node].up {
            apply(nodes[end.node].peerings[end.neighbour].session.transportClosed(end.id, now: now), node: end.node, peering: end.neighbour)
        }
    }
}
