"""Audit-log evidence: who actually searched an agency's plate data, and why.

Settings say who *may* search; network and organisation audit logs say who *did*. This package reads
vendor audit exports at scale (streaming, DuckDB), classifies each distinct searcher organisation and
reason once, aggregates, and turns what it finds into findings that cite the applicable rule packs.
The folders are the pipeline's stages, in the order a run goes through them: ``inputs`` (files to sources),
``passes`` (the engine's reads and aggregates) and ``findings`` (what the counts mean under the law);
``run`` drives them. Importing it loads nothing heavy: the engine imports DuckDB only when a run starts.
"""
