import Foundation
import MXGPCore

/// The JSON bodies of the admin API (`/v1/...`). The API encodes them and `mxgp ctl` decodes
/// them, so both sides share these types. Keys are sorted and output is pretty printed, so
/// `mxgp ctl … --json` can print a body as it came.
public enum AdminJSON {
    /// Encodes `value` as the API and `mxgp ctl --json` print it: sorted keys, pretty printed,
    /// no escaped slashes, a trailing newline.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Decodes a body the API returned.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// Why the data-plane endpoints are empty for now.
    public static let dataPlaneMissing = "the mail data plane has not landed yet"
}

/// A route in the shape of DESIGN §8 (the same keys as `mxgp sim --json`), plus ranked
/// alternates on best routes: `{"nextHop": "up1", "path": [100, 1], "price": 3,
/// "localPref": 100, "reason": "price", "alternates": [ROUTE…]}`. `nextHop` is null for an
/// own domain. Alternates carry no `alternates` key; their `reason` is the decision step
/// that ranked the best route above them. On a node with an origin registry every route also
/// has `"validation": "valid" | "invalid" | "notFound"` (absent without a registry). On the
/// answer of `GET /v1/routes/{domain}` the best route and each alternate also carry
/// `"usability"` (``AdminRouteUsability``): whether the data plane would send to that next
/// hop now (absent elsewhere, and from older nodes). A route that carries DRAINING (PROTOCOL
/// §5.9) has `"draining": true` (absent otherwise).
public struct AdminRoute: Codable, Sendable, Hashable {
    /// The neighbour mail goes to; nil for an own domain (written as an explicit null).
    public var nextHop: String?
    /// The operator path as received: next hop's operator first, origin last.
    public var path: [OperatorNumber]
    /// The per-message price of the route.
    public var price: UInt32
    /// The local preference the route got.
    public var localPref: UInt32
    /// The decision step that chose it (best route) or ranked the best above it (alternate).
    public var reason: String
    /// Origin validation (`valid`, `invalid`, `notFound`); nil when the node has no registry.
    public var validation: String?
    /// The other eligible routes, in rank order; only on best routes.
    public var alternates: [AdminRoute]?
    /// Whether the data plane would use the route's next hop now; only on single-domain lookups.
    public var usability: AdminRouteUsability?
    /// True when the route carries DRAINING (its path crosses an overloaded node); absent otherwise.
    public var draining: Bool?
    /// The route's CHARGEBACK per complaint; absent when 0.
    public var chargeback: UInt32?
    /// The route's REGION_POLICY: regions whose mail its path refuses; absent when none.
    public var refuses: [String]?

    /// A route with every field given.
    public init(
        nextHop: String?, path: [OperatorNumber], price: UInt32, localPref: UInt32, reason: String, validation: String? = nil,
        alternates: [AdminRoute]? = nil, usability: AdminRouteUsability? = nil, draining: Bool? = nil
    ) {
        self.draining = draining
        self.usability = usability
        self.validation = validation
        self.nextHop = nextHop
        self.path = path
        self.price = price
        self.localPref = localPref
        self.reason = reason
        self.alternates = alternates
    }

    enum CodingKeys: String, CodingKey { case nextHop, path, price, localPref, reason, validation, alternates, usability, draining, chargeback, refuses }

    /// Encodes `nextHop` as an explicit null for own domains.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nextHop, forKey: .nextHop)  // explicit null for own domains
        try c.encode(path, forKey: .path)
        try c.encode(price, forKey: .price)
        try c.encode(localPref, forKey: .localPref)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(validation, forKey: .validation)
        try c.encodeIfPresent(alternates, forKey: .alternates)
        try c.encodeIfPresent(usability, forKey: .usability)
        try c.encodeIfPresent(draining, forKey: .draining)
        try c.encodeIfPresent(chargeback, forKey: .chargeback)
        try c.encodeIfPresent(refuses, forKey: .refuses)
    }
}

/// `GET /v1/routes`: `{"routes": {"<domain>": ROUTE}}` (DESIGN §8, with alternates), plus
/// `"originInvalid": [{"domain", "neighbour", "path"}]` — the received routes refused because
/// their origin is not authorised — when there are any.
public struct AdminRoutes: Codable, Sendable, Hashable {
    /// The best route per domain.
    public var routes: [String: AdminRoute]
    /// Received routes refused by origin validation; nil (absent) when there are none.
    public var originInvalid: [AdminRefusedRoute]?
    /// The body with these routes.
    public init(routes: [String: AdminRoute], originInvalid: [AdminRefusedRoute]? = nil) {
        self.routes = routes
        self.originInvalid = originInvalid
    }
}

/// A received route the node refused: `{"domain": "alice.example", "neighbour": "evil", "path": [666]}`.
public struct AdminRefusedRoute: Codable, Sendable, Hashable {
    /// The domain the route was for.
    public var domain: String
    /// The neighbour that sent it.
    public var neighbour: String
    /// Its operator path, as received.
    public var path: [OperatorNumber]

    /// A refused route with every field given.
    public init(domain: String, neighbour: String, path: [OperatorNumber]) {
        self.domain = domain
        self.neighbour = neighbour
        self.path = path
    }
}

/// `GET /v1/routes/{domain}`: the route mail for `domain` follows and the suffix it matched.
public struct AdminLookup: Codable, Sendable, Hashable {
    /// The domain asked about, normalised.
    public var domain: String
    /// The longest label-wise suffix that has a route (`.` for the default route).
    public var matched: String
    /// The route itself.
    public var route: AdminRoute
    /// The answer for `domain`.
    public init(domain: String, matched: String, route: AdminRoute) {
        self.domain = domain
        self.matched = matched
        self.route = route
    }
}

/// `GET /v1/peers`: `{"peers": [PEER…]}`. Optional fields (`uptimeSeconds`, `lastError`)
/// are written as explicit nulls.
public struct AdminPeers: Codable, Sendable, Hashable {
    /// Every configured neighbour's session.
    public var peers: [PeerStatus]
    /// The body with these peers.
    public init(peers: [PeerStatus]) { self.peers = peers }

    enum CodingKeys: String, CodingKey { case peers }

    /// Encodes the peers with their optional fields as explicit nulls.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(peers.map(PeerJSON.init), forKey: .peers)
    }

    /// One peer with nulls kept.
    struct PeerJSON: Encodable {
        var peer: PeerStatus
        init(_ peer: PeerStatus) { self.peer = peer }

        enum Keys: String, CodingKey {
            case name, operatorNumber, address, relationship, state, uptimeSeconds, messagesIn, messagesOut
            case updatesIn, updatesOut, routesReceived, routesAccepted, lastError, tls
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(peer.name, forKey: .name)
            try c.encode(peer.operatorNumber, forKey: .operatorNumber)
            try c.encode(peer.address, forKey: .address)
            try c.encode(peer.relationship, forKey: .relationship)
            try c.encode(peer.state, forKey: .state)
            try c.encode(peer.uptimeSeconds, forKey: .uptimeSeconds)
            try c.encode(peer.messagesIn, forKey: .messagesIn)
            try c.encode(peer.messagesOut, forKey: .messagesOut)
            try c.encode(peer.updatesIn, forKey: .updatesIn)
            try c.encode(peer.updatesOut, forKey: .updatesOut)
            try c.encode(peer.routesReceived, forKey: .routesReceived)
            try c.encode(peer.routesAccepted, forKey: .routesAccepted)
            try c.encode(peer.lastError, forKey: .lastError)
            try c.encode(peer.tls, forKey: .tls)
        }
    }
}

/// An error body: `{"error": "what happened and what to do"}`.
public struct AdminErrorBody: Codable, Sendable, Hashable {
    /// What went wrong and what to do.
    public var error: String
    /// An error body saying `error`.
    public init(error: String) { self.error = error }
}

/// The answer to a POST action: `{"ok": true, "message": "..."}`.
public struct AdminActionResult: Codable, Sendable, Hashable {
    /// True when the action was carried out.
    public var ok: Bool
    /// What was done, for people.
    public var message: String
    /// The answer to an action.
    public init(ok: Bool = true, message: String) {
        self.ok = ok
        self.message = message
    }
}

// MARK: Data plane (empty until it lands)

/// One message waiting in the outbound queue.
public struct AdminQueueEntry: Codable, Sendable, Hashable {
    /// The queue id.
    public var id: String
    /// The message's Message-ID.
    public var messageId: String
    /// The envelope sender.
    public var from: String
    /// The recipients still waiting.
    public var to: [String]
    /// The neighbour the next attempt goes to; nil while no route is known.
    public var nextHop: String?
    /// Delivery attempts so far.
    public var attempts: Int
    /// ISO 8601 time of the next attempt.
    public var nextAttemptAt: String?
    /// Why the last attempt failed, if one did.
    public var lastError: String?

    /// A value with every field given.
    public init(id: String, messageId: String, from: String, to: [String], nextHop: String?, attempts: Int, nextAttemptAt: String?, lastError: String?) {
        self.id = id
        self.messageId = messageId
        self.from = from
        self.to = to
        self.nextHop = nextHop
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// `GET /v1/queue`: `{"available": false, "reason": "...", "queue": []}` until the data plane lands.
public struct AdminQueue: Codable, Sendable, Hashable {
    /// False while the node has no mail data plane; `reason` then says why.
    public var available: Bool
    /// Why the queue is not available, when it is not.
    public var reason: String?
    /// The waiting messages.
    public var queue: [AdminQueueEntry]
    /// The body with these entries.
    public init(available: Bool, reason: String?, queue: [AdminQueueEntry]) {
        self.available = available
        self.reason = reason
        self.queue = queue
    }
}

/// A message in a local mailbox (DESIGN §8).
public struct AdminMailboxMessage: Codable, Sendable, Hashable {
    /// The Message-ID.
    public var messageId: String
    /// The envelope sender.
    public var from: String
    /// The recipient (the mailbox's address).
    public var to: String
    /// The Subject header.
    public var subject: String
    /// ISO 8601 time the receiving node stored the message.
    public var receivedAt: String
    /// Node names in the order the message crossed them, first relay first, the receiving node last.
    public var hops: [String]

    /// A value with every field given.
    public init(messageId: String, from: String, to: String, subject: String, receivedAt: String, hops: [String]) {
        self.messageId = messageId
        self.from = from
        self.to = to
        self.subject = subject
        self.receivedAt = receivedAt
        self.hops = hops
    }
}

/// `GET /v1/mailbox/{address}`: `{"address": ..., "available": false, "reason": "...", "messages": []}`.
public struct AdminMailbox: Codable, Sendable, Hashable {
    /// The mailbox asked about.
    public var address: String
    /// False while the node has no mail data plane; `reason` then says why.
    public var available: Bool
    /// Why the mailbox is not available, when it is not.
    public var reason: String?
    /// The messages, oldest first.
    public var messages: [AdminMailboxMessage]
    /// The body for `address` with these messages.
    public init(address: String, available: Bool, reason: String?, messages: [AdminMailboxMessage]) {
        self.address = address
        self.available = available
        self.reason = reason
        self.messages = messages
    }
}

/// One neighbour's account in the ledger (DESIGN §4).
public struct AdminLedgerEntry: Codable, Sendable, Hashable {
    /// The neighbour the account is with.
    public var neighbour: String
    /// Messages received from the neighbour.
    public var messagesIn: Int
    /// Messages sent to the neighbour.
    public var messagesOut: Int
    /// Bytes received from the neighbour.
    public var bytesIn: Int
    /// Bytes sent to the neighbour.
    public var bytesOut: Int
    /// Money this node owes the neighbour, and has earned from it, in the contract's unit.
    public var owed: Int
    /// Money this node has earned from the neighbour.
    public var earned: Int
    /// Chargebacks booked against the neighbour for spam complaints, and how many complaints.
    public var chargebacks: Int
    /// How many spam complaints were booked against the neighbour.
    public var complaints: Int
    /// Chargebacks this node owes the neighbour for complaints about mail it handed over (payable).
    public var chargebacksPayable: Int
    /// How many such complaints came back through the neighbour.
    public var complaintsPayable: Int

    /// A value with every field given.
    public init(
        neighbour: String, messagesIn: Int, messagesOut: Int, bytesIn: Int, bytesOut: Int, owed: Int, earned: Int, chargebacks: Int, complaints: Int,
        chargebacksPayable: Int = 0, complaintsPayable: Int = 0
    ) {
        self.chargebacksPayable = chargebacksPayable
        self.complaintsPayable = complaintsPayable
        self.neighbour = neighbour
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.owed = owed
        self.earned = earned
        self.chargebacks = chargebacks
        self.complaints = complaints
    }

    enum CodingKeys: String, CodingKey {
        case neighbour, messagesIn, messagesOut, bytesIn, bytesOut, owed, earned, chargebacks, complaints, chargebacksPayable, complaintsPayable
    }

    /// Decodes an entry; the payable fields are 0 when a node older than them leaves them out.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            neighbour: try c.decode(String.self, forKey: .neighbour), messagesIn: try c.decode(Int.self, forKey: .messagesIn),
            messagesOut: try c.decode(Int.self, forKey: .messagesOut), bytesIn: try c.decode(Int.self, forKey: .bytesIn),
            bytesOut: try c.decode(Int.self, forKey: .bytesOut), owed: try c.decode(Int.self, forKey: .owed),
            earned: try c.decode(Int.self, forKey: .earned), chargebacks: try c.decode(Int.self, forKey: .chargebacks),
            complaints: try c.decode(Int.self, forKey: .complaints),
            chargebacksPayable: try c.decodeIfPresent(Int.self, forKey: .chargebacksPayable) ?? 0,
            complaintsPayable: try c.decodeIfPresent(Int.self, forKey: .complaintsPayable) ?? 0)
    }
}

/// `GET /v1/ledger`: `{"available": false, "reason": "...", "ledger": []}` until the data plane lands.
public struct AdminLedger: Codable, Sendable, Hashable {
    /// False while the node has no mail data plane; `reason` then says why.
    public var available: Bool
    /// Why the ledger is not available, when it is not.
    public var reason: String?
    /// One account per neighbour.
    public var ledger: [AdminLedgerEntry]
    /// The body with these accounts.
    public init(available: Bool, reason: String?, ledger: [AdminLedgerEntry]) {
        self.available = available
        self.reason = reason
        self.ledger = ledger
    }
}

/// `GET /v1/faults`: the lab's protocol faults now set on this node.
public struct AdminFaults: Codable, Sendable, Hashable {
    /// Share of recipients answered 421 (0 when off).
    public var smtpTempfailPercent: Int
    /// The faults now set.
    public init(smtpTempfailPercent: Int) { self.smtpTempfailPercent = smtpTempfailPercent }
}
