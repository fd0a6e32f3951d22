"""Read a scenario table (CSV or a sheet of an .xlsx workbook) as numbered rows of text."""

from __future__ import annotations

import _csv
import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from i18n import N_, _
from models.errors import InputProblem, ScenarioError

MAX_FILE_BYTES = 64 * 2**20
MAX_UNPACKED_BYTES = 256 * 2**20
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
SEPARATORS = (",", ";", "\t")
WORKBOOKS = {".xlsx", ".xlsm"}
OTHER_FORMATS = {
    ".xls": N_("an Excel 97-2003 workbook"),
    ".ods": N_("an OpenDocument spreadsheet"),
    ".numbers": N_("a Numbers file"),
}
Refuse = Callable[..., ScenarioError]
Records = Iterable[tuple[int, list[str]]]
"""Rows of cells, each with its spreadsheet row number (header = 1)."""
SAVE_AS = N_("save it from the spreadsheet as 'CSV UTF-8' or as an .xlsx workbook")


@dataclass(frozen=True)
class Table:
    """A table's display name and its rows, each with its spreadsheet row number (header = 1)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_table(spec: str, base: Path, allow_outside: bool = False) -> Table:
    """Read `file.csv` or `book.xlsx#sheet`, relative to the scenario folder."""

    def refuse(expected: str, row: int | None = None) -> ScenarioError:
        return ScenarioError([InputProblem(spec, expected, row=row)])

    try:
        return _read(spec, base, allow_outside, refuse)
    except (OSError, ValueError) as error:  # a name the system refuses, a file it cannot read
        expected = _("cannot be read: {error}").format(error=getattr(error, "strerror", None) or error)
        raise refuse(expected) from None


def _read(spec: str, base: Path, allow_outside: bool, refuse: Refuse) -> Table:
    """Check where the table is and how big, then read it by its kind."""
    file_part, hash_sign, sheet = spec.partition("#")
    path = located(file_part, base, allow_outside, refuse, MAX_FILE_BYTES)
    suffix = path.suffix.lower()
    if suffix in OTHER_FORMATS:
        raise refuse(_("is {format}: {fix}").format(format=_(OTHER_FORMATS[suffix]), fix=_(SAVE_AS)))
    if suffix in WORKBOOKS:
        records, beyond = _sheet_records(path, sheet, refuse)
        return _table(spec, records, refuse, beyond)
    if hash_sign:
        raise refuse(
            _("names a sheet, but only an .xlsx workbook has sheets (the file is {kind})").format(
                kind=suffix or _("text")
            )
        )
    return _table(spec, _csv_records(path.read_bytes(), refuse), refuse)


def located(file_part: str, base: Path, allow_outside: bool, refuse: Refuse, max_bytes: int) -> Path:
    """The file a scenario names: inside its folder (unless allowed), present, and not too big."""
    path = base / file_part
    if not allow_outside and not path.resolve().is_relative_to(base.resolve()):
        raise refuse(
            _(
                "is outside the scenario folder {folder}: copy it into the folder, "
                "or pass --allow-outside-paths if that is intended"
            ).format(folder=base)
        )
    if not path.is_file():
        raise refuse(_("table file not found at {path}").format(path=path))
    size = path.stat().st_size
    if size > max_bytes:
        raise refuse(
            _("is {size}; a table may be at most {limit}").format(
                size=size_text(size), limit=size_text(max_bytes)
            )
        )
    return path


def _table(name: str, records: Records, refuse: Refuse, beyond: str | None = None) -> Table:
    """Header and numbered non-blank rows; ragged, duplicate-header and over-long tables refused.

    Every step costs time in proportion to the cells actually present; `beyond` says what a row
    with values right of the header's last column means (for CSV: an unquoted separator).
    """
    numbered = iter(records)
    try:
        _row, header = next(numbered)
    except StopIteration:
        raise refuse(_("is empty; expected a header row"), row=1) from None
    columns = tuple(cell.strip() for cell in header)
    named = [column for column in columns if column]
    if not named:
        raise refuse(_("the first row must be the header with the column names; it is blank"), row=1)
    if len(columns) > MAX_COLUMNS:
        raise refuse(
            _("has {count:,} columns; a table may have at most {limit:,}").format(
                count=len(columns), limit=MAX_COLUMNS
            ),
            row=1,
        )
    if len(named) == 1:
        number, first = next(numbered, (2, []))
        if sum(1 for cell in first if cell.strip()) > 1:
            raise refuse(
                _(
                    "the first row must be the header with the column names; it holds only {name} "
                    "(a title row? delete it)"
                ).format(name=repr(named[0])),
                row=1,
            )
        numbered = itertools.chain([(number, first)], numbered)
    first_seen: dict[str, int] = {}
    problems = []
    for i, column in enumerate(columns):
        if column and column in first_seen:
            problems.append(
                InputProblem(
                    name,
                    _("column {column} appears twice (columns {first} and {second})").format(
                        column=repr(column), first=first_seen[column] + 1, second=i + 1
                    ),
                    row=1,
                )
            )
        first_seen.setdefault(column, i)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in numbered:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if len(rows) + len(problems) == MAX_ROWS:
            raise refuse(
                _("has more than {rows:,} rows; split the scenario or remove unused rows").format(
                    rows=MAX_ROWS
                )
            )
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            problems.append(
                InputProblem(
                    name,
                    beyond
                    or _(
                        "has {cells} cells but the header has {columns} columns: a value holding "
                        "the separator must be in double quotes"
                    ).format(cells=len(cells), columns=len(columns)),
                    row=number,
                )
            )
            continue
        rows.append((number, {c: v for c, v in zip(columns, cells, strict=False) if c}))
    if problems:
        raise ScenarioError(problems)
    return Table(name=name, columns=tuple(c for c in columns if c), rows=tuple(rows))


def _csv_records(data: bytes, refuse: Refuse) -> Iterator[list[str]]:
    """Decode UTF-8 (with or without BOM) and split on the separator the header uses."""
    if data.startswith(b"PK\x03\x04"):
        raise refuse(_("is a zipped workbook, not CSV text: name it .xlsx"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise refuse(_("is UTF-16 text (Excel's 'Unicode Text'); {fix}").format(fix=_(SAVE_AS)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise refuse(
            _(
                "is not UTF-8 text (byte 0x{byte:02X}; Windows-1258 or Latin-1 would misread Vietnamese "
                "letters); {fix}"
            ).format(byte=byte, fix=_(SAVE_AS)),
            row=data[: error.start].count(b"\n") + 1,
        ) from None
    if "\x00" in text:
        raise refuse(_("holds NUL characters, so it is not CSV text; {fix}").format(fix=_(SAVE_AS)))
    first_line = text.partition("\n")[0]
    separator = max(SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    return _guarded(reader, refuse)


def _guarded(reader: _csv.Reader, refuse: Refuse) -> Iterator[tuple[int, list[str]]]:
    """CSV records, turning a malformed quote or an over-long cell into a problem naming the line."""
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise refuse(_("is not valid CSV: {error}").format(error=error), row=reader.line_num) from None


def _sheet_records(path: Path, sheet: str, refuse: Refuse) -> tuple[Records, str]:
    """One visible sheet's rows as text, refusing a workbook that would unpack beyond a sane size."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise refuse(_("is not a readable .xlsx workbook ({error})").format(error=error)) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            _(
                "would unpack to {size} (at most {limit} is read): remove unused sheets, rows and "
                "formatting, or save the table as CSV"
            ).format(size=size_text(unpacked), limit=size_text(MAX_UNPACKED_BYTES))
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a corrupt workbook
        raise refuse(
            _("is not a readable .xlsx workbook ({error})").format(error=f"{type(error).__name__}: {error}")
        ) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise refuse(
                _("has no sheet {sheet} (its sheets: {sheets})").format(
                    sheet=repr(sheet), sheets=", ".join(book.sheetnames)
                )
            )
        worksheet = book[sheet] if sheet else book.worksheets[0]
        if worksheet.sheet_state != "visible":
            raise refuse(
                _(
                    "sheet {sheet!r} is hidden in the workbook, so nobody reviewing it sees this table: "
                    "unhide it, or name a visible sheet"
                ).format(sheet=worksheet.title)
            )
        return _sparse_rows(book, worksheet, refuse)
    except ScenarioError:
        raise
    except Exception as error:  # a corrupt sheet fails while its rows are read
        raise refuse(
            _("is not a readable .xlsx workbook ({error})").format(error=f"{type(error).__name__}: {error}")
        ) from None
    finally:
        book.close()


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook that `read_table` has already opened once (so it is known to be sane)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _sparse_rows(book: Any, worksheet: Any, refuse: Refuse) -> tuple[Records, str]:
    """The sheet's rows from its XML, cell by cell, so the cost follows the cells that exist.

    openpyxl's own row iterator pads every row to the sheet's width (16,384 cells when a workbook
    has no `<dimension>` and one far-right cell), so the rows are parsed with its sheet parser instead.
    A formula is refused rather than its cached value used; values right of the header's last
    column are kept only to be reported.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    parser = WorkSheetParser(
        worksheet._get_source(),
        worksheet._shared_strings,
        data_only=False,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    records: list[tuple[int, list[str]]] = []
    formulas: list[InputProblem] = []
    width, header, filled = 0, (), 0
    for number, cells in parser.parse():
        present = [cell for cell in cells if cell["value"] is not None and str(cell["value"]).strip()]
        if not present:
            continue
        if not records:
            width = max(cell["column"] for cell in present)
            header = [""] * width
            for cell in present:
                header[cell["column"] - 1] = _text(cell["value"])
        row = [""] * width
        beyond = []
        for cell in present:
            if cell["data_type"] == "f":
                column = header[cell["column"] - 1] if cell["column"] <= width else ""
                expected = _(
                    "cell {cell} holds the formula {formula}: the table must hold values "
                    "(copy the column and paste it back as values only)"
                ).format(
                    cell=f"{get_column_letter(cell['column'])}{number}", formula=_formula_text(cell["value"])
                )
                (problem,) = refuse(expected, row=number).problems
                formulas.append(replace(problem, column=column.strip() or None))
            elif cell["column"] <= width:
                row[cell["column"] - 1] = _text(cell["value"])
            else:
                beyond.append(_text(cell["value"]))
        records.append((number, row + beyond))
        filled += 1
        if filled > MAX_ROWS + 2 or len(formulas) > MAX_ROWS:
            break
    if formulas:
        raise ScenarioError(formulas)
    hint = _(
        "holds values right of the header's last column ({letter}): give each value a column name "
        "in row 1, or delete it"
    ).format(letter=get_column_letter(max(width, 1)))
    return records, hint


def _formula_text(value: object) -> str:
    """A formula as typed (`=A2+1`), whatever kind openpyxl parsed it as."""
    text = getattr(value, "text", value)
    return str(text if isinstance(text, str) else value)


def _text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: whole numbers without `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def size_text(count: int) -> str:
    """A byte count for people: bytes below a megabyte, else whole megabytes."""
    return _("{count:,} bytes").format(count=count) if count < 2**20 else f"{count / 2**20:,.0f} MB"
