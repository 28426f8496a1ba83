/// What a finished command printed and how it ended.
public struct CommandResult: Sendable, Hashable {
    /// The exit status; 128+signal when a signal ended it; -1 when it could not start or timed out.
    public var status: Int32
    /// Standard output (at most the run's output limit).
    public var stdout: String
    /// Standard error (at most the run's output limit).
    public var stderr: String
    /// True when the command was stopped because it ran out of time.
    public var timedOut: Bool

    /// True for exit status 0.
    public var succeeded: Bool { status == 0 && !timedOut }

    /// A result as a command (or a test's fake) gives it.
    public init(status: Int32, stdout: String = "", stderr: String = "", timedOut: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }

    /// Standard error, or standard output when that is empty, trimmed — for error messages.
    public var message: String {
        let text = stderr.trimmingWhitespace()
        return text.isEmpty ? stdout.trimmingWhitespace() : text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
