"""Comparing organisation names across inputs that spell them differently (pure functions)."""

from __future__ import annotations

import re

_TAGS = re.compile(r"\[[^\]]*\]|\((?:flex|federal|inactive|deactivated|turned off)\)", re.I)


def name_key(name: str) -> str:
    """Case, punctuation, spacing and vendor tags ("[Federal]", "(FLEX)") removed: the comparable core."""
    core = _TAGS.sub(" ", name)
    core = re.sub(r"^(dnu|dont use)\s*-\s*", "", core.strip(), flags=re.I)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", core.lower()).split())
