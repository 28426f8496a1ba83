/// One neighbour's contract as the data plane enforces it (DESIGN §4).
public struct MailContract: Sendable, Hashable {
    /// Most messages per minute accepted from the neighbour; 0: no limit. Above it: 421 4.7.0.
    public var rateLimit: Int
    /// Largest message accepted from the neighbour, in bytes. Above it: 552 5.3.4.
    public var maxSize: Int
    /// Booked against the neighbour per spam complaint on mail it handed over.
    public var chargeback: Int

    public init(rateLimit: Int = 0, maxSize: Int = 10 * 1024 * 1024, chargeback: Int = 0) {
        self.rateLimit = rateLimit
        self.maxSize = maxSize
        self.chargeback = chargeback
    }
}
