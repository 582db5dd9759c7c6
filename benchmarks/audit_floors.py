"""The floors ``benchmarks/audit.py`` measures configscan against: the same work written by hand in DuckDB.

F1 = bare read + count per organisation; F2 = read the four columns the audit needs + group by organisation,
reason and month; F3 = F2 + a regular-expression classification of the distinct reasons, joined back and
summed per organisation and category and per month and category. Run as a child process:
``python benchmarks/audit_floors.py F3 LOG`` (LOG a file or a glob such as ``folder/**/*.csv``).
"""

from __future__ import annotations

import sys

import duckdb

TIME = "%m/%d/%Y, %I:%M:%S %p UTC"
IMMIGRATION = (r"(^|[^A-Za-z])ICE([^A-Za-z]|$)|(?i)\b(ero|hsi|cbp|usbp|border patrol|287\(g\)|deport\w*|"
               r"immigration)\b")
OFFENSE = r"(?i)\b(stolen|theft|larceny|burglary|robbery|assault|homicide|drugs?|narcotics|warrant|wanted|missing|" \
          r"weapons?|vehicle|property|person)\b"
VAGUE = r"(?i)^\s*(inv|investigation|other.*|n/?a|)\s*$"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def f1(con: duckdb.DuckDBPyConnection, log: str) -> int:
    return len(con.execute(f'SELECT "Org Name", count(*) FROM read_csv({_lit(log)}) GROUP BY 1').fetchall())


def f2(con: duckdb.DuckDBPyConnection, log: str) -> int:
    con.execute(f"""
        CREATE TEMP TABLE g AS
        SELECT "Org Name" AS org, "Reason" AS reason, date_trunc('month', "Search Time") AS m, count(*) AS n,
               max("Total Networks Searched") AS widest
        FROM read_csv({_lit(log)}, timestampformat={_lit(TIME)}, union_by_name=true,
                      types={{'Search Time': 'TIMESTAMP', 'Total Networks Searched': 'INTEGER', 'Reason': 'VARCHAR',
                              'Org Name': 'VARCHAR'}})
        GROUP BY ALL""")
    return int(con.execute("SELECT count(*) FROM g").fetchone()[0])


def f3(con: duckdb.DuckDBPyConnection, log: str) -> int:
    f2(con, log)
    con.execute(f"""
        CREATE TEMP TABLE c AS SELECT reason, CASE
            WHEN regexp_matches(reason, {_lit(IMMIGRATION)}) THEN 'immigration'
            WHEN regexp_matches(reason, {_lit(VAGUE)}) THEN 'vague'
            WHEN regexp_matches(reason, {_lit(OFFENSE)}) THEN 'offense' ELSE 'other' END AS category
        FROM (SELECT DISTINCT reason FROM g)""")
    per_org = con.execute("SELECT org, category, sum(n) FROM g LEFT JOIN c USING (reason) GROUP BY ALL").fetchall()
    per_month = con.execute("SELECT m, category, sum(n) FROM g LEFT JOIN c USING (reason) GROUP BY ALL").fetchall()
    return len(per_org) + len(per_month)


def main() -> None:
    floor, log = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    print({"F1": f1, "F2": f2, "F3": f3}[floor](con, log))


if __name__ == "__main__":
    main()
