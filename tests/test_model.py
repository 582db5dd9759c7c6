"""The interchange model normalises what people and vendors really write, and rejects what it cannot read."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from configscan.model import AgencyConfig, Direction, Status


def _config(**extra: object) -> AgencyConfig:
    return AgencyConfig.model_validate({"format": "configscan/agency-config@1",
                                        "agency": {"name": "A", "state": "California"}, **extra})


def test_state_names_and_case_are_normalised() -> None:
    config = _config(partners=[{"name": "X PD", "state": "wa", "direction": "Outbound", "status": "ACTIVE"},
                               {"name": "Y", "state": "??"}])
    assert config.agency.state == "CA"
    first, second = config.partners or []
    assert (first.state, first.direction, first.status) == ("WA", Direction.outbound, Status.active)
    assert second.state is None and second.can_reach_us() is None


def test_unknown_fields_are_kept_at_every_level() -> None:
    config = _config(contract={"ends": "2027"}, sharing={"national_lookup": False, "camera_count": 30})
    assert config.extras() == {"contract": {"ends": "2027"}}
    assert config.sharing is not None and config.sharing.extras() == {"camera_count": 30}


def test_bad_values_are_rejected() -> None:
    with pytest.raises(ValidationError):
        _config(retention_days=-1)
    with pytest.raises(ValidationError):
        AgencyConfig.model_validate({"format": "configscan/agency-config@1", "agency": {"name": "A", "state": "Q"}})
    with pytest.raises(ValidationError):
        _config(sharing={"shared_states": ["CA", "Atlantis"]})


def test_revoked_link_never_reaches_us() -> None:
    config = _config(partners=[{"name": "X", "direction": "both", "status": "revoked"}])
    assert (config.partners or [])[0].can_reach_us() is False
