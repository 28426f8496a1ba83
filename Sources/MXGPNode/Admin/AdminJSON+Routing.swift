import MXGPAdminAPI
import MXGPCore

extension AdminRoute {
    /// A best route with its alternates (`includeAlternates`) or one alternate without.
    public init(_ view: RouteView, includeAlternates: Bool = true) {
        self.init(
            nextHop: view.nextHop, path: view.path, price: view.price, localPref: view.localPreference,
            reason: view.reason.rawValue, validation: view.validation?.rawValue,
            alternates: includeAlternates ? view.alternates.map { AdminRoute($0, includeAlternates: false) } : nil,
            draining: view.draining ? true : nil)
        chargeback = view.chargeback > 0 ? view.chargeback : nil
        refuses = view.refusesRegions.isEmpty ? nil : view.refusesRegions.map(\.code)
    }
}

extension AdminRefusedRoute {
    /// The JSON of an engine's ineligible route.
    public init(_ route: IneligibleRoute) {
        self.init(domain: route.domain.text, neighbour: route.neighbour, path: route.path)
    }
}
