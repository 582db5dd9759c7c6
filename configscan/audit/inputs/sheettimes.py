"""Search times as spreadsheets store them: Excel serial numbers, date-only cells, time-only cells.

Excel keeps a date-time as a number of days since its epoch (1899-12-30 in the 1900 date system, so that
serial 1 is 1900-01-01 with Lotus' phantom 29 February; 1904-01-01 in the Mac 1904 system) with the time of
day as the fraction. Releases hold such numbers when the time column was formatted "General", in XLSX cells
and in CSVs saved from those sheets (Irvine's audit sheet is one). Only serials between 1990 and 2100 are
read as times: anything else in a time column (a row count, a year, a negative number) is not a plausible
search time and stays unreadable instead of becoming a wrong date.
"""

from __future__ import annotations

import datetime as dt
import re

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)  # workbooks saved with the Mac "1904 date system"
SERIAL_MIN = 32874.0  # 1990-01-01 in the 1900 date system: no ALPR audit log is older
SERIAL_MAX = 73051.0  # 2100-01-01
EXCEL_SERIAL = "excel serial"  # the "format" name the engine uses for a column of serials
_NUMBER = re.compile(r"^\d{5}(\.\d+)?$")


def from_serial(value: float, epoch: dt.datetime = EPOCH_1900) -> dt.datetime | None:
    """The date-time an Excel serial stands for (to the second), or None when it is no plausible search time."""
    offset = (epoch - EPOCH_1900).days  # the 1904 system counts from a later day
    if not SERIAL_MIN <= value + offset < SERIAL_MAX:
        return None
    return epoch + dt.timedelta(seconds=round(value * 86400))


def is_serial(text: str) -> bool:
    """True for text that is a plausible Excel serial date-time (five digits, optional fraction)."""
    text = text.strip()
    return bool(_NUMBER.match(text)) and SERIAL_MIN <= float(text) < SERIAL_MAX


def serial_sql(text: str) -> str:
    """SQL turning the text expression ``text`` into a TIMESTAMP when it is a plausible serial, else NULL."""
    days = f"TRY_CAST(trim({text}) AS DOUBLE)"
    return (f"CASE WHEN {days} >= {SERIAL_MIN} AND {days} < {SERIAL_MAX} THEN TIMESTAMP "
            f"'{EPOCH_1900:%Y-%m-%d}' + to_seconds(CAST(round({days} * 86400) AS BIGINT)) END")


def cell_text(value: object, role: str, epoch: dt.datetime = EPOCH_1900) -> str:
    """A spreadsheet cell of a time column as text the engine's formats parse.

    ``role`` is ``"datetime"`` (the one search-time column), ``"date"`` or ``"time"`` (the two halves of a
    split date/time layout, which the engine joins with a space: a date cell must then not carry a
    midnight time, nor a time cell a date).
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if role == "time" and 0 <= value < 1:
            return (dt.datetime(2000, 1, 1) + dt.timedelta(seconds=round(value * 86400))).strftime("%H:%M:%S")
        when = from_serial(float(value), epoch)
        if when is None:
            return str(value)
        return when.strftime("%Y-%m-%d") if role == "date" else when.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.datetime):
        if role == "date":
            return value.strftime("%Y-%m-%d")
        if role == "time":
            return value.strftime("%H:%M:%S")
        return str(value)
    if isinstance(value, dt.date):  # calamine gives a date-only cell as a date, openpyxl as midnight
        return f"{value.isoformat()} 00:00:00" if role == "datetime" else value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)
