"""Jurisdiction rule packs: schema, loading, overlays and as-of selection."""
