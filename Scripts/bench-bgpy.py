#!/usr/bin/env python3
"""bgpy-pkg (PyPI), a Python BGP simulator, on a CAIDA AS-relationship file: time and peak
memory to propagate K destinations (one ValidPrefix scenario each), for a side-by-side with
`mxgp sim --import-caida FILE --destinations K`.

Usage: Scripts/bench-bgpy.py FILE [K] [SEED]
  FILE  a CAIDA serial-2 file, e.g. from `mxgp sim --generate internet --nodes 75000 --export-caida FILE`
  K     destinations (default 100): origin ASes drawn with Python's random.Random(SEED)

Needs `pip install bgpy-pkg` (into a virtual environment: python3 -m venv /tmp/mxgp-bgpy-venv;
/tmp/mxgp-bgpy-venv/bin/pip install bgpy-pkg; run this script with that python). No network
once installed. bgpy's decision is plain BGP (Gao–Rexford preferences, shortest path, lowest
ASN), not mxgp's (prices), so routes are not compared, only time, memory and reachability.
"""
import random
import resource
import sys
import time

from bgpy.as_graphs import CAIDAASGraph
from bgpy.as_graphs.base import ASGraphInfo, CustomerProviderLink, PeerLink
from bgpy.simulation_engine import BGP, SimulationEngine
from bgpy.simulation_framework import ScenarioConfig, ValidPrefix


def main() -> None:
    path = sys.argv[1]
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    start = time.monotonic()
    cp, peers = set(), set()
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b, rel = line.strip().split("|")[:3]
            if rel == "-1":
                cp.add(CustomerProviderLink(customer_asn=int(b), provider_asn=int(a)))
            else:
                peers.add(PeerLink(int(a), int(b)))
    graph = CAIDAASGraph(ASGraphInfo(customer_provider_links=frozenset(cp), peer_links=frozenset(peers)))
    engine = SimulationEngine(graph)
    built = time.monotonic()
    asns = sorted(a.asn for a in graph)
    destinations = random.Random(seed).sample(asns, min(k, len(asns)))
    reachable = pairs = 0
    for asn in destinations:
        config = ScenarioConfig(ScenarioCls=ValidPrefix, BasePolicyCls=BGP, override_victim_asns=frozenset({asn}))
        scenario = ValidPrefix(scenario_config=config, engine=engine)
        engine.setup(scenario)
        engine.run(propagation_round=0, scenario=scenario)
        for as_obj in graph:
            if as_obj.asn == asn:
                continue
            pairs += 1
            reachable += 1 if len(as_obj.policy.local_rib) > 0 else 0
    done = time.monotonic()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"bgpy-pkg on {path}: {len(asns)} ASes, {len(cp)} customer–provider and {len(peers)} peer links; {len(destinations)} destinations")
    print(f"wall {done - start:.2f} s (graph {built - start:.2f} s, propagation {done - built:.2f} s, {(done - built) / max(1, len(destinations)):.3f} s per destination); "
          f"peak {peak / 2**20:.0f} MB; {reachable} of {pairs} pairs reachable")


if __name__ == "__main__":
    main()
