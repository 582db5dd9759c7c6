"""Facts about sharing settings shared by several checks (pure functions of the model)."""

from __future__ import annotations

from configscan.model import Sharing


def setting_state(sharing: Sharing | None, field: str) -> tuple[bool | None, list[str]]:
    """Whether a lookup setting is on anywhere: (True/False/None, names of networks with it on).

    Any network on means on -- vendors set lookups per camera group, and one network is enough to expose
    the data. None means the export does not say.
    """
    if sharing is None:
        return None, []
    on_networks = [n.name for n in sharing.networks if getattr(n, field) is True]
    summary = getattr(sharing, field)
    if summary is True or on_networks:
        return True, on_networks
    if summary is False:
        return False, []
    if sharing.networks and all(getattr(n, field) is False for n in sharing.networks):
        return False, []
    return None, []
