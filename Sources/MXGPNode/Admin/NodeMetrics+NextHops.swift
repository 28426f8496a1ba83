import MXGPAdminAPI
import MXGPCore
import Prometheus

/// Per-next-hop metrics (see the table on ``NodeMetrics``): the state and consecutive
/// failures of each configured neighbour, copied from `GET /v1/nexthops` on every scrape by the
/// metrics refresher, and each next hop's delivery latency as deliveries finish.
extension NodeMetrics {
    /// Sets `mxgp_nexthop_state{neighbour=…}` (0 healthy, 1 penalised, 2 down, 3 degraded) and
    /// `mxgp_nexthop_consecutive_failures{neighbour=…}` from the next-hop view; the gauges of
    /// neighbours no longer in it (removed by a reload) are dropped.
    public func nextHops(_ nexthops: [AdminNextHop]) {
        let names = Set(nexthops.map(\.neighbour))
        let gone = nextHopNeighbours.withLockedValue { last in
            defer { last = names }
            return last.subtracting(names)
        }
        for name in gone {
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.nextHopStateDescriptor, labels: [("neighbour", name)]))
            registry.unregisterGauge(registry.makeGauge(descriptor: Self.nextHopFailuresDescriptor, labels: [("neighbour", name)]))
        }
        for nexthop in nexthops {
            let labels = [("neighbour", nexthop.neighbour)]
            let state = NextHopState(rawValue: nexthop.state) ?? .down
            registry.makeGauge(descriptor: Self.nextHopStateDescriptor, labels: labels).set(Int64(state.gaugeValue))
            registry.makeGauge(descriptor: Self.nextHopFailuresDescriptor, labels: labels).set(Int64(nexthop.consecutiveFailures))
        }
    }

    /// Records how long `nextHop` took to take one message (`mxgp_nexthop_delivery_latency_seconds{neighbour=…}`):
    /// from the start of the attempt to its answer to DATA.
    public func nextHopLatency(_ nextHop: String, _ latency: Duration) {
        registry.makeDurationHistogram(descriptor: Self.nextHopLatencyDescriptor, labels: [("neighbour", nextHop)], buckets: Self.deliveryLatencyBuckets)
            .record(max(.zero, latency))
    }

    static var nextHopStateDescriptor: MetricNameDescriptor {
        descriptor("nexthop_state", unit: "", help: "Each configured neighbour as a next hop: 0 healthy, 1 penalised after failures, 2 session down, 3 degraded (slow).")
    }
    static var nextHopFailuresDescriptor: MetricNameDescriptor {
        descriptor("nexthop_consecutive_failures", unit: "", help: "Failed delivery attempts in a row to each next hop since its last success.")
    }
    static var nextHopLatencyDescriptor: MetricNameDescriptor {
        descriptor("nexthop_delivery_latency", unit: "seconds", help: "Time each next hop took to take a message: attempt start to its answer to DATA.")
    }
}
