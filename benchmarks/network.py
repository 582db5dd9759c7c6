"""National-size sharing network, and a 200-agency portfolio against a shell loop of single scans.

    python3 benchmarks/network.py            # graph + reach for 6,000 agencies, then the portfolio comparison
    python3 benchmarks/network.py --no-e2e   # the graph part only

Generator: 6,000 agencies in 50 states, 4,500 of them in national lookup, 200,000 1:1 links (random pairs,
direction random), 300 federal organisations linked to random agencies. Timed: building the graph
(classification included) and every agency's reach summary (``summary_of``: counts, no models; a report's
``Reach`` model is built only for the agencies whose reports are written). Peak memory is the process's max
RSS, generated inputs included.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from configscan.model import AgencyConfig
from configscan.network.graph import AgencyInput, build_network, node_id
from configscan.network.reach import summary_of
from configscan.partners import Classifier
from configscan.partners.g287 import load_roster
from configscan.states import STATE_NAMES

ROOT = Path(__file__).resolve().parent.parent
STATES = [s for s in STATE_NAMES if s not in ("PR", "GU", "VI", "AS", "MP", "DC")]
FEDERAL = ["U.S. Border Patrol", "Homeland Security Investigations", "Federal Bureau of Investigation",
           "Drug Enforcement Administration", "U.S. Marshals Service", "Customs and Border Protection"]


def generate(agencies: int = 6000, national: int = 4500, links: int = 200_000, federal: int = 300,
             seed: int = 7) -> list[AgencyInput]:
    rng = random.Random(seed)
    names = [(f"Town{i} {STATES[i % len(STATES)]} PD", STATES[i % len(STATES)]) for i in range(agencies)]
    feds = [f"{FEDERAL[i % len(FEDERAL)]} - Office {i}" for i in range(federal)]
    partners: list[list[dict[str, object]]] = [[] for _ in range(agencies)]
    for _ in range(links):
        a, b = rng.randrange(agencies), rng.randrange(agencies)
        if a != b:
            partners[a].append({"name": names[b][0], "state": names[b][1],
                                "direction": rng.choice(["outbound", "inbound", "both"]), "link": "1:1",
                                "status": "active"})
    for i, fed in enumerate(feds):
        partners[rng.randrange(agencies)].append({"name": fed, "org_type": "Federal", "direction": "outbound",
                                                  "link": "1:1", "status": "active", "i": i})
    in_national = set(rng.sample(range(agencies), national))
    out = []
    for i, (name, state) in enumerate(names):
        doc = {"format": "configscan/agency-config@1", "agency": {"name": name, "state": state},
               "sharing": {"national_lookup": i in in_national, "statewide_lookup": rng.random() < 0.5},
               "partners": partners[i]}
        out.append(AgencyInput(config=AgencyConfig.model_validate(doc), source=f"gen/{i}"))
    return out


def network_bench() -> dict[str, float]:
    """Wall and CPU seconds: on a shared machine the wall clock includes other processes' turns."""
    items = generate()
    wall, cpu = time.perf_counter(), time.process_time()
    network = build_network(items, Classifier(), load_roster())
    built, built_cpu = time.perf_counter() - wall, time.process_time() - cpu
    totals = 0
    for item in items:
        totals += summary_of(network, node_id(item.config)).total
    done, done_cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"graph_s": round(built, 2), "graph_cpu_s": round(built_cpu, 2), "graph_plus_reach_s": round(done, 2),
            "graph_plus_reach_cpu_s": round(done_cpu, 2), "edges": network.edge_count(), "peak_rss_mib": round(rss),
            "mean_reach": round(totals / len(items))}


def portfolio_bench(n: int = 200) -> dict[str, float]:
    examples = sorted(p for p in (ROOT / "examples").glob("*.json"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batch"
        folder.mkdir()
        for i in range(n):
            doc = json.loads(examples[i % len(examples)].read_text())
            doc["agency"]["name"] = f"Agency {i} Police Department"
            doc["agency"].pop("ori", None)
            (folder / f"a{i:03}.json").write_text(json.dumps(doc))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "configscan", "portfolio", str(folder), "--out", f"{tmp}/out", "-q"],
                       check=False)
        portfolio_s = time.perf_counter() - started
        loop = f'for f in {folder}/*.json; do {sys.executable} -m configscan scan "$f" --json {tmp}/r.json -q; done'
        started = time.perf_counter()
        subprocess.run(["bash", "-c", loop], check=False)
        loop_s = time.perf_counter() - started
        shutil.rmtree(folder)
    return {"agencies": n, "portfolio_s": round(portfolio_s, 1), "portfolio_agencies_per_s": round(n / portfolio_s, 1),
            "shell_loop_s": round(loop_s, 1), "shell_loop_agencies_per_s": round(n / loop_s, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-e2e", action="store_true")
    args = parser.parse_args()
    print(json.dumps(network_bench()))
    if not args.no_e2e:
        print(json.dumps(portfolio_bench()))


if __name__ == "__main__":
    main()
