"""Stage 3, findings: what the distinct searchers and reasons are, and what the law makes of the counts.

Reasons read against the rule table (``reasons``, ``reason_rules``), searching organisations classified once
each (``searchers``), 287(g) agreement searches (``agreements``), findings built from the facts and the rule
packs (``build``, with their metadata in ``metas``), and the report's audit section (``summary``).
"""
