"""Excel workbooks HR can filter: one table a sheet, frozen header, filters, widths, numbers as numbers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

# Text is always written as text: a name starting with = + - @ never becomes a formula or a link.
WRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
MIN_WIDTH, MAX_WIDTH = 8, 60
VERDICT_COLUMN = "better or worse"
VERDICT_FILLS = {"better": ("#DFF3E4", "#14532D"), "worse": ("#FDE2E1", "#7F1D1D")}


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file through a hidden sibling renamed into place, so no half-written file is left."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.partial{path.suffix}")
    try:
        write(staging)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write each frame to its own sheet with a frozen, filterable header row and fitted widths."""

    def write(target: Path) -> None:
        with pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": WRITER_OPTIONS}) as writer:
            header = writer.book.add_format({"bold": True, "bg_color": "#DDE7F0", "text_wrap": True})
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                sheet.freeze_panes(1, 0)
                if len(frame.columns):
                    sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
                for n, column in enumerate(frame.columns):
                    sheet.write(0, n, str(column), header)
                    sheet.set_column(n, n, _width(frame[column], str(column)), _format(writer, frame[column]))
                    if column == VERDICT_COLUMN and len(frame):
                        _colour_verdicts(writer, sheet, n, len(frame))

    write_atomically(path, write)


def _colour_verdicts(writer: pd.ExcelWriter, sheet: object, column: int, rows: int) -> None:
    """Cells saying `better` green, `worse` red, as on the comparison page."""
    for word, (fill, font) in VERDICT_FILLS.items():
        style = writer.book.add_format({"bg_color": fill, "font_color": font})
        sheet.conditional_format(  # type: ignore[attr-defined]
            1, column, rows, column, {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": style}
        )


def _width(values: pd.Series, header: str) -> int:
    """Column width from the longest cell, within bounds."""
    longest = max([len(header), *(len(str(v)) for v in values.head(500))])
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _format(writer: pd.ExcelWriter, values: pd.Series) -> object | None:
    """Shares as percentages, fractional numbers to two decimals; integers and text as they are."""
    if not pd.api.types.is_float_dtype(values):
        return None
    if "share" in str(values.name):
        return writer.book.add_format({"num_format": "0.0%"})
    if not (values.dropna() % 1 == 0).all():
        return writer.book.add_format({"num_format": "#,##0.00"})
    return None
