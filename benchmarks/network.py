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
import os
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


STATES_E2E = ["CA", "IL", "OR", "WA", "TX", "FL", "AZ", "NY", "CO", "VA"]


def varied_batch(folder: Path, n: int) -> None:
    """The bundled examples varied: names, states, national lookup, a 1:1 link to the next agency (direction
    rotating) and every fifth agency a sheriff's office, so the batch's network has links across it."""
    examples = sorted(p for p in (ROOT / "examples").glob("*.json"))
    folder.mkdir(parents=True)
    names = [f"Town{i} {'County Sheriff' + chr(39) + 's Office' if i % 5 == 4 else 'Police Department'}"
             for i in range(n)]
    for i in range(n):
        doc = json.loads(examples[i % len(examples)].read_text())
        state = STATES_E2E[i % len(STATES_E2E)]
        doc["agency"].update(name=names[i], state=state, locality=f"Town{i}")
        doc["agency"].pop("ori", None)
        doc["sharing"]["national_lookup"] = i % 4 == 0
        nxt = (i + 1) % n
        doc["partners"] = [*doc.get("partners", []), {"name": names[nxt], "state": STATES_E2E[nxt % len(STATES_E2E)],
                                                      "direction": ("outbound", "inbound", "both")[i % 3],
                                                      "link": "1:1", "status": "active"}]
        (folder / f"a{i:03}.json").write_text(json.dumps(doc))


def portfolio_bench(n: int = 200, repeat: int = 3) -> dict[str, object]:
    """The portfolio (best of ``repeat``, default workers) and a shell loop of single scans, in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batch"
        varied_batch(folder, n)
        runs = []
        for r in range(repeat):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "configscan", "portfolio", str(folder), "--out",
                                   f"{tmp}/out{r}", "-q"], check=False)
            runs.append(round(time.perf_counter() - started, 1))
            if done.returncode not in (0, 1):
                raise SystemExit(f"portfolio exited {done.returncode}")
        loop = f'for f in {folder}/*.json; do {sys.executable} -m configscan scan "$f" --json {tmp}/r.json -q; done'
        started = time.perf_counter()
        subprocess.run(["bash", "-c", loop], check=False)
        loop_s = time.perf_counter() - started
        shutil.rmtree(folder)
    best = min(runs)
    return {"agencies": n, "portfolio_runs_s": runs, "portfolio_s": best,
            "portfolio_agencies_per_s": round(n / best, 1), "shell_loop_s": round(loop_s, 1),
            "shell_loop_agencies_per_s": round(n / loop_s, 2), "speedup": round(loop_s / best, 1),
            "load_average": [round(x, 1) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-e2e", action="store_true")
    args = parser.parse_args()
    print(json.dumps(network_bench()))
    if not args.no_e2e:
        print(json.dumps(portfolio_bench()))


if __name__ == "__main__":
    main()
