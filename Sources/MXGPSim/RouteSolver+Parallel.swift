import Dispatch
import MXGPCore
import Synchronization

extension RouteSolver {
    /// Solves `destinations` on `workers` threads. Destinations are independent (each solve
    /// starts from an empty state and leaves it empty), so each worker, with a scratch of its
    /// own, takes the next destination nobody has taken yet (destinations differ in cost, so
    /// a fixed share would leave one worker waiting for the other), and the routes are put
    /// back in the order of `destinations`: the solution, work counters included, is the one
    /// ``solve(_:workers:)`` computes on one thread.
    public func solveInParallel(_ destinations: [DomainName], workers: Int) -> RouteSolution {
        let workers = max(1, min(workers, destinations.count))
        let results = Mutex<[(index: Int, routes: DestinationRoutes)]>([])
        let work = Mutex(SolverWork())
        let next = Atomic(0)
        let graph = self.graph
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var scratch = SolverScratch(graph: graph)
            var solved: [(index: Int, routes: DestinationRoutes)] = []
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < destinations.count else { break }
                solved.append((index, scratch.solve(destinations[index], graph: graph)))
            }
            results.withLock { $0 += solved }
            work.withLock { $0.add(scratch.work) }
        }
        let routes = results.withLock { $0.sorted { $0.index < $1.index }.map(\.routes) }
        return RouteSolution(graph: graph, destinations: destinations, routes: routes, work: work.withLock { $0 })
    }
}

extension SolverWork {
    /// Adds another solve's counters.
    mutating func add(_ other: SolverWork) {
        visits += other.visits
        exports += other.exports
        imports += other.imports
    }
}
