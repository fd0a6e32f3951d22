"""Checks on single table cells, before the row models see them: what a spreadsheet gets wrong."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

VIETNAM_LAT = (7.5, 23.5)
VIETNAM_LON = (102.0, 117.5)
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_DAYS = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: a five-digit number in a date column
PLACEHOLDERS = {"nan", "null", "none", "n/a", "#n/a", "undefined"}
EXCEL_ERROR = re.compile(
    r"^#(?:REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|N/A|SPILL!|CALC!|FIELD!|BLOCKED!)$", re.I
)
INTEGER = re.compile(r"^[+-]?\d+(?:\.0{1,2})?$")
GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[.,]\d{3})+$")
NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
YEAR_FIRST = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$")
ISO_EXAMPLE = "expected a date as yyyy-mm-dd (ISO 8601), e.g. 2025-08-01"


def field_kind(field: FieldInfo) -> str:
    """`date`, `int`, `float` or `text`: what a model field expects of its cell."""
    found: set[type] = set()
    pending: list[Any] = [field.annotation]
    while pending:
        annotation = pending.pop()
        origin = get_origin(annotation)
        if origin is Annotated:
            pending.append(get_args(annotation)[0])
        elif origin in (Union, UnionType):
            pending.extend(get_args(annotation))
        elif isinstance(annotation, type):
            found.add(annotation)
    for kind in (date, float, int):
        if kind in found:
            return kind.__name__
    return "text"


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def read_cell(kind: str, value: str) -> str:
    """The text a row model should parse for a non-blank cell; raise CellError when it is wrong."""
    if value.lower() in PLACEHOLDERS or EXCEL_ERROR.match(value):
        raise CellError("a placeholder or spreadsheet error, not a value: fix the cell or leave it blank")
    problem = date_problem(value) if kind == "date" else None
    if kind in ("int", "float"):
        problem = number_problem(kind, value)
    if problem:
        raise CellError(problem)
    if kind == "date":
        return value[:10]
    if kind == "int":
        return value.partition(".")[0]
    return value


def number_problem(kind: str, value: str) -> str | None:
    """A number cell that is not plainly written (decimal commas, grouping, text, NaN, fractions)."""
    if kind == "int" and GROUPED.match(value):
        return f"digit grouping: write the whole number without separators, e.g. {re.sub('[.,]', '', value)}"
    whole, _, decimals = value.partition(",")
    if DECIMAL_COMMA.match(value) and len(decimals) == 3:
        return (
            f"a comma in a number: write {whole}.{decimals} if it is a decimal comma, or {whole}{decimals} "
            "if it groups thousands (numbers take a decimal point and no digit grouping)"
        )
    if DECIMAL_COMMA.match(value):
        return (
            f"a decimal comma: write {whole}.{decimals} with a decimal point "
            "(set the column's number format, or the computer's decimal symbol, to '.')"
        )
    if kind == "int":
        if INTEGER.match(value):
            return None
        return "expected a whole number, e.g. 3" + (" (not a fraction)" if NUMBER.match(value) else "")
    if not NUMBER.match(value) or not math.isfinite(float(value)):
        return "expected a number with a decimal point, e.g. 21.4061"
    return None


def date_problem(value: str) -> str | None:
    """Accept ISO dates only; name what a serial number or a day/month date would have meant."""
    iso = ISO_DAY.match(value)
    if iso:
        try:
            date.fromisoformat(iso.group(1))
        except ValueError:
            return f"not a real date: {ISO_EXAMPLE}"
        return None
    if INTEGER.match(value) and SERIAL_DAYS[0] <= float(value) <= SERIAL_DAYS[1]:
        day = EXCEL_EPOCH + timedelta(days=int(float(value)))
        return (
            f"an Excel serial day number (it means {day.isoformat()}): {ISO_EXAMPLE}; "
            "format the column as Text and type the date"
        )
    day_first = DAY_FIRST.match(value)
    if day_first:
        return f"{ISO_EXAMPLE}; {_day_month_hint(*map(int, day_first.groups()))}"
    year_first = YEAR_FIRST.match(value)
    if year_first:
        y, m, d = map(int, year_first.groups())
        return f"{ISO_EXAMPLE}; did you mean {_iso(y, m, d) or 'a real date'}?"
    return ISO_EXAMPLE


def _day_month_hint(first: int, second: int, year: int) -> str:
    """Say what a `01/08/2025` date means read either way."""
    day_month, month_day = _iso(year, second, first), _iso(year, first, second)
    if day_month and month_day and day_month != month_day:
        return f"it could be {day_month} (day first, as in Vietnam) or {month_day} (month first)"
    meant = day_month or month_day
    return f"did you mean {meant}?" if meant else "it is not a real date either way"


def _iso(year: int, month: int, day: int) -> str | None:
    """The ISO text of a date, or None when there is no such day."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def coordinate_problems(lat: str, lon: str) -> list[tuple[str, str, str]]:
    """(column, value, expected) for a point outside Vietnam; both coordinates must parse as numbers."""
    if number_problem("float", lat) or number_problem("float", lon):
        return []
    y, x = float(lat), float(lon)
    inside_lat = VIETNAM_LAT[0] <= y <= VIETNAM_LAT[1]
    inside_lon = VIETNAM_LON[0] <= x <= VIETNAM_LON[1]
    if inside_lat and inside_lon:
        return []
    box = (
        f"Vietnam lies within latitude {VIETNAM_LAT[0]:g}–{VIETNAM_LAT[1]:g} and "
        f"longitude {VIETNAM_LON[0]:g}–{VIETNAM_LON[1]:g} (WGS84 degrees)"
    )
    if VIETNAM_LAT[0] <= x <= VIETNAM_LAT[1] and VIETNAM_LON[0] <= y <= VIETNAM_LON[1]:
        return [("lat", lat, f"lat and lon look swapped (lon is {lon}): {box}")]
    found = []
    if not inside_lat:
        found.append(("lat", lat, f"outside Vietnam: {box}"))
    if not inside_lon:
        found.append(("lon", lon, f"outside Vietnam: {box}"))
    return found
