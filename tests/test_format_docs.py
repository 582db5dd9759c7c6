"""docs/format.md explains every field of the interchange models (fails when a field is added undocumented)."""

from __future__ import annotations

from pydantic import BaseModel

from configscan.model import Agency, AgencyConfig, Hotlist, Network, Partner, Portal, Sharing, SharingEvent, User

from conftest import ROOT


def test_every_field_is_documented() -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [AgencyConfig, Agency, Sharing, Network, Partner, Hotlist, User,
                                      SharingEvent, Portal]
    missing = [f"{m.__name__}.{name}" for m in models for name in m.model_fields if f"`{name}`" not in text]
    assert not missing, f"undocumented fields: {missing}"
