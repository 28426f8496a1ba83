/// When a node calls itself overloaded (node config `overload:`, docs/NODE.md). A load figure
/// above its high watermark starts draining; draining stops once every figure is at or below
/// its low watermark. A limit of 0 switches that figure off.
public struct OverloadSettings: Sendable, Hashable {
    /// Queue depth (messages waiting) above which the node drains.
    public var queueHigh: Int
    /// Queue depth at or below which draining may stop.
    public var queueLow: Int
    /// Messages accepted per minute above which the node drains; 0: not watched.
    public var rateHigh: Int
    /// Accepted per minute at or below which draining may stop.
    public var rateLow: Int
    /// Tempfails (4xx) the node gave per minute above which it drains; 0: not watched.
    public var tempfailHigh: Int
    /// Tempfails per minute at or below which draining may stop.
    public var tempfailLow: Int
    /// Shortest time in one state (draining or not) before the monitor leaves it, so it does not flap.
    public var hold: Duration

    /// The defaults: queue 500/100, rates off, hold 10 s.
    public init(
        queueHigh: Int = 500, queueLow: Int = 100, rateHigh: Int = 0, rateLow: Int? = nil, tempfailHigh: Int = 0,
        tempfailLow: Int? = nil, hold: Duration = .seconds(10)
    ) {
        self.queueHigh = queueHigh
        self.queueLow = queueLow
        self.rateHigh = rateHigh
        self.rateLow = rateLow ?? rateHigh / 2
        self.tempfailHigh = tempfailHigh
        self.tempfailLow = tempfailLow ?? tempfailHigh / 2
        self.hold = hold
    }
}

/// What the node should do after a load sample.
public enum OverloadAction: Sendable, Hashable {
    /// Mark every exported route DRAINING; `why` says which figure crossed its watermark.
    case startDraining(why: String)
    /// Withdraw the mark: the load is back below every low watermark.
    case stopDraining
}

/// What the monitor says about the node now (for `/v1/node`, `mxgp ctl status` and metrics).
public struct OverloadStatus: Sendable, Hashable {
    /// True while the node announces DRAINING.
    public var draining: Bool
    /// When the current state began (the caller's clock); nil before the first change.
    public var since: Duration?
    /// Why the node drains (`queue 612 > 500`); nil when it does not.
    public var why: String?
    /// The last load sample: queue depth, messages accepted and tempfails given in the last minute.
    public var queueDepth: Int
    public var acceptedPerMinute: Int
    public var tempfailsPerMinute: Int
}

/// Measures a node's own load and decides when to announce DRAINING (PROTOCOL §5.9), with
/// hysteresis: high and low watermarks plus a minimum hold time in each state. Pure: time is
/// passed in; the node (or the simulator) feeds it accepts, tempfails and a queue depth on
/// each delivery tick and applies the returned action to its routing engine.
public struct OverloadMonitor: Sendable {
    private enum State: Sendable, Hashable {
        case normal(since: Duration?)
        case draining(since: Duration, why: String)
    }

    /// The watermarks.
    public let settings: OverloadSettings
    private var state = State.normal(since: nil)
    private var accepts = MinuteCounter()
    private var tempfails = MinuteCounter()
    private var lastQueue = 0

    /// A monitor that is not draining.
    public init(settings: OverloadSettings) { self.settings = settings }

    /// Counts `count` messages accepted at `now`.
    public mutating func accepted(_ count: Int = 1, now: Duration) { accepts.add(count, now: now) }

    /// Counts `count` tempfails (4xx answers) given at `now`.
    public mutating func tempfailed(_ count: Int = 1, now: Duration) { tempfails.add(count, now: now) }

    /// Takes a load sample (the queue depth now) and returns what to do, if anything.
    public mutating func sample(queueDepth: Int, now: Duration) -> OverloadAction? {
        lastQueue = queueDepth
        let rate = accepts.count(now: now), fails = tempfails.count(now: now)
        switch state {
        case .normal(let since):
            if let since, now - since < settings.hold { return nil }
            guard let why = overWatermark(queue: queueDepth, rate: rate, fails: fails) else { return nil }
            state = .draining(since: now, why: why)
            return .startDraining(why: why)
        case .draining(let since, _):
            guard now - since >= settings.hold, underWatermarks(queue: queueDepth, rate: rate, fails: fails) else { return nil }
            state = .normal(since: now)
            return .stopDraining
        }
    }

    /// The current state and the last sample.
    public func status(now: Duration) -> OverloadStatus {
        switch state {
        case .normal(let since):
            return OverloadStatus(draining: false, since: since, why: nil, queueDepth: lastQueue,
                                  acceptedPerMinute: accepts.count(now: now), tempfailsPerMinute: tempfails.count(now: now))
        case .draining(let since, let why):
            return OverloadStatus(draining: true, since: since, why: why, queueDepth: lastQueue,
                                  acceptedPerMinute: accepts.count(now: now), tempfailsPerMinute: tempfails.count(now: now))
        }
    }

    /// The first figure above its high watermark, as text; nil when none is.
    func overWatermark(queue: Int, rate: Int, fails: Int) -> String? {
        if settings.queueHigh > 0, queue > settings.queueHigh { return "queue \(queue) > \(settings.queueHigh)" }
        if settings.rateHigh > 0, rate > settings.rateHigh { return "accepted \(rate)/min > \(settings.rateHigh)/min" }
        if settings.tempfailHigh > 0, fails > settings.tempfailHigh { return "tempfails \(fails)/min > \(settings.tempfailHigh)/min" }
        return nil
    }

    /// True when every watched figure is at or below its low watermark.
    func underWatermarks(queue: Int, rate: Int, fails: Int) -> Bool {
        (settings.queueHigh == 0 || queue <= settings.queueLow)
            && (settings.rateHigh == 0 || rate <= settings.rateLow)
            && (settings.tempfailHigh == 0 || fails <= settings.tempfailLow)
    }
}

/// Events per minute in 60 one-second buckets: bounded memory whatever the rate.
struct MinuteCounter: Sendable {
    private var buckets = [Int](repeating: 0, count: 60)
    private var stamps = [Int64](repeating: -1, count: 60)

    mutating func add(_ count: Int, now: Duration) {
        let second = now.components.seconds
        let slot = Int(((second % 60) + 60) % 60)
        if stamps[slot] != second {
            stamps[slot] = second
            buckets[slot] = 0
        }
        buckets[slot] += count
    }

    /// Events in the 60 seconds ending at `now` (this second included).
    func count(now: Duration) -> Int {
        let second = now.components.seconds
        var total = 0
        for i in 0..<60 where stamps[i] > second - 60 && stamps[i] <= second { total += buckets[i] }
        return total
    }
}
