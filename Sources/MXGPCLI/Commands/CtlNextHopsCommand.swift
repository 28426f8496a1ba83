import ArgumentParser
import MXGPAdminAPI

/// `mxgp ctl nexthops [--json]`: every neighbour as a next hop of the mail data plane.
struct CtlNextHopsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nexthops",
        abstract: "Every neighbour as a next hop: healthy, degraded, penalised or down, and why; traffic and latency.",
        discussion: """
            STATE is down when the MXGP session with the neighbour is not established, penalised \
            while recent delivery failures (connect failure, timeout, 421 or other 4xx) make the \
            relay try it only after the healthy next hops, degraded while its recent deliveries are \
            slow (median latency over timers.slow-next-hop: tried after the healthy next hops, before \
            the penalised ones, until a probe is fast again), else healthy. PENALTY is the time the \
            penalty has left; FAILURES the failures in a row since its last success; SENT and \
            BYTES what it took since the node started; P50 and P99 how long it took to take a \
            message, over its recent deliveries; FIRST CHOICE FOR the domains whose best route goes \
            to it. --json prints {"nexthops": [{"neighbour", "state", "consecutiveFailures", \
            "lastError", "lastErrorAt", "penaltyLeftSeconds", "messagesSent", "bytesSent", \
            "latencyP50Ms", "latencyP99Ms", "firstChoiceFor"}, …]}.
            """)

    @OptionGroup var options: CtlOptions

    func run() async throws {
        try await CtlRequest.show(AdminPath.nexthops, options: options, render: CtlRendering.nexthops)
    }
}
