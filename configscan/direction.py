"""The direction assumption: what a one-direction partner list is, applied once and said on the report's first screen.

A list that answers "who shares with us" (inbound) or "who can search our data" (outbound) and nothing else
leaves every partner's direction unknown, and each out-of-state partner then becomes an unverified "direction
unknown" finding. The direction comes, for the rows that do not give their own, from the list's title or sheet
name (readers set ``direction_basis``), from the input's ``partners_direction``, or from ``scan --direction``.
Whatever decided it, the report says so: an assumption that changes verdicts must be visible, and an inbound
list says nothing about who can search this agency's data.
"""

from __future__ import annotations

from collections import Counter

from configscan.model import AgencyConfig, Direction

_MEANING = {
    Direction.inbound: "inbound (this agency can search their data; the list does not show who can search ours)",
    Direction.outbound: "outbound (they can search this agency's data)",
    Direction.both: "both ways",
}


def assume_direction(config: AgencyConfig, flag: str | None) -> tuple[AgencyConfig, list[str]]:
    """Fill in the direction of partners that have none (``--direction`` first, else ``partners_direction``)
    and describe every direction that was not read from the partner's own row."""
    chosen = Direction(flag.strip().lower()) if flag else config.partners_direction
    basis = f"--direction {chosen.value}" if flag and chosen else (
        "partners_direction in the input" if chosen else None)
    partners = list(config.partners or [])
    if chosen is not None and basis is not None:
        partners = [p if p.direction is not None else p.model_copy(update={"direction": chosen,
                                                                            "direction_basis": basis})
                    for p in partners]
        config = config.model_copy(update={"partners": partners})
    notes = []
    by_basis = Counter((p.direction_basis, p.direction) for p in partners if p.direction_basis and p.direction)
    for (why, direction), count in sorted(by_basis.items(), key=lambda item: (-item[1], str(item[0]))):
        notes.append(f"{count} partner(s) read as {_MEANING[direction]}; source: {why}.")
    unknown = sum(1 for p in partners if p.direction is None)
    if unknown:
        notes.append(f"{unknown} partner(s) have no direction (the list does not say who shares with whom); "
                     "each out-of-state one is unverified. If the list answers one question, say which with "
                     "--direction inbound|outbound|both.")
    return config, notes
