/// The address plan every lab backend shares: a /29 per link and a /32 service address per node.
///
/// Link `i` (0-based, in topology order) gets `10.77.x.y/29`; its `a` side is the third
/// address (`.2`), its `b` side the fourth (`.3`) — the second (`.1`) stays free because
/// Docker gives it to the network's gateway. Node `j` gets `10.78.x.y/32` on its loopback:
/// the SMTP endpoint it announces as NEXT_HOP, which each neighbour reaches through a host
/// route over their shared link. No address leaves the lab: nothing routes to the host.
public enum LabAddressing {
    /// Most links a lab may have (8192 /29s fit in 10.77.0.0/16).
    public static let maximumLinks = 8192
    /// Most nodes a lab may have.
    public static let maximumNodes = 250 * 250

    /// Address blocks container labs can take (block 0 is the default and every netns lab's).
    public static let blocks = 0...50

    /// The second octet of block `block`'s link addresses: 77 for block 0, `100 + block` after.
    static func linkOctet(_ block: Int) -> Int { block == 0 ? 77 : 100 + block }

    /// The /29 of link `index`, e.g. `10.77.0.8/29` for link 1 (block 0) or `10.101.0.8/29` (block 1).
    public static func linkSubnet(_ index: Int, block: Int = 0) -> String {
        let base = index * 8
        return "10.\(linkOctet(block)).\(base / 256).\(base % 256)/29"
    }

    /// The address of side `a` (`isA`) or `b` of link `index`, without prefix length.
    public static func linkAddress(_ index: Int, isA: Bool, block: Int = 0) -> String {
        let base = index * 8
        return "10.\(linkOctet(block)).\(base / 256).\(base % 256 + (isA ? 2 : 3))"
    }

    /// The /28 a Swarm overlay network of link `index` is created with (`10.76.x.y/28` for block
    /// 0, `10.(150+block).x.y/28` after). Docker hands out its addresses (tasks, load balancer,
    /// gateway) from it as it likes, so the planned link addresses live beside it, in
    /// ``linkSubnet(_:block:)``, added by each node's entrypoint.
    public static func carrierSubnet(_ index: Int, block: Int = 0) -> String {
        let base = index * 16
        return "10.\(block == 0 ? 76 : 150 + block).\(base / 256).\(base % 256)/28"
    }

    /// The loopback service address of node `index`, without prefix length.
    public static func serviceAddress(_ index: Int) -> String {
        "10.78.\(index / 250).\(index % 250 + 1)"
    }
}
