"""The published, versioned JSON Schema of the JSON report (``configscan schema --report``).

Generated from the ScanResult model so it cannot drift from what the JSON writer emits; the version is the
report's ``schema_version`` (bumped when a field changes meaning or disappears), and the ``$id`` names it.
A copy is published as ``docs/report.schema.json``.
"""

from __future__ import annotations

from typing import Any

from configscan.findings import SCHEMA_VERSION, ScanResult


def report_schema() -> dict[str, Any]:
    schema = ScanResult.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:configscan:report:{SCHEMA_VERSION}",
        "title": "configscan JSON report",
        "version": SCHEMA_VERSION,
        **{k: v for k, v in schema.items() if k != "title"},
    }
