"""Checks on single table cells, before the row models see them: what a spreadsheet gets wrong."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from i18n import N_, _

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
ISO_EXAMPLE = N_("expected a date as yyyy-mm-dd (ISO 8601), e.g. 2025-08-01")


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
        raise CellError(_("a placeholder or spreadsheet error, not a value: fix the cell or leave it blank"))
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
        return _("digit grouping: write the whole number without separators, e.g. {number}").format(
            number=re.sub("[.,]", "", value)
        )
    whole, _comma, decimals = value.partition(",")
    if DECIMAL_COMMA.match(value) and len(decimals) == 3:
        return _(
            "a comma in a number: write {decimal} if it is a decimal comma, or {grouped} "
            "if it groups thousands (numbers take a decimal point and no digit grouping)"
        ).format(decimal=f"{whole}.{decimals}", grouped=f"{whole}{decimals}")
    if DECIMAL_COMMA.match(value):
        return _(
            "a decimal comma: write {decimal} with a decimal point "
            "(set the column's number format, or the computer's decimal symbol, to '.')"
        ).format(decimal=f"{whole}.{decimals}")
    if kind == "int":
        if INTEGER.match(value):
            return None
        if NUMBER.match(value):
            return _("expected a whole number, e.g. 3 (not a fraction)")
        return _("expected a whole number, e.g. 3")
    if not NUMBER.match(value) or not math.isfinite(float(value)):
        return _("expected a number with a decimal point, e.g. 21.4061")
    return None


def date_problem(value: str) -> str | None:
    """Accept ISO dates only; name what a serial number or a day/month date would have meant."""
    iso = ISO_DAY.match(value)
    if iso:
        try:
            date.fromisoformat(iso.group(1))
        except ValueError:
            return _("not a real date: {expected}").format(expected=_(ISO_EXAMPLE))
        return None
    if INTEGER.match(value) and SERIAL_DAYS[0] <= float(value) <= SERIAL_DAYS[1]:
        day = EXCEL_EPOCH + timedelta(days=int(float(value)))
        return _(
            "an Excel serial day number (it means {day}): {expected}; "
            "format the column as Text and type the date"
        ).format(day=day.isoformat(), expected=_(ISO_EXAMPLE))
    day_first = DAY_FIRST.match(value)
    if day_first:
        return f"{_(ISO_EXAMPLE)}; {_day_month_hint(*map(int, day_first.groups()))}"
    year_first = YEAR_FIRST.match(value)
    if year_first:
        y, m, d = map(int, year_first.groups())
        meant = _iso(y, m, d)
        hint = _("did you mean {day}?").format(day=meant) if meant else _("did you mean a real date?")
        return f"{_(ISO_EXAMPLE)}; {hint}"
    return _(ISO_EXAMPLE)


def _day_month_hint(first: int, second: int, year: int) -> str:
    """Say what a `01/08/2025` date means read either way."""
    day_month, month_day = _iso(year, second, first), _iso(year, first, second)
    if day_month and month_day and day_month != month_day:
        return _("it could be {day_month} (day first, as in Vietnam) or {month_day} (month first)").format(
            day_month=day_month, month_day=month_day
        )
    meant = day_month or month_day
    return _("did you mean {day}?").format(day=meant) if meant else _("it is not a real date either way")


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
    box = _(
        "Vietnam lies within latitude {lat_low:g}–{lat_high:g} and longitude {lon_low:g}–{lon_high:g} "
        "(WGS84 degrees)"
    ).format(lat_low=VIETNAM_LAT[0], lat_high=VIETNAM_LAT[1], lon_low=VIETNAM_LON[0], lon_high=VIETNAM_LON[1])
    if VIETNAM_LAT[0] <= x <= VIETNAM_LAT[1] and VIETNAM_LON[0] <= y <= VIETNAM_LON[1]:
        return [("lat", lat, _("lat and lon look swapped (lon is {lon}): {box}").format(lon=lon, box=box))]
    found = []
    if not inside_lat:
        found.append(("lat", lat, _("outside Vietnam: {box}").format(box=box)))
    if not inside_lon:
        found.append(("lon", lon, _("outside Vietnam: {box}").format(box=box)))
    return found
