"""Loading rule packs and layering them for one scan: the public face of ``configscan.jurisdictions``.

The work is split by job -- ``packfile`` reads and validates one file (errors with line numbers),
``library`` indexes the bundled packs, ``layers`` stacks state, city, policy and baseline for a date --
and this module re-exports what checks, the engine and the scanner import.
"""

from __future__ import annotations

from configscan.jurisdictions.layers import (
    UPCOMING_WINDOW_DAYS,
    AppliedRule,
    RuleSet,
    build_ruleset,
    covered_risks,
    load_policy,
)
from configscan.jurisdictions.library import PackLibrary, pack_dir
from configscan.jurisdictions.packfile import check_pack_file, parse_pack

__all__ = [
    "UPCOMING_WINDOW_DAYS",
    "AppliedRule",
    "PackLibrary",
    "RuleSet",
    "build_ruleset",
    "check_pack_file",
    "covered_risks",
    "load_policy",
    "pack_dir",
    "parse_pack",
]
