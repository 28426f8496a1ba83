import Foundation
import MXGPCore
import MXGPSMTP
import MXGPTopology

/// What the mail data plane of a node runs from.
public struct MailSettings: Sendable {
    public var nodeName: String
    public var operatorNumber: OperatorNumber
    public var ownDomains: [DomainName]
    /// Clients in these networks may relay to any routable domain.
    public var localNetworks: [IPNetwork]
    /// Where the SMTP server listens; nil for no SMTP service.
    public var listen: HostPort?
    /// The node's store folder (queue, mailboxes, ledger).
    public var storeDirectory: String
    /// How long a message may wait in the queue before it bounces.
    public var lifetime: TimeInterval
    /// Retry delay after the n-th failed attempt: `retryBase × n²`, capped at `retryCap`.
    public var retryBase: TimeInterval
    public var retryCap: TimeInterval
    /// Penalty of a failing next hop after its first failure (grows quadratically).
    public var nextHopPenalty: Duration
    /// Largest message accepted.
    public var maximumMessageSize: Int
    /// Most concurrent SMTP connections served.
    public var maximumConnections: Int
    /// Source address of outbound SMTP connections (nil: the kernel picks).
    public var sourceHost: String?
    /// Own-domain mail goes to this local MTA instead of the node's mailboxes.
    public var deliverTo: HostPort?
    /// Longest one outbound SMTP transaction may take before the next hop counts as failed
    /// (a silently dead next hop must not stall delivery for long).
    public var transactionTimeout: Duration
    /// Contract prices for the ledger (DESIGN §4): what this node owes per message it hands
    /// to a provider, and earns per message a customer hands it. Peers and unlisted
    /// neighbours book messages and bytes at price 0.
    public var owedPerMessage: [String: Int] = [:]
    public var earnedPerMessage: [String: Int] = [:]
    /// What the data plane enforces per neighbour (rate limit, maximum size) and books per
    /// complaint (chargeback), by neighbour name. Unlisted neighbours: no limits, no chargeback.
    public var contracts: [String: MailContract] = [:]
    /// Operator number → neighbour name, to find who handed over a reported message.
    public var neighbourByOperator: [OperatorNumber: String] = [:]
    /// This node's region, stamped as the origin region on mail its local clients submit.
    public var region: Region?
    /// How the node learns the complaint rate it weighs chargebacks with.
    public var complaintRate = ComplaintRateSettings()
    /// Regions whose mail this node refuses from neighbours (550 5.7.1).
    public var refuseRegions: Set<Region> = []
    /// When a next hop counts as degraded (slow) and how often it is probed (`timers.slow-next-hop`,
    /// `timers.slow-next-hop-retry`); off unless set (the config's defaults set it).
    public var slowNextHops = SlowNextHops(limit: nil)

    public init(
        nodeName: String, operatorNumber: OperatorNumber, ownDomains: [DomainName], localNetworks: [IPNetwork],
        listen: HostPort?, storeDirectory: String, lifetime: TimeInterval = 5 * 86400, retryBase: TimeInterval = 1,
        retryCap: TimeInterval = 600, nextHopPenalty: Duration = .seconds(1), maximumMessageSize: Int = 10 * 1024 * 1024,
        maximumConnections: Int = 200, sourceHost: String? = nil, deliverTo: HostPort? = nil,
        transactionTimeout: Duration = .seconds(60)
    ) {
        self.transactionTimeout = transactionTimeout
        self.deliverTo = deliverTo
        self.sourceHost = sourceHost
        self.nodeName = nodeName
        self.operatorNumber = operatorNumber
        self.ownDomains = ownDomains
        self.localNetworks = localNetworks
        self.listen = listen
        self.storeDirectory = storeDirectory
        self.lifetime = lifetime
        self.retryBase = retryBase
        self.retryCap = retryCap
        self.nextHopPenalty = nextHopPenalty
        self.maximumMessageSize = maximumMessageSize
        self.maximumConnections = maximumConnections
    }

    /// The contract prices of `neighbours`, booked by the side that pays (the customer).
    public mutating func setContracts(_ neighbours: [NodeConfig.NeighbourConfig]) {
        for neighbour in neighbours {
            contracts[neighbour.name] = MailContract(
                rateLimit: Int(neighbour.contract.rateLimit), maxSize: Int(neighbour.contract.maxSize),
                chargeback: Int(neighbour.contract.chargeback))
            neighbourByOperator[neighbour.operatorNumber] = neighbour.name
            switch neighbour.relationship {
            case .provider: owedPerMessage[neighbour.name] = Int(neighbour.contract.price)
            case .customer: earnedPerMessage[neighbour.name] = Int(neighbour.contract.price)
            case .peer: break
            }
        }
    }

    /// Retry delay after `attempts` failed attempts.
    public func retryDelay(attempts: Int) -> TimeInterval {
        RelayAttempt.retryDelay(attempts: attempts, base: retryBase, cap: retryCap)
    }
}

extension MailSettings {
    /// The mail settings a node config describes.
    public init(config: NodeConfig) {
        self.init(
            nodeName: config.name, operatorNumber: config.operatorNumber, ownDomains: config.domains,
            localNetworks: config.localNetworks, listen: config.listen.smtp, storeDirectory: config.store,
            retryBase: config.timers.profile == .lab ? 0.5 : 1,
            nextHopPenalty: config.timers.profile == .lab ? .milliseconds(500) : .seconds(1),
            maximumMessageSize: Int(config.neighbours.map(\.contract.maxSize).max() ?? UInt32(10 * 1024 * 1024)),
            sourceHost: config.listen.smtp.isUnspecified ? nil : config.listen.smtp.host, deliverTo: config.deliverTo,
            transactionTimeout: config.timers.profile == .lab ? .seconds(5) : .seconds(60))
        setContracts(config.neighbours)
        region = config.region
        complaintRate = config.complaintRate
        refuseRegions = Set(config.refuseRegions)
        slowNextHops = SlowNextHops(limit: config.timers.slowNextHop, retryAfter: config.timers.slowNextHopRetry)
    }
}
