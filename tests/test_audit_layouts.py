"""Readers for every audit layout: columns found by header name, header-less widths, packaging."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from audit_fixtures import L13, l13_row, uid, write_csv

from configscan.audit.inputs.layouts import detect
from configscan.audit.inputs.sources import expand
from configscan.errors import InputError

# Real public-domain records (CC0), copied unaltered from shared/real/ so the tests never skip.
REAL_PORTAL = Path(__file__).resolve().parent / "data" / "real" / "eugene-or" / "portal-search-audit.csv"


def test_l13_columns_by_name_in_any_order() -> None:
    shuffled = ["Reason", "Org Name", "Extra", "ID", "Search Time", "Total Networks Searched"]
    layout = detect(shuffled)
    assert layout is not None and layout.has_header
    assert layout.columns["reason"] == 0 and layout.columns["org"] == 1 and layout.columns["id"] == 3
    assert layout.columns["networks"] == 5 and "extra" not in layout.columns


def test_headerless_widths() -> None:
    l13 = detect(l13_row(1, "Fresno CA PD", "Robbery"))
    assert l13 is not None and not l13.has_header and l13.columns["org"] == 2 and l13.columns["reason"] == 6
    l11 = detect(["***", "Fresno CA PD", "640", "15700", "", "***", "Robbery", "", "", "3/8/2026, 8:15:42 AM UTC",
                  "lookup"])
    assert l11 is not None and l11.columns["devices"] == 3 and l11.columns["search_time"] == 9
    assert detect(["a", "b", "c"]) is None


@pytest.mark.parametrize(("header", "name"), [
    (["id", "userId", "searchDate", "cameraCount", "reason"], "portal"),
    (["id", "userId", "searchDate", "networkCount", "reason", "caseNumber", "offenseType"], "portal"),
    (["Name", "Org Name", "Total Networks Searched", "Total Devices Searched", "Time Frame", "License Plate",
      "Reason", "Case #", "Filters", "Search Time", "Search Type"], "L11"),
    (["Name", "Total Networks Searched", "Time Frame", "License Plate", "Case #", "Filters", "Reason",
      "Offense Type", "Search Date/Time"], "organization audit with offense type"),
    (["ID", "Name", "Org Name", "Reason", "Search Date", "Search Time"], "split date/time"),
    (["ID", "Name", "Org Name", "Total Networks Searched", "Search Time", "Reason", "Case #", "License Plate"], "L8"),
])
def test_layout_names(header: list[str], name: str) -> None:
    layout = detect(header)
    assert layout is not None and layout.name == name


def test_split_date_time_columns() -> None:
    layout = detect(["ID", "Org Name", "Reason", "Search Date", "Search Time"])
    assert layout is not None and layout.split_date == 3 and layout.columns["search_time"] == 4


def test_real_portal_file_is_read_as_it_is(tmp_path: Path) -> None:
    sources, skipped, _ = expand([str(REAL_PORTAL)], tmp_path)
    assert not skipped and len(sources) == 1
    assert sources[0].layout.name == "portal"
    assert sources[0].time_samples[0] == "2025-06-18 00:02:04.789"


def test_gz_zip_xlsx_folder_and_glob(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    plain = write_csv(tmp_path / "a.csv", L13, [l13_row(1, "Fresno CA PD", "Robbery")])
    gz = tmp_path / "b.csv.gz"
    with plain.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as archive:
        archive.write(plain, "monthly/4_1_2026-4_30_2026-Pinecrest-Network-Audit.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "March"
    sheet.append(["Network Audit export"])  # a title row above the header
    sheet.append(L13)
    sheet.append(l13_row(2, "Fresno CA PD", "Robbery"))
    summary = book.create_sheet("SearchReason")  # an analysis tab next to the export
    summary.append(["Reason summary", "Count"])
    book.save(tmp_path / "d.xlsx")
    sources, skipped, inventory = expand([str(tmp_path)], work)
    labels = sorted(s.label for s in sources)
    assert any(label.endswith("a.csv") for label in labels)
    assert any(label.endswith("b.csv.gz") for label in labels)
    assert any("c.zip!monthly/" in label for label in labels)
    assert any(label.endswith("d.xlsx#March") for label in labels)
    assert [s.label for s in skipped if s.label.endswith("#SearchReason")]
    march = next(s for s in sources if s.label.endswith("#March"))
    assert march.layout.skip == 1 and march.layout.has_header
    # the sheet is recorded as such, never parsed off the label; nothing else is a sheet
    assert march.sheet == "March" and [s.sheet for s in sources if s is not march] == [None] * 3
    assert [s.sheet for s in skipped if s.label.endswith("#SearchReason")] == ["SearchReason"]
    globbed, _, _ = expand([str(tmp_path / "*.csv")], work)
    assert [s.label for s in globbed] == [str(plain)]


def test_nothing_found_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        expand([str(tmp_path / "missing-*.csv")], tmp_path)
    assert uid(1).endswith("000000000001")


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon.csv"), ("|", "pipe.txt"), ("\t", "tabs.tsv"),
                                                 (",", "comma.csv")])
def test_separator_is_found_from_the_header(tmp_path: Path, delimiter: str, name: str) -> None:
    """A comma inside a reason must not outvote the file's real separator (and commas stay the default)."""
    import csv

    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(L13)
        writer.writerow(l13_row(1, "U.S. Border Patrol", "ICE, ERO; hold | urgent"))
    sources, _, _ = expand([str(path)], tmp_path)
    assert sources[0].delimiter == delimiter
    assert sources[0].layout.column("reason") == L13.index("Reason")


@pytest.mark.parametrize(("header", "field", "index"), [
    (["ID", "Org Name", "Reason", "Search Time (UTC)"], "search_time", 3),
    (["Search ID", "Organization Name", "Reason for Search", "Search Date/Time (PST)"], "search_time", 3),
    (["Audit ID", "Agency Name", "# of Networks", "Search Reason", "Search Timestamp"], "networks", 2),
    (["Audit ID", "Agency Name", "Number of Devices", "Search Reason", "Search Timestamp"], "devices", 2),
])
def test_headers_decorated_with_a_time_zone_or_a_count_word(header: list[str], field: str, index: int) -> None:
    from configscan.audit.inputs.layouts import header_layout

    layout = header_layout(header, 0)
    assert layout is not None and layout.column(field) == index
    assert layout.column("reason") is not None
