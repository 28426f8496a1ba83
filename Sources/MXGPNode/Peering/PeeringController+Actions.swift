import Logging
import MXGPCore
import NIOCore

extension PeeringController {
    /// Carries out what a session state machine asked for.
    func apply(_ actions: [SessionAction], peer i: Int) {
        for action in actions {
            switch action {
            case .connect(let id):
                connect(peer: i, id: id)
            case .send(let message, let id):
                guard let channel = peers[i].channels[id] else { continue }
                peers[i].messagesOut += 1
                if case .update = message { peers[i].updatesOut += 1 }
                observeMessage(false, message)
                peers[i].lastWrite[id] = channel.writeAndFlush(message)
            case .close(let id):
                guard let channel = peers[i].channels.removeValue(forKey: id) else { continue }
                let written = peers[i].lastWrite.removeValue(forKey: id) ?? loop.makeSucceededVoidFuture()
                written.whenComplete { _ in channel.close(promise: nil) }
            case .armTimer(let timer, let deadline):
                peers[i].timers[timer]?.cancel()
                let at = epoch + TimeAmount(deadline)
                peers[i].timers[timer] = loop.scheduleTask(deadline: at) { [self] in
                    guard !peers[i].removed else { return }
                    peers[i].timers[timer] = nil
                    apply(peers[i].session.timerFired(timer, now: now), peer: i)
                }
            case .cancelTimer(let timer):
                peers[i].timers.removeValue(forKey: timer)?.cancel()
            case .sessionEstablished(let negotiated):
                peers[i].establishedAt = .now()
                note(i, "session established (hold \(negotiated.holdTime) s\(negotiated.fastLivenessInterval.map { ", fast liveness \($0)" } ?? ""))")
                engine.neighbourUp(i)
                scheduleFlush()
            case .sessionDown(let reason):
                peers[i].establishedAt = nil
                peers[i].lastError = reason.text
                peers[i].lastDown = reason.text
                note(i, "session down: \(reason.text)", level: stopping ? .info : .warning)
                engine.neighbourDown(i)
                scheduleFlush()
            case .handshakeFailed(let id, let reason):
                peers[i].lastError = reason.text
                note(i, "handshake on \(id) failed: \(reason.text)", level: .notice)
            case .deliverUpdate(let update):
                if let problem = update.treatedAsWithdraw {
                    note(i, "malformed attribute, \(update.withdrawn.count) domains treated as withdrawn: \(problem)", level: .warning)
                }
                guard let update = limitDomains(update, peer: i) else { return }
                engine.receive(update, from: i)
                scheduleFlush()
            case .routeRefreshRequested:
                engine.routeRefreshRequested(by: i)
                scheduleFlush()
            case .endOfRIBReceived:
                note(i, "initial table received", level: .debug)
            case .reportReceived(let report):
                note(i, "spam complaint for \(report.messageID) from operator \(report.reporter)", level: .notice)
                reportHandler?(report, peers[i].config.name)
            }
        }
    }

    /// Applies the neighbour's `max-domains` to one UPDATE: the update to hand to the engine,
    /// or nil when the session was reset (action `reset`; the rest of the actions are dropped).
    func limitDomains(_ update: UpdateMessage, peer i: Int) -> UpdateMessage? {
        let config = peers[i].config
        let outcome = DomainLimit.check(
            update, limit: Int(config.maxDomains), action: config.maxDomainsAction, current: engine.adjRIBInCount(of: i),
            known: { engine.hasAdjRIBIn($0, from: i) })
        guard outcome.over > 0 else { return outcome.update }
        domainLimitObserver?(config.maxDomainsAction)
        let text = "\(config.name) announced \(outcome.over) domains over its max-domains \(config.maxDomains)"
        switch config.maxDomainsAction {
        case .warn:
            note(i, text + "; accepted anyway (max-domains-action: warn)", level: .warning)
            return outcome.update
        case .block:
            note(i, text + "; ignored them (max-domains-action: block)", level: .warning)
            return outcome.update
        case .reset:
            note(i, text + "; closing the session with Cease 6/1 (max-domains-action: reset)", level: .error)
            apply(peers[i].session.stop(reason: "maximum domains reached: \(text)", subcode: .maximumDomainsReached, now: now), peer: i)
            apply(peers[i].session.start(now: now), peer: i)
            return nil
        }
    }

    /// Sends a REPORT to the neighbour named `name`; false when there is no such neighbour or
    /// its session is not Established (the REPORT is not sent).
    func sendReport(_ report: ReportMessage, to name: String) -> Bool {
        guard let i = peers.firstIndex(where: { !$0.removed && $0.config.name == name }) else { return false }
        let actions = peers[i].session.send(.report(report), now: now)
        guard !actions.isEmpty else { return false }
        apply(actions, peer: i)
        return true
    }

    /// Sends the engine's pending changes soon (after the current batch of events, or after the advertisement interval).
    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        let delay = settings.advertisementInterval
        let run: @Sendable () -> Void = { [self] in
            flushScheduled = false
            for out in engine.flush() where !peers[out.neighbour].removed {
                for message in out.messages { apply(peers[out.neighbour].session.send(message, now: now), peer: out.neighbour) }
            }
        }
        if delay == .zero {
            loop.execute(run)
        } else {
            loop.scheduleTask(in: TimeAmount(delay), run)
        }
    }
}
