import MXGPCore
import Testing
@testable import MXGPTopology

/// Contracts by country, refused destinations and the complaint rate, read from topologies and
/// node configs, written back, and turned into the routing engine's view.
@Suite struct ContractYAMLTests {
    static let yaml = """
        name: c
        nodes:
          up1:  { role: upstream, operator: 100, region: DE, refuse-destinations: [RU] }
          up2:  { role: upstream, operator: 200, region: US }
          colo: { role: colo, operator: 64501, region: US, domains: [colo.example], countries: [US, CA], expected-complaint-rate: 2%, complaint-rate-weight: 50 }
        links:
          - { a: colo, b: up1, price: { DE: 1, FR: 2 }, chargeback: 30 }
          - { a: colo, b: up2, price: { DE: 6, "*": 4 }, covers: [DE, US] }
          - { a: up1, b: up2, relationship: peer }
        """

    @Test func topologyTermsAndTheirRoundTrip() throws {
        let topology = try TopologyParser.parse(yaml: Self.yaml, file: "c.yaml").topology
        let de = Country("DE")!, fr = Country("FR")!, us = Country("US")!
        #expect(topology.links[0].price == 0)
        #expect(topology.links[0].coverage == ContractCoverage(covers: [de, fr], prices: [de: 1, fr: 2]))
        #expect(topology.links[1].price == 4)
        #expect(topology.links[1].coverage == ContractCoverage(covers: [de, us], prices: [de: 6]))
        let colo = try #require(topology.node(named: "colo"))
        #expect(colo.complaintRate == ComplaintRateSettings(prior: 0.02, weight: 50))
        #expect(colo.domainCountries == [us, Country("CA")!])
        #expect(topology.node(named: "up1")?.refuseDestinations == [Country("RU")!])
        // Countries turn the lab's registry on, with each domain's countries.
        #expect(topology.originValidation != nil)
        #expect(topology.originRegistry?.countries(of: DomainName("colo.example")!) == [Country("CA")!, us])
        // The engine's view: the provider side holds the terms toward its customer.
        let up2 = topology.neighbourRoutingConfigs(of: "up2").first { $0.name == "colo" }
        #expect(up2?.exportPrice(countries: [de]) == 6 && up2?.exportPrice(countries: [us]) == 4 && up2?.exportPrice(countries: [fr]) == nil)
        #expect(topology.neighbourRoutingConfigs(of: "up1").first { $0.name == "colo" }?.chargeback == 30)
        #expect(topology.routingConfig(for: colo, nextHop: "colo:25").complaintRatePPM == 20_000)
        // Written and read back: the same topology.
        let again = try TopologyParser.parse(yaml: topology.yamlText, file: "again.yaml").topology
        #expect(again.links.map { [$0.a, $0.b, "\($0.price)", "\($0.chargeback)"] } == topology.links.map { [$0.a, $0.b, "\($0.price)", "\($0.chargeback)"] })
        #expect(again.links.map(\.coverage) == topology.links.map(\.coverage))
        #expect(again.nodes.map(\.complaintRate) == topology.nodes.map(\.complaintRate))
        #expect(again.nodes.map(\.refuseDestinations) == topology.nodes.map(\.refuseDestinations))
        #expect(again.nodes.map(\.countries) == topology.nodes.map(\.countries))
    }

    @Test func nodeConfigContractsByCountry() throws {
        let yaml = """
            name: up1
            operator: 100
            region: DE
            role: upstream
            smtp-endpoint: 192.0.2.1:25
            refuse-destinations: [RU]
            expected-complaint-rate: 0.01
            neighbours:
              - { name: colo, operator: 64501, relationship: customer, contract: { price: { DE: 1, "*": 3 }, covers: [DE, US], chargeback: 20 } }
            """
        let config = try NodeConfigParser.parse(yaml: yaml, file: "up1.yaml").config
        let contract = try #require(config.neighbours.first?.contract)
        #expect(contract.price == 3 && contract.chargeback == 20)
        #expect(contract.coverage == ContractCoverage(covers: [Country("DE")!, Country("US")!], prices: [Country("DE")!: 1]))
        #expect(config.refuseDestinations == [Country("RU")!] && config.complaintRate.prior == 0.01)
        #expect(config.routingConfig.refuseDestinations == [Country("RU")!])
        #expect(config.neighbourRoutingConfigs.first?.coverage == contract.coverage)
        // Written and read back.
        let again = try NodeConfigParser.parse(yaml: config.yamlText, file: "again.yaml").config
        #expect(again.neighbours.first?.contract == contract)
        #expect(again.refuseDestinations == config.refuseDestinations && again.complaintRate == config.complaintRate)
    }

    /// The policy match's old name still works, with a warning that names the new one.
    @Test func originRegionIsTheOldNameOfDestinationRegion() throws {
        let yaml = """
            name: p
            nodes:
              up1:  { role: upstream, operator: 100, region: US }
              colo: { role: colo, operator: 64501, region: US, domains: [c.example], policy: { import: [ { match: { origin-region: RU }, action: reject } ] } }
            links:
              - { a: colo, b: up1 }
            """
        let result = try TopologyParser.parse(yaml: yaml, file: "p.yaml")
        #expect(result.warnings.contains { $0.message.contains("old name of destination-region") && $0.line == 4 })
        #expect(result.topology.node(named: "colo")?.policy.importPolicy.rules.first?.match.originRegion == Region("RU"))
    }
}
