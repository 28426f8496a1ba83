import MXGPCore
import MXGPSMTP
import MXGPTopology

/// The mail plane of the simulation: the node's relay rules (``RelayDecision``,
/// ``NextHopHealth``, ``MailAdmission``, ``RelayAttempt``, ``ComplaintRouting``) and real SMTP
/// dialogues (``SMTPDialogue``: the client and server state machines the node runs), on the
/// virtual clock. What takes time: a dialogue costs its round trips over the link, plus the
/// transfer at a rate limit, plus TCP retransmissions on a lossy link (drawn from the seed);
/// past the transaction timeout it counts as a timeout, as on a node.
extension Simulation {
    // MARK: - Submitting

    /// Submits `count` messages from a local client of `node` to `to`, one every `1/rate`
    /// seconds from `start` (back to back without a rate). Returns the virtual time of the last
    /// submission; the answers are in ``submissions(of:)`` once that time has passed.
    @discardableResult
    public func submit(id: String, from node: String, sender: String, to: String, count: Int, rate: Double?, subject: String, at start: Duration) -> Duration {
        guard let n = nodeIndex[node] else { return start }
        let gap = rate.map { Duration.microseconds(Int64(1_000_000 / max($0, 0.001))) } ?? mailTimers.submissionGap
        var at = start
        for i in 0..<max(0, count) {
            at = start + gap * i
            schedule(.submit(node: n, send: id, index: i, sender: sender, to: to, subject: "\(subject) \(i + 1)/\(count)"), at: at)
        }
        submissions[id] = []
        return at
    }

    /// The answers to a send's messages so far, in order.
    public func submissions(of id: String) -> [SimSubmission] { submissions[id] ?? [] }

    func handleSubmit(node n: Int, send: String, index: Int, sender: String, to: String, subject: String) {
        let domain = topology.nodes[n].domains.first?.text ?? "\(topology.nodes[n].name).sim"
        let messageId = "mxgp-sim-\(send)-\(index + 1)@\(domain)"
        guard nodes[n].up else {
            submissions[send, default: []].append(SimSubmission(messageId: messageId, status: "deferred", reply: "connection refused: \(nodes[n].name) is down"))
            return
        }
        let text = "From: \(sender)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <\(messageId)>\r\n\r\nSent by mxgp lab run in the simulator.\r\n"
        let client = SMTPClientSession(
            configuration: SMTPClientConfiguration(heloName: SMTPHost("client")!, tls: .never),
            reversePath: SMTPMailbox(sender).map(SMTPReversePath.mailbox) ?? .null,
            recipients: SMTPMailbox(to).map { [SMTPForwardPath.mailbox($0)] } ?? [], message: Array(text.utf8))
        var custody: SimCustody?
        let result = SMTPDialogue.run(
            client: client, server: serverConfiguration(n),
            recipient: { check in self.admission(at: n, from: nil, check: check) },
            store: { envelope, data in
                var data = data
                data = MessageHeaders.prependingOriginRegion(self.topology.nodes[n].region.code, to: data)
                custody = SimCustody(node: n, fromNeighbour: nil, envelopeFrom: envelope.reversePath.description,
                                     recipients: envelope.recipients.compactMap(\.mailbox).map(\.description), data: data)
                return .success("sim")
            })
        let status: String, reply: String
        switch result.outcome.recipients.first?.status ?? result.outcome.data {
        case .delivered(let r): (status, reply) = ("accepted", r.description)
        case .deferred(let why): (status, reply) = ("deferred", why.description)
        case .bounced(let r): (status, reply) = ("rejected", r.description)
        }
        if status == "accepted", let custody { takeCustody(custody, clientAddress: "127.0.0.1") }
        submissions[send, default: []].append(SimSubmission(messageId: messageId, status: status, reply: reply))
        log("\(nodes[n].name) took <\(messageId)> from a local client: \(reply)")
    }

    // MARK: - Receiving

    func serverConfiguration(_ n: Int) -> SMTPServerConfiguration {
        SMTPServerConfiguration(hostname: nodes[n].name)
    }

    /// The RCPT answer of node `n` to a client: a neighbour (`from`) or a local client (nil).
    func admission(at n: Int, from neighbour: Int?, check: SMTPRecipientCheck) -> SMTPRecipientDecision {
        guard let mailbox = check.recipient.mailbox else { return .accept }
        let tempfail = drawTempfail(n)
        if tempfail != nil { mail[n].overload?.tempfailed(now: now) }
        guard let domain = mailbox.domain else { return tempfail.map(SMTPRecipientDecision.reject) ?? .relayDenied }
        let source: MailSource = neighbour.map { .neighbour(nodes[$0].name) } ?? .localClient
        var refusal: SMTPReply?
        if tempfail == nil, let neighbour {
            let name = nodes[neighbour].name, now = self.now
            refusal = MailAdmission.contractRefusal(neighbour: name, contract: contracts[n][name], size: check.declaredSize) {
                mail[n].meter.admit(name, limit: $0, now: now, take: false)
            }?.reply
            if let refusal, refusal.code / 100 == 4 { mail[n].overload?.tempfailed(now: now) }
        }
        let mayAccept = tempfail == nil && refusal == nil && RelayDecision.mayAccept(domain: domain, from: source, engine: nodes[n].engine)
        return MailAdmission.recipient(domain: domain, source: source, tempfail: tempfail, contractRefusal: refusal, mayAccept: mayAccept)
    }

    func drawTempfail(_ n: Int) -> SMTPReply? {
        let share = mail[n].tempfailPercent
        guard share > 0, Int(mailRNG.next() % 100) < share else { return nil }
        return MailAdmission.tempfail(node: nodes[n].name)
    }

    /// Custody at node `n` of a message from neighbour `m` after its DATA: region and contract
    /// checks (counting the message against the rate limit), as the node's front desk does.
    func custodyCheck(at n: Int, from m: Int, data: [UInt8]) -> SMTPReply? {
        let name = nodes[m].name
        let origin = MessageHeaders.originRegion(in: data).flatMap(Region.init)
        if let refusal = MailAdmission.regionRefusal(origin: origin, refused: Set(topology.nodes[n].refuseRegions), node: nodes[n].name) {
            return refusal.reply
        }
        let now = self.now
        let reply = MailAdmission.contractRefusal(neighbour: name, contract: contracts[n][name], size: data.count) {
            mail[n].meter.admit(name, limit: $0, now: now, take: true)
        }?.reply
        if let reply, reply.code / 100 == 4 { mail[n].overload?.tempfailed(now: now) }
        return reply
    }

    /// Stores a message at a node: its Received line, then own-domain recipients into their
    /// mailboxes and the rest into the queue. A Message-ID already taken is a duplicate: 250,
    /// no second copy (the store's dedupe).
    func takeCustody(_ custody: SimCustody, clientAddress: String) {
        let n = custody.node
        let node = topology.nodes[n]
        nextQueueID += 1
        let data = MessageHeaders.prependingReceived(
            to: custody.data, helo: custody.fromNeighbour ?? "client", clientAddress: clientAddress, node: node.name,
            operatorNumber: node.operatorNumber, id: "sim\(nextQueueID)", date: Self.date(now))
        let messageId = MessageHeaders.messageID(in: data).map(Self.bare) ?? "sim\(nextQueueID)"
        mail[n].overload?.accepted(now: now)  // the node counts every message it stores, duplicates too
        guard mail[n].seen.insert(messageId).inserted else {
            log("\(node.name) already holds <\(messageId)>: duplicate taken without a second copy")
            if let from = custody.fromNeighbour { duplicateCounts["\(from)>\(node.name)", default: 0] += 1 }
            return
        }
        // Booked with the message, once: a duplicate books nothing (as the store does).
        if let from = custody.fromNeighbour {
            let domain = custody.recipients.first.flatMap { $0.split(separator: "@").last.map(String.init) }.flatMap(DomainName.init)
            let price = relationship(n, from) == .customer
                ? Int(nodes[n].engine.earnedPrice(for: domain, from: from, fallback: price(n, from))) : 0
            mail[n].book(from) { $0.messagesIn += 1; $0.bytesIn += custody.data.count; $0.earned += price }
        }
        let own = Set(node.domains.map(\.text))
        var queued: [String] = []
        for recipient in custody.recipients {
            let domain = recipient.split(separator: "@").last.map(String.init)?.lowercased() ?? ""
            if own.contains(domain) {
                mail[n].mailboxes[recipient.lowercased(), default: []].append(SimMailboxMessage(
                    messageId: messageId, from: custody.envelopeFrom, to: recipient,
                    subject: MessageHeaders.subject(in: data) ?? "", receivedAt: now,
                    hops: MessageHeaders.hops(in: data).map(\.node), data: data))
                log("\(node.name) delivered <\(messageId)> to \(recipient)")
            } else {
                queued.append(recipient)
            }
        }
        guard !queued.isEmpty else { return }
        mail[n].queue.append(SimQueued(id: nextQueueID, messageId: messageId, envelopeFrom: custody.envelopeFrom, recipients: queued,
                                       data: data, receivedAt: now, nextAttempt: now))
        wakeMail(n, at: now)
    }

    // MARK: - Relaying

    /// Runs the node's delivery loop at `at` (or sooner, if already due sooner).
    func wakeMail(_ n: Int, at time: Duration) {
        if let due = mail[n].tickAt, due <= time { return }
        mail[n].tickAt = time
        schedule(.mailTick(node: n), at: time)
    }

    /// The delivery loop: every due message not already on its way is tried along its ranked
    /// routes, penalised next hops last (the delivery engine's drain).
    func mailTick(_ n: Int) {
        // A tick runs when one is due; a later event of one already run finds nothing due. (A
        // paused node's tick runs late, at the resume: `mxgp sim explore` seed 210 found that an
        // exact-time check left such a node without ticks for ever.)
        guard let due = mail[n].tickAt, due <= now else { return }
        mail[n].tickAt = nil
        guard nodes[n].up else { return }
        mail[n].queue.removeAll { $0.recipients.isEmpty }
        for id in mail[n].queue.map(\.id) {
            guard let i = mail[n].queue.firstIndex(where: { $0.id == id }), !mail[n].queue[i].inFlight, mail[n].queue[i].nextAttempt <= now else { continue }
            startDelivery(n, queueIndex: i)
        }
        mail[n].queue.removeAll { $0.recipients.isEmpty && !$0.inFlight }
        returnBounces(n)
        // Anything still due waits for the delivery engine's next tick (every 250 ms).
        if let next = mail[n].queue.filter({ !$0.inFlight }).map(\.nextAttempt).min() { wakeMail(n, at: max(next, now + .milliseconds(250))) }
        overloadSample(n)
    }

    func startDelivery(_ n: Int, queueIndex i: Int) {
        let message = mail[n].queue[i]
        var groups: [[NextHopCandidate]: [String]] = [:]
        var order: [[NextHopCandidate]] = []
        var unroutable: [String] = []
        for recipient in message.recipients {
            guard let domain = recipient.split(separator: "@").last.flatMap({ DomainName(String($0)) }) else {
                mail[n].bounces.append((message, [RelayAttempt.Bounce(address: recipient, reply: "550 5.1.2 bad destination domain")]))
                mail[n].queue[i].recipients.removeAll { $0 == recipient }
                continue
            }
            switch RelayDecision.target(for: domain, in: nodes[n].engine) {
            case .forward(let candidates):
                if groups[candidates] == nil { order.append(candidates) }
                groups[candidates, default: []].append(recipient)
            case .local, .noRoute:
                unroutable.append(recipient)
            }
        }
        mail[n].queue[i].recipients = order.flatMap { groups[$0]! } + unroutable
        if !unroutable.isEmpty {
            log("\(nodes[n].name) has no route for <\(message.messageId)> to \(unroutable.joined(separator: ", "))")
            deferOrBounce(n, message: message, recipients: unroutable, error: "no route to \(unroutable[0])", keep: !order.isEmpty)
        }
        guard let first = order.first else { return }
        // One group per attempt chain (the usual case is one recipient); others wait for the next tick.
        mail[n].queue[i].inFlight = true
        let origin = MessageHeaders.originRegion(in: message.data).flatMap(Region.init) ?? topology.nodes[n].region
        let usable = RelayDecision.usable(first, crossed: MessageHeaders.hops(in: message.data).map(\.node), origin: origin)
        let ordered = RelayDecision.order(usable.candidates, health: mail[n].health, slow: mail[n].slow, now: now)
        attempt(n, queueID: message.id, candidates: ordered, index: 0, recipients: groups[first]!, lastError: usable.error)
    }

    /// Tries candidate `index` for `recipients`; its outcome is applied when the dialogue ends.
    func attempt(_ n: Int, queueID: Int, candidates: [NextHopCandidate], index: Int, recipients: [String], lastError: String) {
        guard let q = mail[n].queue.firstIndex(where: { $0.id == queueID }) else { return }
        guard index < candidates.count, !recipients.isEmpty else {
            mail[n].queue[q].inFlight = false
            if !recipients.isEmpty { deferOrBounce(n, message: mail[n].queue[q], recipients: recipients, error: lastError, keep: false) }
            return
        }
        let message = mail[n].queue[q]
        let candidate = candidates[index]
        guard let m = nodeIndex[candidate.neighbour] else {
            attempt(n, queueID: queueID, candidates: candidates, index: index + 1, recipients: recipients, lastError: "unknown next hop \(candidate.neighbour)")
            return
        }
        let link = SimLink(nodes[n].name, nodes[m].name)
        let rtt = (linkLatency[link] ?? .milliseconds(1)) * 2 + linkConditions[link, default: .init()].delay * 2
        var pending = SimAttempt(node: n, queueID: queueID, candidates: candidates, index: index, recipients: recipients,
                                 outcome: SMTPClientOutcome(recipients: [], data: .deferred(.reason("")), tls: false), custody: nil, lastError: lastError,
                                 started: now)
        func fail(_ why: String, after: Duration) {
            pending.outcome = Self.deferredOutcome(recipients, why)
            schedule(.mailDone(pending), at: now + after)
        }
        if downLinks.contains(link) || blackholed[link] != nil || paused.contains(m) {
            fail("timed out after \(Int(mailTimers.transactionTimeout.inSecondsRounded)) s connecting to \(candidate.endpoint)", after: mailTimers.transactionTimeout)
            return
        }
        guard nodes[m].up else {
            fail("connection refused by \(candidate.endpoint)", after: rtt)
            return
        }
        let client = SMTPClientSession(
            configuration: SMTPClientConfiguration(heloName: SMTPHost(nodes[n].name) ?? SMTPHost("mxgp")!, tls: .never),
            reversePath: SMTPMailbox(Self.bare(message.envelopeFrom)).map(SMTPReversePath.mailbox) ?? .null,
            recipients: recipients.compactMap { SMTPMailbox($0).map(SMTPForwardPath.mailbox) }, message: message.data)
        var custody: SimCustody?
        let result = SMTPDialogue.run(
            client: client, server: serverConfiguration(m),
            recipient: { check in self.admission(at: m, from: n, check: check) },
            store: { envelope, data in
                if let refusal = self.custodyCheck(at: m, from: n, data: data) { return .failure(SMTPReplyFailure(refusal)) }
                custody = SimCustody(node: m, fromNeighbour: self.nodes[n].name, envelopeFrom: envelope.reversePath.description,
                                     recipients: envelope.recipients.compactMap(\.mailbox).map(\.description), data: data)
                return .success("sim")
            })
        var took = rtt * result.roundTrips + transferTime(link, bytes: result.bytesSent)
        for _ in 0..<result.roundTrips { took += retransmissionDelay(link) }
        if took > mailTimers.transactionTimeout {
            fail("timed out after \(Int(mailTimers.transactionTimeout.inSecondsRounded)) s in the SMTP transaction with \(candidate.endpoint)", after: mailTimers.transactionTimeout)
            return
        }
        pending.outcome = result.outcome
        pending.custody = custody
        schedule(.mailDone(pending), at: now + took)
    }

    /// The end of an attempt: the next hop's custody, the ledger and health, then the next
    /// alternate for what is left (the delivery engine's `forward`).
    func finishAttempt(_ attempt: SimAttempt) {
        let n = attempt.node
        guard nodes[n].up else { return }  // the sender died: the message stays queued, a retry is deduped
        guard let q = mail[n].queue.firstIndex(where: { $0.id == attempt.queueID }) else { return }
        var outcome = attempt.outcome
        let candidate = attempt.candidates[attempt.index]
        if let custody = attempt.custody, !nodes[custody.node].up || paused.contains(custody.node) {
            outcome = Self.deferredOutcome(attempt.recipients, "connection closed by \(candidate.endpoint)")
        } else if !attempt.cutOff, let m = nodeIndex[candidate.neighbour],
                  blackholed[SimLink(nodes[n].name, nodes[m].name)] != nil || downLinks.contains(SimLink(nodes[n].name, nodes[m].name)) {
            // The link failed during the transaction: the next hop got the message but its 250
            // never came back (a retry is then a duplicate it takes without a second copy); the
            // sender finds out when the transaction times out.
            if let custody = attempt.custody {
                takeCustody(custody, clientAddress: nodes[n].name)
                unacknowledgedCounts["\(nodes[n].name)>\(nodes[m].name)", default: 0] += 1
            }
            var timedOut = attempt
            timedOut.cutOff = true
            timedOut.custody = nil
            timedOut.outcome = Self.deferredOutcome(attempt.recipients, "timed out after \(Int(mailTimers.transactionTimeout.inSecondsRounded)) s in the SMTP transaction with \(candidate.endpoint)")
            schedule(.mailDone(timedOut), at: max(now, attempt.started + mailTimers.transactionTimeout))
            return
        }
        let sorted = RelayAttempt.sort(outcome, lastCandidate: attempt.index == attempt.candidates.count - 1)
        var lastError = sorted.lastError ?? attempt.lastError
        let message = mail[n].queue[q]
        if !sorted.delivered.isEmpty {
            if let custody = attempt.custody { takeCustody(custody, clientAddress: nodes[n].name) }
            let price = relationship(n, candidate.neighbour) == .provider ? Int(candidate.price) : 0
            mail[n].book(candidate.neighbour) { $0.messagesOut += 1; $0.bytesOut += message.data.count; $0.owed += price }
            mail[n].health.succeeded(candidate.neighbour)
            if let change = mail[n].slow.delivered(candidate.neighbour, latency: now - attempt.started, started: attempt.started, now: now) {
                log("\(nodes[n].name) → \(candidate.neighbour): next hop \(change == .recovered ? "is fast again" : "is slow; new mail prefers an alternate")")
            }
            mail[n].carried.insert(message.messageId)
            mail[n].queue[q].recipients.removeAll { sorted.delivered.contains($0) }
            log("\(nodes[n].name) → \(candidate.neighbour): <\(message.messageId)> taken")
        } else {
            mail[n].health.failed(candidate.neighbour, error: lastError, now: now)
            if mail[n].slow.failed(candidate.neighbour, took: now - attempt.started, started: attempt.started, now: now) != nil {
                log("\(nodes[n].name) → \(candidate.neighbour): next hop is slow; new mail prefers an alternate")
            }
            log("\(nodes[n].name) → \(candidate.neighbour): <\(message.messageId)> not taken: \(lastError)")
        }
        if !sorted.bounced.isEmpty {
            mail[n].bounces.append((message, sorted.bounced))
            mail[n].queue[q].recipients.removeAll { address in sorted.bounced.contains { $0.address == address } }
        }
        if sorted.deferred.isEmpty { lastError = attempt.lastError }
        self.attempt(n, queueID: attempt.queueID, candidates: attempt.candidates, index: attempt.index + 1, recipients: sorted.deferred, lastError: lastError)
        if let i = mail[n].queue.firstIndex(where: { $0.id == attempt.queueID }), mail[n].queue[i].recipients.isEmpty {
            mail[n].queue.remove(at: i)
        }
        returnBounces(n)
        wakeMail(n, at: now)
    }

    /// Defers with backoff, or bounces once the message outlived its lifetime.
    func deferOrBounce(_ n: Int, message: SimQueued, recipients: [String], error: String, keep: Bool) {
        guard let q = mail[n].queue.firstIndex(where: { $0.id == message.id }) else { return }
        if now - message.receivedAt > mailTimers.lifetime {
            mail[n].bounces.append((message, recipients.map { RelayAttempt.Bounce(address: $0, reply: "554 5.4.7 delivery time expired: \(error)") }))
            mail[n].queue[q].recipients.removeAll { recipients.contains($0) }
            if mail[n].queue[q].recipients.isEmpty { mail[n].queue.remove(at: q) }
            return
        }
        mail[n].queue[q].attempts += 1
        let delay = RelayAttempt.retryDelay(attempts: mail[n].queue[q].attempts, base: mailTimers.retryBase, cap: mailTimers.retryCap)
        mail[n].queue[q].nextAttempt = now + .milliseconds(Int64(delay * 1000))
        if !keep { wakeMail(n, at: mail[n].queue[q].nextAttempt) }
    }

    /// Sends a DSN (RFC 3464) to the sender of every message with bounced recipients; never
    /// for a bounce (null sender).
    func returnBounces(_ n: Int) {
        let pending = mail[n].bounces
        mail[n].bounces = []
        for (message, failures) in pending {
            guard let sender = SMTPMailbox(Self.bare(message.envelopeFrom)) else { continue }
            let id = "dsn-\(message.id)@\(nodes[n].name)"
            let data = DeliveryStatusNotification.compose(
                reportingNode: nodes[n].name, sender: sender.description, messageID: id,
                originalHeaders: DeliveryStatusNotification.headerSection(of: message.data),
                failures: failures.map { .init(recipient: $0.address, diagnostic: $0.reply) }, date: Self.date(now), boundary: "mxgp-\(message.id)")
            log("\(nodes[n].name) returns a DSN for <\(message.messageId)> to \(sender): \(failures.map(\.reply).joined(separator: "; "))")
            takeCustody(SimCustody(node: n, fromNeighbour: nil, envelopeFrom: "<>", recipients: [sender.description], data: data), clientAddress: nodes[n].name)
        }
    }

    // MARK: - Complaints

    /// Files a spam complaint at `node` about a message in one of its mailboxes (what
    /// `mxgp ctl complain` does), then carries it back as REPORTs over the real sessions.
    public func complain(at node: String, messageId: String) -> Result<SimComplaintOutcome, SimError> {
        guard let n = nodeIndex[node] else { return .failure(SimError("no node \(node)")) }
        let bare = Self.bare(messageId)
        guard let message = mail[n].mailboxes.values.joined().first(where: { $0.messageId == bare }) else {
            return .failure(SimError("no mailbox of \(node) holds a message with Message-ID <\(bare)>"))
        }
        let path = Array(MessageHeaders.hops(in: message.data).map(\.operatorNumber).suffix(255))
        let report = ReportMessage(messageID: bare, reporter: topology.nodes[n].operatorNumber, path: path, reason: "spam")
        return .success(handleReport(report, at: n, from: nil))
    }

    @discardableResult
    func handleReport(_ report: ReportMessage, at n: Int, from neighbour: String?) -> SimComplaintOutcome {
        var outcome = SimComplaintOutcome(bookedAgainst: nil, amount: 0, forwardedTo: nil, stopped: nil)
        let step = ComplaintRouting.step(
            report, local: topology.nodes[n].operatorNumber, from: neighbour, carried: mail[n].carried.contains(report.messageID),
            neighbourByOperator: neighbourByOperator[n])
        var previous: String?
        switch step {
        case .stop(let why, let dropped):
            outcome.stopped = why
            log("\(nodes[n].name): complaint about <\(report.messageID)> stops: \(why)")
            if dropped { return outcome }
        case .book(let neighbour): previous = neighbour
        }
        let payable = ComplaintRouting.payable(step, from: neighbour)
        guard previous != nil || payable != nil else { return outcome }
        guard mail[n].complaints.insert(report.messageID).inserted else {
            outcome.stopped = "the complaint about <\(report.messageID)> was already booked"
            return outcome
        }
        if let payable {
            let owed = Int(contracts[n][payable]?.chargeback ?? 0)
            mail[n].book(payable) { $0.chargebacksPayable += owed; $0.complaintsPayable += 1 }
            log("\(nodes[n].name): chargeback \(owed) owed to \(payable) for <\(report.messageID)>")
            learnComplaintRate(n)
        }
        guard let previous else { return outcome }
        let amount = Int(contracts[n][previous]?.chargeback ?? 0)
        mail[n].book(previous) { $0.chargebacks += amount; $0.complaints += 1 }
        outcome.bookedAgainst = previous
        outcome.amount = amount
        log("\(nodes[n].name): chargeback \(amount) booked against \(previous) for <\(report.messageID)>")
        if let p = nodes[n].peerings.firstIndex(where: { nodes[$0.neighbourNode].name == previous }),
           nodes[n].peerings[p].session.phase == .established {
            apply(nodes[n].peerings[p].session.send(.report(report), now: now), node: n, peering: p)
            outcome.forwardedTo = previous
        } else {
            outcome.stopped = "the session with \(previous) is not established; the REPORT was not passed on"
        }
        return outcome
    }

    /// The node learns its expected complaint rate from its ledger, as a node's complaint desk
    /// does (complaints about mail it handed over, against the messages it handed over); routes
    /// whose best changed are re-advertised.
    func learnComplaintRate(_ n: Int) {
        let ledger = mail[n].ledger.values
        let ppm = topology.nodes[n].complaintRate.ratePPM(
            complaints: ledger.reduce(0) { $0 + $1.complaintsPayable }, sent: ledger.reduce(0) { $0 + $1.messagesOut })
        guard ppm != nodes[n].engine.local.complaintRatePPM else { return }
        log("\(nodes[n].name): expected complaint rate now \(ppm) ppm")
        nodes[n].engine.setComplaintRate(ppm)
        flush(node: n)
    }

    // MARK: - Link conditions

    /// Extra time to move `bytes` over a rate-limited link.
    func transferTime(_ link: SimLink, bytes: Int) -> Duration {
        guard let kbit = linkConditions[link]?.rateKbit, kbit > 0 else { return .zero }
        return .microseconds(Int64(bytes) * 8 * 1000 / Int64(kbit))
    }

    /// TCP retransmission delay of one round trip on a lossy link: each lost try waits the
    /// retransmission timeout, doubled per consecutive loss (drawn from the seed).
    func retransmissionDelay(_ link: SimLink) -> Duration {
        guard let loss = linkConditions[link]?.lossPercent, loss > 0 else { return .zero }
        var delay: Duration = .zero, timeout = mailTimers.retransmissionTimeout
        // A round trip is lost when either direction loses its packet.
        let p = 1 - (1 - loss / 100) * (1 - loss / 100)
        var tries = 0
        while mailRNG.nextUnit() < p, tries < 8 {
            delay += timeout
            timeout = timeout * 2
            tries += 1
        }
        return delay
    }

    // MARK: - Helpers

    static func deferredOutcome(_ recipients: [String], _ why: String) -> SMTPClientOutcome {
        SMTPClientOutcome(
            recipients: recipients.compactMap { SMTPMailbox($0) }.map {
                SMTPRecipientResult(recipient: .mailbox($0), rcptReply: nil, status: .deferred(.reason(why)))
            }, data: .deferred(.reason(why)), tls: false)
    }

    func relationship(_ n: Int, _ neighbour: String) -> Relationship? {
        topology.neighbours(of: nodes[n].name).first { $0.node.name == neighbour }?.relationship
    }

    func price(_ n: Int, _ neighbour: String) -> UInt32 {
        topology.neighbours(of: nodes[n].name).first { $0.node.name == neighbour }?.price ?? 0
    }

    /// `<a@b>` → `a@b`.
    static func bare(_ text: String) -> String {
        var s = Substring(text)
        while s.first == "<" || s.first == " " { s = s.dropFirst() }
        while s.last == ">" || s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// The RFC 5322 date of a virtual time (the virtual clock starts at 2026-01-01 00:00 UTC).
    static func date(_ time: Duration) -> String {
        MessageHeaders.rfc5322Date(secondsSince1970: Simulation.epoch + time.components.seconds)
    }

    /// Seconds since 1970 of virtual time zero.
    public static let epoch: Int64 = 1_767_225_600

    func log(_ text: String) {
        if keepsLog { eventLog.append("\(clockText) \(text)") }
    }

    /// Virtual time since the scenario began (``markStart()``), negative before it.
    var clockText: String { now >= startTime ? RouteClock.format(now - startTime) : "-" + RouteClock.format(startTime - now) }
}

/// An error a simulated command answers with.
public struct SimError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Duration {
    /// Whole seconds, rounded.
    var inSecondsRounded: Double { inSeconds.rounded() }
}
