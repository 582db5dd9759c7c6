"""E-mail domains of user accounts: the most reliable sign of who really holds a login.

A task-force officer searching with an agency login is visible only through the account's domain
(ice.dhs.gov, cbp.dhs.gov, fbi.gov...). Domains are matched on label boundaries ("x.dhs.gov" is DHS,
"notdhs.gov" is not); the most specific bundled entry wins. State government domains are recognised by
their shape (".state.or.us", ".wa.gov" style entries in the directory).
"""

from __future__ import annotations

import re

from configscan.partners.directory import DomainEntry

_STATE_US = re.compile(r"(?:^|\.)state\.([a-z]{2})\.us$")


def clean_domain(value: str) -> str:
    """A bare lower-case domain from "user@x.gov", "@x.gov" or " X.GOV "."""
    domain = value.strip().lower().rsplit("@", 1)[-1]
    return domain.strip(".")


def match_domain(domain: str, entries: dict[str, DomainEntry]) -> DomainEntry | None:
    """The most specific directory entry for a domain (suffix on a label boundary), or None."""
    labels = clean_domain(domain).split(".")
    for i in range(len(labels)):  # down to the bare TLD: ".mil" is military
        hit = entries.get(".".join(labels[i:]))
        if hit is not None:
            return hit
    return None


def state_government(domain: str) -> str | None:
    """USPS code for a classic state-government domain ("wsp.state.wa.us"), else None."""
    match = _STATE_US.search(clean_domain(domain))
    return match.group(1).upper() if match else None
