import MXGPCore

extension PeeringController {
    /// Feeds the overload monitor one load sample and applies its action: on `startDraining`
    /// every exported route gets DRAINING, on `stopDraining` the mark is withdrawn (both
    /// re-advertised to every neighbour at the next flush). Returns the status after the sample.
    func overloadSample(queueDepth: Int) -> OverloadStatus? {
        loop.preconditionInEventLoop()
        guard var monitor = overload else { return nil }
        let now = self.now
        let action = monitor.sample(queueDepth: queueDepth, now: now)
        overload = monitor
        switch action {
        case .startDraining(let why):
            logger.notice("overloaded: marking every route DRAINING", metadata: ["why": "\(why)"])
            engine.setDraining(true)
            scheduleFlush()
        case .stopDraining:
            logger.notice("load is back below the low watermarks: DRAINING withdrawn", metadata: ["queue": "\(queueDepth)"])
            engine.setDraining(false)
            scheduleFlush()
        case nil:
            break
        }
        return monitor.status(now: now)
    }

    /// Counts messages the node took (`accepted`) and 4xx answers it gave (`tempfails`).
    func overloadCount(accepted: Int, tempfails: Int) {
        loop.preconditionInEventLoop()
        if accepted > 0 { overload?.accepted(accepted, now: now) }
        if tempfails > 0 { overload?.tempfailed(tempfails, now: now) }
    }

    /// The overload status without a new sample; nil when the node never drains.
    func overloadStatus() -> OverloadStatus? { overload?.status(now: now) }
}
