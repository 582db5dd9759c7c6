"""Benchmark: configscan corpus (many releases read as one) vs a same-work floor written by hand in DuckDB.

Two scenarios, each generated with DuckDB SQL into a temporary folder, then timed as child processes (peak
RSS: the larger of the child's own rusage and its whole process tree's, sampled, page workers included),
configscan and the floor interleaved ``--repeat`` times (best time kept):

* ``--releases R --rows N --dup D``: R network-audit releases by R camera owners in several states, N released
  rows of which D are copies of a search another release also holds (a national search in several owners'
  logs: same UUID, organisation, time, networks, Time Frame, reason and case). Releases are 1-3 monthly CSV
  files in the 13-column network-audit layout; every tenth release (rel % 10 == 3) is one Parquet file;
  two in twenty drop their IDs (rel % 20 == 6: no ID column; rel % 20 == 16: ID blank), so only the loose key
  (organisation + time + networks + Time Frame) can link them; in rel % 10 == 1 every copy (not the first)
  has its reason "[REDACTED]", to be recovered from another release. The manifest lists every file (no
  SHA-256: verification would add hashing to the run). Goal: whole run < 30 s at 40 releases, 20 M rows.
* ``--parquet-searches N``: one Parquet file in the national corpus's shape, one row per distinct search:
  ``id, searched_at, agency`` (the searcher), ``owner, owner_state`` (the camera owner), ``networks, reason,
  case_number``, read through a one-line manifest; configscan reads each row's owner and its state from the
  file's owner columns (6,466 owners, as in the national corpus). Goal: < 60 s, peak RSS < 2 GB.

The floor reads the rows, de-duplicates them by UUID per owner (rows without an ID by organisation, time,
networks and Time Frame), groups by owner, searching organisation and reason, and classifies the distinct
reasons by regular expression (audit_floors.py's F3 patterns), summed per owner, organisation and class.
configscan's own de-duplication tiers (corpus.json) are printed against what the generator planted.

Usage: python benchmarks/corpus.py --releases 40 --rows 20000000 --dup 0.3 [--repeat K] [--keep DIR]
       python benchmarks/corpus.py --parquet-searches 100000000 [--repeat K] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from audit import FEDERAL, IMMIGRATION, NAMES, REASONS, STATES, _isolated, _sql_list, compile_configscan

OWNER_STATES = ["CA", "OR", "WA", "IL", "TX", "CA", "AZ", "CO", "NV", "CA"]
TIME = "%m/%d/%Y, %I:%M:%S %p UTC"
NO_ID = "rel % 20 IN (6, 16)"  # releases whose rows carry no ID (column dropped, or blank)
REDACTING = "rel % 10 = 1"  # releases that redact the reason of every copy they hold
TIERS = ("rows", "searches", "linked_by_id", "linked_by_loose_key", "ambiguous_unlinked", "no_key",
         "reasons_recovered", "cases_recovered")


def _columns(distinct: float) -> str:
    """The searcher, networks, Time Frame, reason and case of search ``g`` (hashes h1..h3, time ``ts``): the
    same shapes as audit.py's generator; a copy of a search gets the same values, as they depend on g only."""
    orgs = [f"City{i} {STATES[i % len(STATES)]} PD" if i % 3 else f"County{i} County {STATES[i % len(STATES)]} SO"
            for i in range(3000)]
    return f"""
        CASE WHEN h1 % 1000 < 6 THEN {_sql_list(FEDERAL)}[1 + h2 % {len(FEDERAL)}]
             ELSE {_sql_list(orgs)}[1 + (h1 // 1000) % {len(orgs)}] END AS org,
        (20 + 3480 * pow((h3 % 1000) / 1000.0, 2.4))::INT AS networks,
        CASE WHEN h2 % 10 < 4 THEN strftime(ts - INTERVAL 7 DAY, '{TIME}') || chr(10) || strftime(ts, '{TIME}')
             END AS tf,
        CASE WHEN h3 % 100 < 3 THEN {_sql_list(IMMIGRATION)}[1 + h1 % {len(IMMIGRATION)}]
             WHEN (h1 // 7) % 10000 < {int(distinct * 10000)} THEN
                  {_sql_list(REASONS)}[1 + h2 % {len(REASONS)}] || ' ' || {_sql_list(NAMES)}[1 + h3 % 20] || ' '
                  || translate(substr(md5(g::VARCHAR), 1, 8), '0123456789', 'ghijklmnop')
             ELSE {_sql_list(REASONS)}[1 + h2 % {len(REASONS)}] END AS reason0,
        CASE WHEN h1 % 20 = 0 THEN '25-' || lpad((h2 % 999999)::VARCHAR, 6, '0') END AS case_no"""


_HASHES = """(hash(g) % 1000000007)::BIGINT AS h1, (hash(g * 31 + 7) % 1000000007)::BIGINT AS h2,
             (hash(g * 131 + 3) % 1000000007)::BIGINT AS h3"""


def _connect() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def generate_releases(root: Path, releases: int, rows: int, dup: float, distinct: float) -> None:
    """The release tree, root/manifest.csv, and root/planted.json (the tiers configscan should find)."""
    copies = round(dup * rows)
    searches, shared = rows - copies, -(-copies * 2 // 3)  # a third of the shared searches in 3 releases
    if shared > searches or releases < 4:
        raise SystemExit("--dup at most 0.6 and --releases at least 4")
    prime = next(p for p in (1_000_003, 1_000_033, 1_000_037) if math.gcd(p, searches) == 1)
    con = _connect()
    r = releases
    con.execute(f"""
        CREATE TABLE plan AS
        WITH c AS (SELECT g, 0 AS t FROM range({searches}) s(g)
                   UNION ALL SELECT c % {shared}, 1 + c // {shared} FROM range({copies}) s(c)),
        o AS (SELECT *, hash(g * 17 + 5) % {r} AS home, 1 + hash(g * 29 + 11) % {r - 1} AS o1,
                     hash(g * 37 + 13) % {r - 2} AS x FROM c)
        SELECT g, t, ((home + CASE t WHEN 0 THEN 0 WHEN 1 THEN o1 ELSE 1 + (o1 + x) % {r - 1} END) % {r})::INT
               AS rel FROM o""")
    con.execute(f"""
        CREATE VIEW released AS
        WITH b AS (SELECT *, {_HASHES}, TIMESTAMP '2025-01-01' + to_seconds(((g * {prime}) % {searches})
                                                                            * 31536000 // {searches}) AS ts
                   FROM plan),
        s AS (SELECT *, {_columns(distinct)} FROM b)
        SELECT rel, ((month(ts) - 1) * (1 + rel % 3) // 12)::INT AS part, g, t, reason0,
               CASE WHEN NOT {NO_ID} THEN md5('search' || g)::UUID::VARCHAR END AS "ID", '***' AS "Name",
               org AS "Org Name", networks AS "Total Networks Searched", tf AS "Time Frame",
               '***' AS "License Plate", CASE WHEN {REDACTING} AND t > 0 THEN '[REDACTED]' ELSE reason0 END
               AS "Reason", case_no AS "Case #", NULL::VARCHAR AS "Filters", ts AS "Search Time",
               CASE WHEN h2 % 3 = 0 THEN 'search' ELSE 'lookup' END AS "Search Type", NULL::VARCHAR AS "Text Prompt",
               NULL::VARCHAR AS "Moderation"
        FROM s""")
    csv = f"""* EXCLUDE (g, t, reason0) REPLACE (strftime("Search Time", '{TIME}') AS "Search Time")"""
    monthly = "FORMAT csv, HEADER true, PARTITION_BY (rel, part)"
    for folder, select, where, options in (
            ("csv", csv, "rel % 10 <> 3 AND rel % 20 <> 6", monthly),
            ("noid", csv.replace("(g,", '(g, "ID",'), "rel % 20 = 6", monthly),  # the ID column left out
            ("parquet", "* EXCLUDE (g, t, reason0, part)", "rel % 10 = 3", "FORMAT parquet, PARTITION_BY (rel)")):
        con.execute(f"COPY (SELECT {select} FROM released WHERE {where}) TO '{root / folder}' ({options})")
    planted = dict(zip(TIERS[:2], (rows, searches), strict=True))
    planted["linked_by_id"], planted["linked_by_loose_key"] = con.execute(f"""
        SELECT sum(CASE WHEN idc > 0 THEN idc - 1 ELSE 0 END), sum(CASE WHEN idc > 0 THEN nid ELSE nid - 1 END)
        FROM (SELECT count(*) FILTER (NOT {NO_ID}) AS idc, count(*) FILTER ({NO_ID}) AS nid FROM plan
              WHERE g < {shared} GROUP BY g)""").fetchone()
    planted |= {"ambiguous_unlinked": 0, "no_key": 0, "cases_recovered": 0, "reasons_recovered": con.execute(
        f"SELECT count(*) FROM released WHERE {REDACTING} AND t > 0 AND reason0 <> ''").fetchone()[0]}
    (root / "planted.json").write_text(json.dumps({k: int(v or 0) for k, v in planted.items()}))
    lines = ["release,path,agency,state,request_url,sha256"]
    for path in sorted(root.glob("*/rel=*/**/*.*")):
        rel = int(next(p for p in path.parts if p.startswith("rel=")).split("=")[1])
        state = OWNER_STATES[rel % len(OWNER_STATES)]
        lines.append(f"r{rel:02d},{path.relative_to(root)},Owner{rel} {state} Police Department,{state},,")
    (root / "manifest.csv").write_text("\n".join(lines) + "\n")


def generate_national(root: Path, searches: int, distinct: float) -> None:
    """root/national.parquet (the national corpus's columns), root/manifest.csv, root/planted.json."""
    con = _connect()
    con.execute(f"""
        COPY (WITH b AS (SELECT g, {_HASHES}, TIMESTAMP '2023-01-01' + to_seconds(g * 110000000 // {searches})
                                                                        AS ts FROM range({searches}) s(g)),
                   s AS (SELECT *, {_columns(distinct)}, (hash(g * 7 + 1) % 6466)::BIGINT AS owner_no FROM b)
              SELECT gen_random_uuid() AS id, ts AS searched_at, org AS agency,
                     'Owner' || owner_no || ' Police Department' AS owner,
                     {_sql_list(STATES)}[1 + owner_no % {len(STATES)}] AS owner_state, networks,
                     reason0 AS reason, case_no AS case_number FROM s)
        TO '{root / "national.parquet"}' (FORMAT parquet)""")
    planted = {"rows": searches, "searches": searches, "linked_by_id": 0, "linked_by_loose_key": 0,
               "ambiguous_unlinked": 0, "no_key": 0, "reasons_recovered": 0, "cases_recovered": 0}
    (root / "planted.json").write_text(json.dumps(planted))
    (root / "manifest.csv").write_text("release,path,agency,state,request_url,sha256\n"
                                       "national,national.parquet,National corpus,CA,,\n")


def floor(kind: str, where: str, memory: str = "1500MB") -> None:
    """The same work by hand in DuckDB (run as a child: ``corpus.py --floor KIND PATH [MEMORY]``). ``memory``: the
    engine's limit, configscan's unless given (at 100 M national searches the floor's grouping of every (owner,
    search) with its values runs out of 1.5 GB, which configscan's de-duplication does not)."""
    import audit_floors as f3

    con = _connect()
    spill = Path(where) if kind == "releases" else Path(where).parent
    # As configscan: its memory limit, and no insertion order kept for the groupings (configscan drops it after
    # its load; keeping it, 100 M national searches ran out of the 1.5 GB).
    con.execute(f"SET memory_limit = '{memory}'; SET temp_directory = '{spill}/floor-spill'; "
                "SET preserve_insertion_order = false")
    if kind == "releases":
        rows = f"""
            SELECT regexp_extract(filename, 'rel=(\\d+)', 1)::INT AS owner, "Org Name" AS org, "Reason" AS reason,
                   coalesce("ID", concat_ws('|', "Org Name", "Search Time", "Total Networks Searched",
                                            "Time Frame")) AS id
            FROM read_csv('{where}/*/rel=*/**/*.csv', union_by_name = true, filename = true, all_varchar = true)
            UNION ALL
            SELECT rel, "Org Name", "Reason", coalesce("ID", concat_ws('|', "Org Name", "Search Time",
                                                       "Total Networks Searched", "Time Frame"))
            FROM read_parquet('{where}/parquet/**/*.parquet', hive_partitioning = true)"""
    else:
        rows = f"SELECT owner, agency AS org, reason, id FROM read_parquet('{where}')"
    con.execute(f"""CREATE TEMP TABLE g AS SELECT owner, org, reason, count(*) AS n
                    FROM (SELECT owner, id, any_value(org) AS org, any_value(reason) AS reason FROM ({rows})
                          GROUP BY owner, id) GROUP BY ALL""")
    con.execute(f"""
        CREATE TEMP TABLE c AS SELECT reason, CASE
            WHEN regexp_matches(reason, {f3._lit(f3.IMMIGRATION)}) THEN 'immigration'
            WHEN regexp_matches(reason, {f3._lit(f3.VAGUE)}) THEN 'vague'
            WHEN regexp_matches(reason, {f3._lit(f3.OFFENSE)}) THEN 'offense' ELSE 'other' END AS category
        FROM (SELECT DISTINCT reason FROM g)""")
    print(len(con.execute("SELECT owner, org, category, sum(n) FROM g LEFT JOIN c USING (reason) GROUP BY ALL")
              .fetchall()))


def timed(argv: list[str], err: Path) -> tuple[float, int, int]:
    """audit.child, but stderr kept in ``err`` (configscan's summary line) and every exit code returned: audit.child
    takes exit 1 (findings) as success, which for the floor would hide a crashed interpreter.

    Peak memory is the larger of the child's own peak (rusage: the largest single process, not a sum) and the
    peak of the child's whole process tree sampled every 0.1 s (the corpus's page workers run beside it)."""
    with err.open("wb") as handle:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=handle)
        done, peak = threading.Event(), [0]

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, max(usage.ru_maxrss, peak[0]) // 1024, proc.returncode


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants now, in KiB (Linux ``/proc``; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # gone meanwhile
    return total


def bench(args: argparse.Namespace, national: bool, tmp: Path, title: str, goal_s: float, goal_mib: int | None,
          ) -> None:
    exe = str(Path(sys.executable).parent / "configscan")  # the configscan of this interpreter
    ours = [exe, "corpus", str(tmp / "manifest.csv"), "--out", str(tmp / "out")]
    target = str(tmp / "national.parquet") if national else str(tmp)
    floor_argv = [sys.executable, __file__, "--floor", "national" if national else "releases", target,
                  args.floor_memory]
    best: dict[str, tuple[float, int]] = {}
    code = 0
    for _ in range(args.repeat):
        seconds, rss, failed = timed(floor_argv, tmp / "floor.txt")
        print(f"  floor       {seconds:7.2f} s  peak RSS {rss:5d} MiB")
        if failed:
            raise SystemExit(f"the floor failed (exit {failed}):\n{(tmp / 'floor.txt').read_text()}")
        best["floor"] = min(best.get("floor", (seconds, rss)), (seconds, rss))
        seconds, rss, code = timed(ours, tmp / "stderr.txt")
        print(f"  configscan  {seconds:7.2f} s  peak RSS {rss:5d} MiB  exit {code}")
        best["configscan"] = min(best.get("configscan", (seconds, rss)), (seconds, rss))
        if code not in (0, 1):
            break
    said = (tmp / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip()
    print("\n" + title)
    print(f"configscan said (exit {code}):\n  " + "\n  ".join(said.splitlines()[-20:] or ["(nothing)"]))
    report = tmp / "out" / "corpus.json"
    if code not in (0, 1) or not report.exists():
        print("configscan corpus failed: no figures reported")
        return
    data = json.loads(report.read_text(encoding="utf-8"))
    planted = json.loads((tmp / "planted.json").read_text())
    found = data["deduplication"]
    wrong = [k for k in TIERS if planted[k] != found[k]]
    print("planted vs found: " + ", ".join(f"{k} {planted[k]:,}/{found[k]:,}" for k in TIERS))
    print("  " + (f"MISMATCH in {', '.join(wrong)}" if wrong else "all as planted"))
    if data["errors"] or data["skipped"]:
        print(f"  errors {data['errors'][:5]}, skipped {data['skipped'][:5]}")
    rows = planted["rows"]
    (ours_s, ours_rss), (floor_s, floor_rss) = best["configscan"], best["floor"]
    print(f"floor (DuckDB by hand): {floor_s:.2f} s = {rows / floor_s / 1e6:.2f} M rows/s; peak RSS {floor_rss} MiB")
    memory = f" (goal < {goal_mib})" if goal_mib else ""
    print(f"configscan corpus: {ours_s:.2f} s = {rows / ours_s / 1e6:.2f} M rows/s; {ours_s / floor_s:.2f}x the floor; "
          f"peak RSS {ours_rss} MiB{memory}; goal < {goal_s:.0f} s: {'met' if ours_s < goal_s else 'NOT met'}"
          + (f", memory {'met' if ours_rss < goal_mib else 'NOT met'}" if goal_mib else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, help="scenario 1: this many releases (one owner each)")
    parser.add_argument("--rows", type=int, default=20_000_000, help="scenario 1: released rows in all")
    parser.add_argument("--dup", type=float, default=0.3, help="scenario 1: share of rows that are copies")
    parser.add_argument("--parquet-searches", type=int, help="scenario 2: searches in the national Parquet file")
    parser.add_argument("--distinct", type=float, default=0.02, help="share of searches with a reason of their own")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated inputs and outputs here")
    parser.add_argument("--floor-memory", default="1500MB",
                        help="the floor's memory limit (configscan's 1500MB unless given; say so when quoting it)")
    parser.add_argument("--floor", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    compile_configscan()
    if args.floor:
        return floor(*args.floor)
    if not args.releases and not args.parquet_searches:
        parser.error("choose --releases N (scenario 1) or --parquet-searches N (scenario 2)")
    for scenario in ("releases", "parquet") if args.releases and args.parquet_searches else (
            ("releases",) if args.releases else ("parquet",)):
        tmp = Path(tempfile.mkdtemp(prefix="configscan-corpus-bench-"))
        try:
            started = time.perf_counter()
            if scenario == "releases":
                _isolated(generate_releases, tmp, args.releases, args.rows, args.dup, args.distinct)
                title = f"{args.releases} releases, {args.rows:,} rows, {args.dup:.0%} copies"
                goal = (30.0, None)
            else:
                _isolated(generate_national, tmp, args.parquet_searches, args.distinct)
                title = f"national Parquet, {args.parquet_searches:,} searches"
                goal = (60.0, 2048)
            files = [p for p in tmp.rglob("*.*") if p.suffix in (".csv", ".parquet") and p.name != "manifest.csv"]
            size = sum(p.stat().st_size for p in files)
            print(f"\n=== {title}: {len(files)} files, {size / 1e6:.0f} MB generated in "
                  f"{time.perf_counter() - started:.1f} s")
            bench(args, scenario == "parquet", tmp, title, *goal)
        finally:
            if args.keep:
                shutil.copytree(tmp, args.keep / scenario, dirs_exist_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
