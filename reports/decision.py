"""The decision annex: the list of seconded staff a provincial decision attaches, as a Word document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Row

from i18n import N_, _
from models.scenario import Scenario
from reports.workbook import write_atomically

FONT = "Times New Roman"
BY = ("commune", "agency")
HEADERS = (
    N_("No."),
    N_("Full name"),
    N_("Current agency"),
    N_("Seconded to (commune or ward)"),
    N_("Field(s)"),
    N_("Period"),
)
WIDTHS_CM = (1.2, 5.0, 6.5, 5.0, 5.5, 4.5)
ROMAN = ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class AnnexRow:
    """One seconded person: their number in the list and the cells of their row."""

    number: int
    name: str
    agency: str
    commune: str
    fields: str
    period: str


@dataclass(frozen=True)
class AnnexGroup:
    """The people seconded to one commune (or released by one agency)."""

    title: str
    rows: tuple[AnnexRow, ...]


def roman(number: int) -> str:
    """I, II, ... XLV: the numbering of the groups in a Vietnamese list."""
    text = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        text += letters * count
    return text


def period_text(scenario: Scenario) -> str:
    """The secondment period as people write it, or a dash without one."""
    if scenario.period is None:
        return "—"
    return _("{start} to {end}").format(start=day(scenario.period.start), end=day(scenario.period.end))


def day(value: date) -> str:
    """A date in the language's usual form (01/08/2025 in Vietnamese)."""
    return _("{year}-{month:02d}-{day:02d}").format(year=value.year, month=value.month, day=value.day)


def annex_groups(assignments: pd.DataFrame, scenario: Scenario, by: str = "commune") -> list[AnnexGroup]:
    """The annex's groups, in the scenario's order of communes (or agencies), people numbered throughout.

    A person filling several seats is one row, with every field they cover.
    """
    names = {s.id: _(s.name) for s in scenario.specialties}
    people: dict[str, dict[str, object]] = {}
    for record in assignments.to_dict("records"):
        person = people.setdefault(
            str(record["candidate_id"]), {"commune": str(record["commune_id"]), "fields": []}
        )
        person["fields"].append(names.get(str(record["specialty"]), str(record["specialty"])))
    order = [c.id for c in scenario.communes] if by == "commune" else [a.id for a in scenario.agencies]
    period = period_text(scenario)
    grouped: dict[str, list[tuple[str, str, str]]] = {key: [] for key in order}
    for candidate_id, person in people.items():
        candidate = scenario.candidate_by_id[candidate_id]
        key = person["commune"] if by == "commune" else candidate.agency_id
        grouped[key].append((candidate_id, str(person["commune"]), "; ".join(person["fields"])))
    groups, number = [], 0
    places = {c.id: n for n, c in enumerate(scenario.communes)}
    for index, key in enumerate(k for k in order if grouped[k]):
        rows = []
        for candidate_id, commune_id, fields in sorted(
            grouped[key], key=lambda r: _sort_key(scenario, by, r, places)
        ):
            number += 1
            candidate = scenario.candidate_by_id[candidate_id]
            rows.append(
                AnnexRow(
                    number=number,
                    name=candidate.name,
                    agency=scenario.agency_by_id[candidate.agency_id].name,
                    commune=scenario.commune_by_id[commune_id].name,
                    fields=fields,
                    period=period,
                )
            )
        title = scenario.commune_by_id[key].name if by == "commune" else scenario.agency_by_id[key].name
        groups.append(AnnexGroup(title=f"{roman(index + 1)}. {title}", rows=tuple(rows)))
    return groups


def _sort_key(
    scenario: Scenario, by: str, row: tuple[str, str, str], places: dict[str, int]
) -> tuple[object, ...]:
    """Within a commune: by agency, then name; within an agency: by commune (in order), then name."""
    candidate = scenario.candidate_by_id[row[0]]
    first = scenario.agency_by_id[candidate.agency_id].name if by == "commune" else places[row[1]]
    return (first, candidate.name, candidate.id)


def write_annex(path: Path, groups: list[AnnexGroup], scenario: Scenario) -> None:
    """Write the annex: a landscape A4 page, the title, then one table with a heading and total per group."""
    document = Document()
    _page(document)
    _heading(document, scenario)
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        _text(cell.paragraphs[0], _(header), bold=True, center=True)
    _repeat_as_header(table.rows[0])
    total = 0
    for group in groups:
        _merged(table, group.title, bold=True)
        for row in group.rows:
            cells = table.add_row().cells
            values = (str(row.number), row.name, row.agency, row.commune, row.fields, row.period)
            for n, (cell, value) in enumerate(zip(cells, values, strict=True)):
                _text(cell.paragraphs[0], value, center=n in (0, 5))
        total += len(group.rows)
        _merged(table, _("Subtotal: {count} person(s)").format(count=len(group.rows)), italic=True)
    _merged(table, _("Total: {count} person(s)").format(count=total), bold=True)
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    write_atomically(path, lambda target: document.save(str(target)))


def _page(document: Document) -> None:
    """Landscape A4 with the margins of an administrative document, Times New Roman 13."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)


def _heading(document: Document, scenario: Scenario) -> None:
    """`Phụ lục`, the title in capitals, the decision it is attached to (left blank to fill) and the round."""
    _text(document.add_paragraph(), _("Annex"), bold=True, center=True, size=13)
    title = _("List of cadres, civil servants and public employees seconded")
    _text(document.add_paragraph(), title.upper(), bold=True, center=True, size=14)
    attached = _(
        "(Attached to Decision No. ....../QĐ-UBND of ..../..../20.... of the Provincial People's Committee)"
    )
    _text(document.add_paragraph(), attached, italic=True, center=True, size=13)
    _text(document.add_paragraph(), _("Round: {name}").format(name=scenario.name), center=True, size=13)
    document.add_paragraph()


def _text(
    paragraph: object,
    text: str,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    size: float | None = None,
) -> None:
    """Put a run of text in a paragraph."""
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _merged(table: Table, text: str, bold: bool = False, italic: bool = False) -> None:
    """A row whose cells are merged into one: a group heading or a total."""
    cells = table.add_row().cells
    merged = cells[0].merge(cells[-1])
    _text(merged.paragraphs[0], text, bold=bold, italic=italic)


def _repeat_as_header(row: _Row) -> None:
    """Repeat the header row at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
