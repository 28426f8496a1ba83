import MXGPCore
import MXGPTopology

extension PeeringSettings {
    /// Settings for one node of a topology: its neighbours at the MXGP endpoints `mxgpAddress`
    /// gives, announcing `smtpEndpoint` as NEXT_HOP. Used by the lab and by tests.
    public static func forTopologyNode(
        _ name: String, in topology: Topology, mxgpAddress: (String) -> HostPort, smtpEndpoint: String,
        listen: HostPort?, holdTime: UInt16 = SessionConfiguration.labHoldTime, fastLivenessMilliseconds: UInt16? = nil,
        reconnect: ReconnectBackoff = .lab, tls: PeeringTLS? = nil
    ) -> PeeringSettings? {
        guard let node = topology.node(named: name) else { return nil }
        let local = topology.routingConfig(for: node, nextHop: smtpEndpoint)
        let neighbours = zip(topology.neighbours(of: name), topology.neighbourRoutingConfigs(of: name)).map { neighbour, routing in
            PeeringNeighbour(
                routing: routing,
                address: mxgpAddress(neighbour.node.name),
                session: SessionConfiguration(
                    localOperator: node.operatorNumber, nodeName: node.name, nodeRole: node.role, region: node.region,
                    neighbourOperator: neighbour.node.operatorNumber, neighbourRelationship: neighbour.relationship,
                    holdTime: holdTime, fastLivenessMilliseconds: fastLivenessMilliseconds, reconnect: reconnect))
        }
        return PeeringSettings(local: local, neighbours: neighbours, listen: listen, tls: tls, overload: node.overload)
    }
}
