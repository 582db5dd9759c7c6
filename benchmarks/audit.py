"""Benchmark: configscan's audit end to end vs three same-work floors vs a straightforward pandas script.

Generates a synthetic 13-column Flock network-audit log (N rows, default 5,000,000) per reason cardinality
(``--distinct 0.02,0.2,0.96``: the share of rows whose reason is a text no other row has, as when case numbers
and names are typed into the reason; released logs range from 4 % to 96 %), then times, in one run on the
same file, each as a child process (so peak RSS is per child):

* configscan audit, end to end: reading, classification, findings and the JSON + HTML reports (the
  headline figure), and the same run also writing the opt-in evidence CSV (reported separately);
* the floors, each the work a SQL expert would write by hand in DuckDB:
  F1 = bare read + count per organisation;
  F2 = read the four columns the audit needs + group by organisation, reason and month;
  F3 = F2 + a regular-expression classification of the distinct reasons joined back (per organisation and
  category); and F1 with polars scan_csv when polars is installed;
* pandas: the same work as F3, written the straightforward pandas way.

``--files N`` also splits the log into N monthly files (how large releases arrive) and times configscan and
F3 on the folder, where searches are de-duplicated by ID across files.

Floors and configscan run ``--repeat`` times interleaved (best time kept): the machine is shared.
Usage: python benchmarks/audit.py [--rows N] [--distinct 0.02,0.2] [--repeat K] [--files N] [--keep DIR]
       [--skip-pandas] [--flock-flag PATH] [--profile DIR]
Needs the ``bench`` extra (pandas, polars) for the pandas baseline and the polars floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FEDERAL = ["[Federal] Federal Bureau of Investigation (FBI)", "U.S. Border Patrol", "[Federal] USPIS",
           "Homeland Security Investigations - Seattle", "[Federal] National Park Service - Natchez Trace",
           "[Federal] ATF Louisville Field Division", "CBP Office of Field Operations"]
STATES = ["CA"] * 12 + ["OR", "WA", "NV", "AZ", "TX", "ID", "UT", "CO", "NM", "OK", "FL", "GA", "IL", "OH"]
REASONS = [
    "Motor Vehicle Theft/Stolen", "Larceny/Theft Offenses", "Burglary/Breaking & Entering", "Drugs/Narcotics",
    "Wanted Person (Arrest Warrant/Fugitive)", "Assault/Battery Offenses", "Robbery", "Hit and Run/Car Accident",
    "Missing/Endangered Person/Runaway", "Stolen Property Offenses", "Weapons Offense (Guns/Shots Fired)",
    "stolen vehicle", "UUV", "Property Crime", "Person Crime", "Suspicious Vehicle", "homicide", "Welfare Check",
    "investigation", "inv", "Investigation", "Other - Not Applicable", "Daytime search for best result", "",
    "police assist", "Rice St burglary", "notice to vacate", "service of warrant", "Device theft", "Price St",
    "ice rink vandalism", "obstruction of justice", "office burglary",
]
IMMIGRATION = ["ICE", "ICE+ERO", "HSI", "immigration", "assist Border Patrol", "ICE WARRANT", "CBP request",
               "Immigration (civil/administrative)", "287(g)", "deportation"]


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


NAMES = ["garcia", "smith", "nguyen", "johnson", "lopez", "williams", "brown", "martinez", "lee", "davis",
         "rodriguez", "miller", "wilson", "anderson", "taylor", "thomas", "hernandez", "moore", "jackson", "white"]


def generate(path: Path, rows: int, distinct: float = 0.02) -> None:
    """Write the synthetic log with DuckDB (seconds, not minutes, for millions of rows).

    ``distinct`` of the rows get a reason no other row has: an offense or a vague word followed by a name and
    a letters-only tag (no digit runs, so no case-number normalisation can fold them together); 3 % are
    immigration reasons and the rest come from the list of common reasons."""
    import duckdb

    orgs = [f"City{i} {STATES[i % len(STATES)]} PD" if i % 3 else f"County{i} County {STATES[i % len(STATES)]} SO"
            for i in range(3000)] + FEDERAL + ["***"]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""
        COPY (
        WITH base AS (
            SELECT g, (hash(g) % 1000000007)::BIGINT AS h1, (hash(g * 31 + 7) % 1000000007)::BIGINT AS h2,
                   (hash(g * 131 + 3) % 1000000007)::BIGINT AS h3,
                   TIMESTAMP '2025-01-01' + to_seconds((g * 31536000 // {rows})::BIGINT) AS ts
            FROM range({rows}) t(g))
        SELECT uuid()::VARCHAR AS "ID", '***' AS "Name",
               CASE WHEN h1 % 1000 < 6 THEN {_sql_list(FEDERAL)}[1 + h2 % {len(FEDERAL)}]
                    ELSE {_sql_list(orgs)}[1 + (h1 // 1000) % {len(orgs) - len(FEDERAL)}] END AS "Org Name",
               (20 + 3480 * pow((h3 % 1000) / 1000.0, 2.4))::INT AS "Total Networks Searched",
               CASE WHEN h2 % 10 < 4 THEN strftime(ts - INTERVAL 7 DAY, '%m/%d/%Y, %I:%M:%S %p UTC') || chr(10) ||
                    strftime(ts, '%m/%d/%Y, %I:%M:%S %p UTC') END AS "Time Frame",
               '***' AS "License Plate",
               CASE WHEN h3 % 100 < 3 THEN {_sql_list(IMMIGRATION)}[1 + h1 % {len(IMMIGRATION)}]
                    WHEN (h1 // 7) % 10000 < {int(distinct * 10000)} THEN
                         {_sql_list(REASONS)}[1 + h2 % {len(REASONS)}] || ' ' || {_sql_list(NAMES)}[1 + h3 % 20]
                         || ' ' || translate(substr(md5(g::VARCHAR), 1, 8), '0123456789', 'ghijklmnop')
                    ELSE {_sql_list(REASONS)}[1 + h2 % {len(REASONS)}] END AS "Reason",
               CASE WHEN h1 % 20 = 0 THEN '25-' || lpad((h2 % 999999)::VARCHAR, 6, '0') END AS "Case #",
               NULL AS "Filters", strftime(ts, '%m/%d/%Y, %I:%M:%S %p UTC') AS "Search Time",
               CASE WHEN h2 % 3 = 0 THEN 'search' ELSE 'lookup' END AS "Search Type",
               NULL AS "Text Prompt", NULL AS "Moderation"
        FROM base) TO '{path}' (HEADER, DELIMITER ',')""")
    con.close()


FLOORS = str(Path(__file__).with_name("audit_floors.py"))

POLARS_FLOOR = """
import polars as pl, sys
print(pl.scan_csv(sys.argv[1]).group_by("Org Name").len().collect().height)
"""


def split_monthly(log: Path, folder: Path, files: int) -> None:
    """Write the log again as ``files`` files by month of search (the shape of large releases)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""COPY (SELECT *, (substr("Search Time", 1, 2)::INT - 1) * {files} // 12 AS part
                          FROM read_csv('{log}', all_varchar=true))
                    TO '{folder}' (FORMAT csv, HEADER true, PARTITION_BY (part), OVERWRITE_OR_IGNORE true)""")
    con.close()


# The same work as floor F3, written the straightforward pandas way: the four columns, month of search, counts
# per (organisation, reason, month), the distinct reasons classified by the F3 patterns and joined back, sums per
# organisation and category and per month and category.
PANDAS = r"""
import sys, warnings
import pandas as pd
warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
sys.path.insert(0, sys.argv[2])
from audit_floors import IMMIGRATION, OFFENSE, TIME, VAGUE
frame = pd.read_csv(sys.argv[1], usecols=["Org Name", "Reason", "Total Networks Searched", "Search Time"],
                    dtype={"Org Name": str, "Reason": str}, keep_default_na=False)
frame["m"] = pd.to_datetime(frame["Search Time"], format=TIME).dt.to_period("M")
g = frame.groupby(["Org Name", "Reason", "m"], sort=False).agg(n=("Reason", "size"),
                                                                widest=("Total Networks Searched", "max")).reset_index()
reasons = pd.Series(g["Reason"].unique())
def pattern(p):  # RE2's "(?i)" mid-pattern (case-insensitive from there on) as Python's scoped "(?i:...)"
    at = p.find("(?i)")
    return p if at <= 0 else p[:at] + "(?i:" + p[at + 4:] + ")"
category = pd.Series("other", index=reasons)
for name, p in (("offense", OFFENSE), ("vague", VAGUE), ("immigration", IMMIGRATION)):  # last wins = first in F3
    category[reasons.str.contains(pattern(p), regex=True).to_numpy()] = name
g["category"] = g["Reason"].map(category)
per_org = g.groupby(["Org Name", "category"])["n"].sum()
per_month = g.groupby(["m", "category"])["n"].sum()
print(len(per_org) + len(per_month))
"""


def child(argv: list[str]) -> tuple[float, int, int]:
    """Run a child process; return (seconds, peak RSS in MiB, exit code) from its own rusage."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        sys.stderr.write(err)
        raise SystemExit(f"{argv[0]} failed with exit {proc.returncode}; no figures reported")
    return seconds, usage.ru_maxrss // 1024, proc.returncode


def _isolated(func: object, *args: object) -> None:
    """Run ``func`` in a fresh interpreter: DuckDB keeps its memory, and on Linux a child's peak RSS starts
    from its parent's at fork, so the parent must stay small for the children's figures to be their own."""
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(target=func, args=args)
    process.start()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{getattr(func, '__name__', func)} failed with exit {process.exitcode}")


def _has(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def compile_configscan() -> None:
    """Byte-compile configscan first, as pip does when it installs a package: an editable install under
    PYTHONDONTWRITEBYTECODE (as on these machines) would otherwise compile 160 modules on every run (0.13 s)."""
    import configscan

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(configscan.__file__).parent)], check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--distinct", default="0.02,0.2,0.96",
                        help="comma-separated shares of rows with a reason of their own (one log each)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--files", type=int, default=0, help="also time the log split into N monthly files")
    parser.add_argument("--keep", type=Path, help="keep the generated log and outputs here")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--flock-flag", type=Path, help="also time the public flock_flag.py scanner "
                        "(segalreport/scripts; give the path of your copy) on the same log")
    parser.add_argument("--profile", type=Path, help="also run configscan once under cProfile; write the "
                        "profile and its top-30 summary here")
    args = parser.parse_args()
    compile_configscan()
    for share in (float(x) for x in args.distinct.split(",")):
        _one_cardinality(args, share)


def _one_cardinality(args: argparse.Namespace, share: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="configscan-bench-"))
    try:
        log = tmp / "network-audit.csv"
        started = time.perf_counter()
        _isolated(generate, log, args.rows, share)
        size = log.stat().st_size
        print(f"\n=== {args.rows:,} rows, {share:.0%} of rows with a reason of their own: {size / 1e6:.0f} MB "
              f"generated in {time.perf_counter() - started:.1f} s")
        exe = str(Path(sys.executable).parent / "configscan")  # the configscan of this interpreter
        ours = [exe, "audit", str(log), "--agency-state", "CA", "--json", str(tmp / "r.json"),
                "--html", str(tmp / "r.html"), "--evidence-csv", str(tmp / "evidence.csv"), "-q"]
        reports_only = ours[:-3] + ["-q"]  # same run without the evidence CSV (JSON + HTML reports only)
        runs = {name: [sys.executable, FLOORS, name, str(log)] for name in ("F1", "F2", "F3")}
        runs |= {"configscan": reports_only, "+evidence": ours}
        if _has("polars"):
            runs["polars F1"] = [sys.executable, "-c", POLARS_FLOOR, str(log)]
        if args.files:
            _isolated(split_monthly, log, tmp / "monthly", args.files)
            runs["monthly"] = [exe, "audit", str(tmp / "monthly"), "--agency-state", "CA", "--json",
                               str(tmp / "m.json"), "--html", str(tmp / "m.html"), "-q"]
            runs["F3 monthly"] = [sys.executable, FLOORS, "F3", str(tmp / "monthly" / "**" / "*.csv")]
        best: dict[str, tuple[float, int]] = {}
        for _ in range(args.repeat):
            for name, argv in runs.items():
                seconds, rss, code = child(argv)
                print(f"  {name:<12} {seconds:6.2f} s  peak RSS {rss:5d} MiB  exit {code}")
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, rss)
        if args.flock_flag:  # scans every CSV in a folder: give it one holding only the log
            alone = tmp / "flock_flag_input"
            alone.mkdir()
            os.link(log, alone / log.name)
            seconds, rss, code = child([sys.executable, str(args.flock_flag), "--input", str(alone), "--output",
                                        str(tmp / "flock_flag_output.csv")])
            print(f"  {'flock_flag.py':<12} {seconds:6.2f} s  peak RSS {rss:5d} MiB  exit {code}")
            best["flock_flag.py"] = (seconds, rss)
        if not args.skip_pandas and _has("pandas"):
            seconds, rss, code = child([sys.executable, "-c", PANDAS, str(log), str(Path(__file__).parent)])
            print(f"  {'pandas':<12} {seconds:6.2f} s  peak RSS {rss:5d} MiB  exit {code}")
            best["pandas"] = (seconds, rss)
        _report(args.rows, share, size, best, tmp, args.files)
        if args.profile:
            _profile(reports_only, args.profile / f"audit-{args.rows}-{share}")
    finally:
        if args.keep:
            keep = args.keep / f"distinct-{share}"
            keep.mkdir(parents=True, exist_ok=True)
            for item in tmp.iterdir():
                shutil.move(str(item), keep / item.name)
        shutil.rmtree(tmp, ignore_errors=True)


def _profile(argv: list[str], stem: Path) -> None:
    """configscan once under cProfile (the console script's module), the 30 costliest calls by cumulative time."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    script = stem.parent / "run_configscan.py"
    script.write_text("import sys\nfrom configscan.cli import main\nsys.argv[0] = 'configscan'\ntry:\n    main()\n"
                      "except SystemExit:\n    pass\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "cProfile", "-o", f"{stem}.prof", str(script), *argv[1:]], check=False,
                   stdout=subprocess.DEVNULL)
    summary = subprocess.run([sys.executable, "-c", "import pstats, sys; pstats.Stats(sys.argv[1]).sort_stats("
                              "'cumulative').print_stats(30)", f"{stem}.prof"], capture_output=True, text=True)
    Path(f"{stem}.txt").write_text(summary.stdout, encoding="utf-8")
    print(f"profile: {stem}.txt")


def _report(rows: int, share: float, size: int, best: dict[str, tuple[float, int]], tmp: Path, files: int) -> None:
    ours_s, ours_rss = best["configscan"]  # the headline: the run that writes the JSON and HTML reports
    ev_s, ev_rss = best["+evidence"]
    print(f"\nrows {rows:,}; {share:.0%} distinct-reason rows; file {size / 1e6:.0f} MB; configscan engine DuckDB")
    for name in ("F1", "polars F1", "F2", "F3"):
        if name in best:
            seconds, rss = best[name]
            print(f"floor {name:<9}: {seconds:6.2f} s = {rows / seconds / 1e6:5.2f} M rows/s, peak RSS {rss} MiB; "
                  f"configscan = {ours_s / seconds:.2f}x")
    f3 = best["F3"][0]
    print(f"configscan end to end (JSON + HTML reports): {ours_s:.2f} s = {rows / ours_s / 1e6:.2f} M rows/s; "
          f"{ours_s / f3:.2f}x F3 (goal <= 1.2x at 5 M rows, <= 1.5x at 1 M); peak RSS {ours_rss} MiB (goal < 1024)")
    print(f"with --evidence-csv as well: {ev_s:.2f} s; {ev_s / ours_s:.2f}x the run without it (goal <= 2x); "
          f"{ev_s / f3:.2f}x F3; peak RSS {ev_rss} MiB")
    if "monthly" in best:
        m_s, m_rss = best["monthly"]
        f3m = best["F3 monthly"][0]
        print(f"the same log as {files} monthly files (de-duplicated by ID): {m_s:.2f} s; {m_s / ours_s:.2f}x the "
              f"single file (goal <= 1.2x); F3 over the files {f3m:.2f}s ({f3m / f3:.2f}x F3 over one file); "
              f"{m_s / f3m:.2f}x F3 monthly; peak RSS {m_rss} MiB")
    if "pandas" in best:
        pandas_s = best["pandas"][0]
        print(f"pandas: {pandas_s:.2f} s; pandas / configscan = {pandas_s / ours_s:.1f}x (goal >= 10x); "
              f"pandas peak RSS {best['pandas'][1]} MiB")
    if "flock_flag.py" in best:
        flock_s = best["flock_flag.py"][0]
        print(f"flock_flag.py: {flock_s:.2f} s = {rows / flock_s / 1e6:.3f} M rows/s; flock_flag.py / configscan = "
              f"{flock_s / ours_s:.1f}x (goal >= 50x at 5 M rows)")
    if (tmp / "evidence.csv").exists():
        print(f"evidence CSV {(tmp / 'evidence.csv').stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
