"""A partner list is split into records by the CSV reader, not by str.splitlines: a carriage return or a
Unicode line separator inside a quoted name is one partner, and rows keep the numbers a spreadsheet shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from configscan.errors import InputError
from configscan.partners.listing import read_partner_list


def test_separators_inside_quoted_names_stay_one_partner(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text('name,state\n"Reno\rNV PD",NV\n"Fresno\u2028PD",CA\n"Boise\nID PD",ID\nAda County ID SO,ID\n',
                    encoding="utf-8", newline="")
    partners = read_partner_list(path)
    assert len(partners) == 4
    assert [p.fields["state"] for p in partners] == ["NV", "CA", "ID", "ID"]
    assert [p.row for p in partners] == [2, 3, 4, 5]  # records, as a spreadsheet numbers them, not lines


def test_a_row_wider_than_the_header_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text("name,state\nReno NV PD,NV\nFresno CA PD,CA,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3: 3 values but 2 columns"):
        read_partner_list(path)
