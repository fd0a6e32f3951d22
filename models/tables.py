"""Read a scenario table (CSV or a sheet of an .xlsx workbook) as numbered rows of text."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.errors import InputProblem, ScenarioError


@dataclass(frozen=True)
class Table:
    """A table's display name and its rows, each with its spreadsheet row number (header = 1)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_table(spec: str, base: Path) -> Table:
    """Read `file.csv` or `book.xlsx#sheet`, relative to the scenario folder."""
    file_part, _, sheet = spec.partition("#")
    path = base / file_part
    name = f"{file_part}#{sheet}" if sheet else file_part
    if not path.is_file():
        raise ScenarioError([InputProblem(name, f"table file not found at {path}")])
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = _read_sheet(path, sheet or None, name)
    else:
        frame = _read_csv(path, name)
    columns = tuple(str(c).strip() for c in frame.columns)
    frame.columns = list(columns)
    rows = tuple(
        (number + 2, record)
        for number, record in enumerate(frame.to_dict("records"))
        if any(value.strip() for value in record.values())
    )
    return Table(name=name, columns=columns, rows=rows)


def _read_csv(path: Path, name: str) -> pd.DataFrame:
    """Read a UTF-8 CSV (BOM or not; comma or semicolon separated) with every cell as text."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
            separator = ";" if header.count(";") > header.count(",") else ","
            handle.seek(0)
            frame = pd.read_csv(
                handle,
                sep=separator,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
            )
    except UnicodeDecodeError as error:
        raise ScenarioError(
            [InputProblem(name, f"is not UTF-8 text (byte {error.start}); save it as 'CSV UTF-8'")]
        ) from None
    except pd.errors.EmptyDataError:
        raise ScenarioError([InputProblem(name, "is empty; expected a header row")]) from None
    except pd.errors.ParserError as error:
        raise ScenarioError([InputProblem(name, f"is not valid CSV: {error}")]) from None
    return frame


def _read_sheet(path: Path, sheet: str | None, name: str) -> pd.DataFrame:
    """Read one sheet of a workbook with every cell as text."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)
    except ValueError as error:
        raise ScenarioError([InputProblem(name, f"cannot read the sheet: {error}")]) from None
    except Exception as error:  # openpyxl raises many kinds for a corrupt workbook
        raise ScenarioError([InputProblem(name, f"is not a readable .xlsx workbook: {error}")]) from None
    return frame
