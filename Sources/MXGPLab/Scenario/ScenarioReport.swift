import Foundation

/// The verdict of one step.
public struct StepResult: Sendable, Codable, Hashable {
    public enum Verdict: String, Sendable, Codable {
        case passed, failed, done
    }
    /// What a verdict of this step means: an expectation is part of the scenario's `story`
    /// (passed: the story held as written, which may be a harmful outcome the scenario shows);
    /// the delivery `check` is a guarantee of the relay (passed: nothing lost or duplicated).
    public enum Kind: String, Sendable, Codable {
        case story, check
    }
    public var index: Int
    public var line: Int
    public var step: String
    public var verdict: Verdict
    /// Seconds from the run's start to when the step began.
    public var at: Double
    /// Seconds the step took; for an expectation, how long until it held (e.g. the failover time).
    public var seconds: Double
    /// What was seen: the route found, messages counted, the error.
    public var detail: String
    /// Story or check (nil for actions: send, fault, heal, wait, pause, complain).
    public var kind: Kind? = nil
    /// For a story step: the harm it shows, which the scenario expects.
    public var harmful: String? = nil
}

/// A message the scenario submitted, and what became of it.
public struct MessageRecord: Sendable, Codable, Hashable {
    public var messageId: String
    public var send: String
    public var to: String
    /// The source relay's answer: accepted (250), deferred (4xx) or rejected (5xx).
    public var submitted: String
    /// Copies found in the destination mailbox at the check.
    public var copies: Int
    /// Hops of the first copy.
    public var hops: [String]
    /// When the first copy was stored in the mailbox (ISO 8601, as the node reports it); nil
    /// when none arrived (and in reports written before it was recorded).
    public var receivedAt: String? = nil
    /// Seconds from the run's start to when the first copy was stored; nil when none arrived.
    public var deliveredAt: Double? = nil
    /// Seconds from the source relay's 250 to the first copy's arrival in the mailbox (lab runs).
    public var delaySeconds: Double?
}

/// A fault, heal, send or complaint as it happened, for replay (`mxgp sim --replay`).
public struct ScheduleEntry: Sendable, Codable, Hashable {
    /// Seconds from the run's start.
    public var at: Double
    /// `fault`, `heal`, `send` or `complain`.
    public var action: String
    /// The fault applied or healed; nil for `heal all`.
    public var fault: LabFault?
    /// The send started.
    public var send: ScheduledSend?

    public init(at: Double, action: String, fault: LabFault? = nil, send: ScheduledSend? = nil) {
        self.at = at
        self.action = action
        self.fault = fault
        self.send = send
    }
}

/// A send step as the schedule records it.
public struct ScheduledSend: Sendable, Codable, Hashable {
    public var id: String
    public var from: String
    public var to: String
    public var count: Int
    public var rate: Double?

    public init(id: String, _ send: ScenarioSend) {
        self.id = id
        from = send.from
        to = send.to
        count = send.count
        rate = send.rate
    }
}

/// The outcome of `mxgp lab run`.
public struct ScenarioReport: Sendable, Codable {
    public var scenario: String
    public var description: String
    public var lab: String
    public var seed: UInt64
    public var startedAt: String
    public var seconds: Double
    public var steps: [StepResult]
    public var schedule: [ScheduleEntry]
    public var messages: [MessageRecord]
    /// Message-IDs accepted but never delivered (and not bounced), and delivered more than once.
    public var lost: [String]
    public var duplicated: [String]
    /// The routes of the watched domains (those of route expectations) each time they changed;
    /// nil in reports written before they were recorded.
    public var routeChanges: [RouteChange]? = nil
    /// The index of the final heal when the run stopped before it (`--stop-before-heal`): the
    /// steps from there on were not run and the lab keeps its faults.
    public var stoppedBefore: Int? = nil
    /// Messages still in the nodes' queues when the run ended (labs; nil in the simulator):
    /// "lost" mail that a relay still holds and may deliver later.
    public var queuedAtEnd: Int?
    public var passed: Bool { steps.allSatisfy { $0.verdict != .failed } }

    /// JSON, keys sorted.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        struct Output: Encodable {
            var report: ScenarioReport
            var passed: Bool
            func encode(to encoder: Encoder) throws {
                try report.encode(to: encoder)
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(passed, forKey: .passed)
            }
            enum Key: String, CodingKey { case passed }
        }
        return String(decoding: try encoder.encode(Output(report: self, passed: passed)), as: UTF8.self) + "\n"
    }

    /// JUnit XML: one test case per step.
    public var junit: String {
        JUnitXML.render(suite: "mxgp lab run \(scenario)", seconds: seconds, cases: steps.map { step in
            JUnitXML.Case(name: "\(step.index + 1). \(step.step)", className: "mxgp.scenario.\(scenario)", seconds: step.seconds,
                          failure: step.verdict == .failed ? step.detail : nil)
        })
    }
}
