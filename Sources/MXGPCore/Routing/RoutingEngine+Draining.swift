extension RoutingEngine {
    /// Marks (or unmarks) every route this node exports as DRAINING (PROTOCOL §5.9, §10.4):
    /// the node is overloaded and asks its neighbours to move new mail to healthy alternates,
    /// as BGP's GRACEFUL_SHUTDOWN community does (RFC 8326). Every Established neighbour gets
    /// its table re-exported at the next `flush()`; only the routes whose mark changed are sent.
    /// Returns false when the flag already had this value (nothing to send).
    @discardableResult
    public mutating func setDraining(_ on: Bool) -> Bool {
        guard draining != on else { return false }
        draining = on
        for index in neighbours.indices where neighbours[index].established && !neighbours[index].removed {
            neighbours[index].needsFullExport = true
        }
        return true
    }
}
