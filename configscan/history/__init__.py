"""Scan history: every completed scan stored in SQLite, compared with the one before.

Beside findings, never inside checks: checks judge one configuration; this package remembers configurations
and says what changed between them (``diff``), including changes that widen access (``drift``).
"""
