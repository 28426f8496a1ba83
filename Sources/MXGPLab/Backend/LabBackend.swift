import MXGPTopology

/// What a node process is doing.
public enum NodeProcessState: String, Sendable, Hashable, Codable {
    case running, paused, stopped
}

/// A signal the lab sends to a node process.
public enum NodeSignal: String, Sendable, Hashable {
    /// SIGKILL: the node dies at once (`fault kill`).
    case kill
    /// SIGTERM: graceful shutdown.
    case terminate
    /// SIGSTOP: frozen, sockets open, nothing answered (`fault pause`).
    case pause
    /// SIGCONT: resumes a paused node.
    case resume
}

/// A lab runtime. Everything a lab does — faults, verify, status — is built on these few
/// methods, so each backend stays small.
public protocol LabBackend: Sendable {
    /// Which runtime this is.
    var kind: LabBackendKind { get }
    /// The `mxgp` executable as a command inside a node (for `send` and `ctl`).
    func nodeBinary(_ state: LabState) -> String
    /// Creates the lab's network and starts every node (does not wait for convergence).
    func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws
    /// Stops every node and removes everything `up` created.
    func down(_ plan: LabPlan) async throws
    /// Runs a command inside a node's namespace or container.
    func exec(_ plan: LabPlan, node: String, _ argv: [String], timeout: Duration) async -> CommandResult
    /// Sends a signal to a node's process.
    func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws
    /// Starts a node that is not running (after `kill`).
    func start(_ plan: LabPlan, node: String) async throws
    /// Whether a node's process runs, is paused or has stopped.
    func state(_ plan: LabPlan, node: String) async -> NodeProcessState
    /// One admin API request to a node (`GET /v1/routes`…): status and body.
    func admin(_ plan: LabPlan, node: String, method: String, path: String) async throws -> (status: Int, body: String)
    /// The host PID of a node's `mxgp node` process (for memory and descriptor counts), if it runs.
    func processID(_ plan: LabPlan, node: String) async -> Int32?
}

/// Errors of the lab commands: what happened and what to do next.
public struct LabError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
