"""Stage 2, engine passes: everything that reads rows, in DuckDB, leaving Python only small tables.

The shared scan and row filter (``engine``), the main read folded into grouped tables (``load``), searches
shared by several sources counted once (``dedup``), distinct reasons classified in SQL (``reason_sql``), the
report's aggregates (``aggregate``), and the re-reads for sample rows (``samples``) and the evidence CSV
(``evidence``).
"""
