"""A corpus of malformed scenarios, each made from the tiny scenario by one mistake a planner makes.

Each case names its group (what is wrong), how to make it, and the texts the error output must hold:
file, row, column, the value and what was expected.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

Make = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One malformed scenario and what its error output must say."""

    group: str
    name: str
    make: Make
    expect: tuple[str, ...]


def edit(file: str, old: str, new: str, count: int = 1) -> Make:
    """Replace text in one of the scenario's files (the text must be there)."""

    def make(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return make


def write(file: str, content: str | bytes) -> Make:
    """Replace a file's whole content."""

    def make(folder: Path) -> None:
        path = folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return make


def recode(file: str, encoding: str, bom: bytes = b"") -> Make:
    """Save a file in another encoding (unencodable letters become `?`)."""

    def make(folder: Path) -> None:
        path = folder / file
        path.write_bytes(bom + path.read_text(encoding="utf-8").encode(encoding, errors="replace"))

    return make


def both(*steps: Make) -> Make:
    """Several mistakes in one scenario."""

    def make(folder: Path) -> None:
        for step in steps:
            step(folder)

    return make


def workbook(sheets: dict[str, str], book: str = "book.xlsx") -> Make:
    """Move tables into sheets of one workbook (`{sheet: csv file}`), with every cell as text."""

    def make(folder: Path) -> None:
        with pd.ExcelWriter(folder / book) as writer:
            for sheet, file in sheets.items():
                frame = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
                frame.to_excel(writer, sheet_name=sheet, index=False)
        for sheet, file in sheets.items():
            edit("scenario.yaml", f": {file}", f": {book}#{sheet}")(folder)

    return make


def other_sheet(folder: Path) -> None:
    """A workbook whose only sheet is called `other`."""
    pd.DataFrame({"id": ["x"]}).to_excel(folder / "book.xlsx", sheet_name="other", index=False)


def numeric_workbook(folder: Path) -> None:
    """candidates and communes as sheets with real numbers and dates typed in Excel."""
    communes = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False)
    communes["id"] = communes["id"].astype(int)
    candidates = pd.read_csv(folder / "candidates.csv", dtype=str, keep_default_na=False)
    candidates["available_from"] = ["", "", 45839, ""]
    with pd.ExcelWriter(folder / "book.xlsx") as writer:
        communes.to_excel(writer, sheet_name="communes", index=False)
        candidates.to_excel(writer, sheet_name="candidates", index=False)
    edit("scenario.yaml", ": communes.csv", ": book.xlsx#communes")(folder)
    edit("scenario.yaml", ": candidates.csv", ": book.xlsx#candidates")(folder)


def huge_rows(folder: Path) -> None:
    """A candidates table with more rows than a scenario may have."""
    lines = ["id,name,agency_id,specialties"] + [f"Q{i},Người {i},SYT,health" for i in range(200_001)]
    (folder / "candidates.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def huge_bytes(folder: Path) -> None:
    """A 65 MB table (sparse: nothing is actually written)."""
    with (folder / "distances.csv").open("wb") as handle:
        handle.truncate(65 * 2**20)
    edit("scenario.yaml", "  agencies: agencies.csv", "  agencies: agencies.csv\n  distances: distances.csv")(
        folder
    )


def alias_bomb(folder: Path) -> None:
    """Billion laughs: nested YAML aliases that expand to 10^9 values."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = folder / "scenario.yaml"
    path.write_text("\n".join(lines) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def scalar_alias_bomb(folder: Path) -> None:
    """One long text anchored once and named by alias 10,000 times: few nodes, 3 MB of text."""
    anchor = "x" * 300
    aliases = ",".join(["*long"] * 10_000)
    edit("scenario.yaml", 'name: "Tiny — two communes"', f'name: &long "{anchor}"\ndescription: [{aliases}]')(
        folder
    )


def many_problems(folder: Path) -> None:
    """19,000 forbids naming nobody, written with one anchor: every one is a problem."""
    entry = '&f {candidate: "PXX' + "y" * 30 + '", commune: "03127"}'
    edit(
        "scenario.yaml", '  - {candidate: P003, commune: "03127"}', f"  [{entry},{','.join(['*f'] * 19_000)}]"
    )(folder)
    edit("scenario.yaml", "forbid:\n", "forbid:")(folder)


def wide_header(folder: Path) -> None:
    """A header of 200,000 columns, each named differently (a quadratic check would take minutes)."""
    names = ",".join(f"c{i}" for i in range(200_000))
    edit("agencies.csv", "max_release\n", f"max_release,{names}\n")(folder)


def rewrite_sheet(book: Path, change: Callable[[str], str]) -> None:
    """Edit the XML of a workbook's first sheet in place."""
    import zipfile

    with zipfile.ZipFile(book) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)


def far_right(value: str | None, rows: int = 1) -> Make:
    """The agencies as a sheet without `<dimension>`, each data row with a cell in column XFD (the last).

    With `value` None the far cells are empty but styled (as formatting leaves them): the table reads
    as it is; with a value they are data beyond the header, refused. `rows` copies of the last agency
    make the sheet long enough that padding every row to 16,384 cells would take minutes.
    """

    def make(folder: Path) -> None:
        frame = pd.read_csv(folder / "agencies.csv", dtype=str, keep_default_na=False)
        extra = [{**frame.iloc[-1].to_dict(), "id": f"X{i}", "name": f"Sở {i}"} for i in range(rows - 1)]
        frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
        frame.to_excel(folder / "book.xlsx", sheet_name="agencies", index=False)
        cell = (
            '<c r="XFD{n}" s="0"/>'
            if value is None
            else f'<c r="XFD{{n}}" t="inlineStr"><is><t>{value}</t></is></c>'
        )

        def change(xml: str) -> str:
            import re

            xml = re.sub(r"<dimension [^>]*/>", "", xml)
            return re.sub(
                r'(<row r="([2-9]|\d\d+)"[^>]*>)(.*?)</row>',
                lambda m: m.group(1) + m.group(3) + cell.format(n=m.group(2)) + "</row>",
                xml,
            )

        rewrite_sheet(folder / "book.xlsx", change)
        edit("scenario.yaml", ": agencies.csv", ": book.xlsx#agencies")(folder)

    return make


def hidden_sheet(folder: Path) -> None:
    """communes as the first sheet of a workbook, but hidden: reviewers of the book never see it."""
    import openpyxl

    frame = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False)
    with pd.ExcelWriter(folder / "book.xlsx") as writer:
        frame.to_excel(writer, sheet_name="old", index=False)
        frame.to_excel(writer, sheet_name="communes", index=False)
    book = openpyxl.load_workbook(folder / "book.xlsx")
    book["old"].sheet_state = "hidden"
    book.active = 1
    book.save(folder / "book.xlsx")
    edit("scenario.yaml", ": communes.csv", ": book.xlsx")(folder)


def formula_cell(folder: Path) -> None:
    """A capacity computed by a formula in the communes sheet (its cached value must not be used)."""
    import openpyxl

    workbook({"communes": "communes.csv"})(folder)
    book = openpyxl.load_workbook(folder / "book.xlsx")
    book["communes"]["F3"] = "=1+1"
    book.save(folder / "book.xlsx")


def outside_table(folder: Path) -> None:
    """A table in a sibling folder, named with `..`."""
    (folder.parent / "elsewhere").mkdir(exist_ok=True)
    (folder / "agencies.csv").rename(folder.parent / "elsewhere" / "agencies.csv")
    edit("scenario.yaml", "agencies: agencies.csv", "agencies: ../elsewhere/agencies.csv")(folder)


NFC_AGENCY = unicodedata.normalize("NFC", "Sở_Y_tế")
NFD_AGENCY = unicodedata.normalize("NFD", "Sở_Y_tế")
SEMICOLONS = "id;name;lat;lon;staff;max_release\nSKHCN;Sở KH&CN;21,3861;103,0172;80;2\n"
UTF16 = codecs.BOM_UTF16_LE + "id,name\nA,Sở\n".encode("utf-16-le")

CASES = [
    # scenario.yaml that cannot be read
    Case(
        "yaml",
        "syntax",
        edit("scenario.yaml", "detour_factor: 1.6", "detour_factor: [1.6"),
        ("scenario.yaml, row ", "not valid YAML"),
    ),
    Case(
        "yaml",
        "tab_indent",
        edit("scenario.yaml", "  max_distance_km: 250", "\tmax_distance_km: 250"),
        ("scenario.yaml, row 9", "not valid YAML", "'\\t'"),
    ),
    Case(
        "yaml",
        "list_not_mapping",
        write("scenario.yaml", "- communes.csv\n- shortages.csv\n"),
        ("scenario.yaml, row 1", "expected a mapping"),
    ),
    Case("yaml", "empty", write("scenario.yaml", ""), ("scenario.yaml, row 1", "is empty")),
    Case(
        "yaml",
        "duplicate_key",
        edit("scenario.yaml", "pins:", "policy:\n  speed_kmh: 40\npins:"),
        ("scenario.yaml, row 15", "key 'policy' appears twice (first on line 8)"),
    ),
    Case(
        "yaml",
        "python_tag",
        edit(
            "scenario.yaml",
            'name: "Tiny — two communes"',
            'name: !!python/object/apply:os.system ["echo owned"]',
        ),
        ("scenario.yaml, row 1", "not valid YAML", "could not determine a constructor"),
    ),
    Case("yaml", "windows_1258", recode("scenario.yaml", "cp1258"), ("scenario.yaml", "not UTF-8")),
    Case("yaml", "alias_bomb", alias_bomb, ("scenario.yaml", "expands to more than 100,000 values")),
    Case(
        "yaml",
        "scalar_alias_bomb",
        scalar_alias_bomb,
        ("scenario.yaml", "or 1,048,576 characters of text (through aliases?)"),
    ),
    Case(
        "yaml",
        "many_problems_are_counted",
        many_problems,
        (
            "the input has 19001 problem(s)",
            "column 'forbid[0].candidate': got 'PXXyyy",
            "… and 18,901 more problem(s) not listed",
        ),
    ),
    Case(
        "yaml",
        "huge",
        edit("scenario.yaml", 'name: "Tiny', "description: " + "x" * 2**20 + '\nname: "Tiny'),
        ("scenario.yaml", "it may be at most 1,048,576"),
    ),
    # required keys missing, misspelt or of the wrong type
    Case(
        "keys",
        "missing_name",
        edit("scenario.yaml", 'name: "Tiny — two communes"\n', ""),
        ("scenario.yaml, row 1, column 'name': a value is required",),
    ),
    Case(
        "keys",
        "misspelt_tables",
        edit("scenario.yaml", "tables:", "tablez:"),
        (
            "scenario.yaml, row 1, column 'tables': a value is required",
            "scenario.yaml, row 3, column 'tablez'",
            "unknown key",
        ),
    ),
    Case(
        "keys",
        "misspelt_policy_key",
        edit("scenario.yaml", "max_distance_km: 250", "max_distnace_km: 250"),
        ("scenario.yaml, row 9, column 'policy.max_distnace_km': got 250: unknown key",),
    ),
    Case(
        "keys",
        "missing_table_key",
        edit("scenario.yaml", "  agencies: agencies.csv\n", ""),
        ("scenario.yaml, row 3, column 'tables.agencies': a value is required",),
    ),
    Case(
        "keys",
        "misspelt_table_key",
        edit("scenario.yaml", "communes: communes.csv", "comunes: communes.csv"),
        ("column 'tables.comunes'", "unknown key", "column 'tables.communes': a value is required"),
    ),
    Case(
        "keys",
        "unknown_objective",
        edit("scenario.yaml", "fairness, distance]", "happiness]"),
        ("scenario.yaml, row 12, column 'policy.objectives[1]': got 'happiness'", "'coverage'"),
    ),
    Case(
        "keys",
        "text_for_number",
        edit("scenario.yaml", "detour_factor: 1.6", "detour_factor: fast"),
        ("scenario.yaml, row 10, column 'policy.detour_factor': got 'fast': expected a number",),
    ),
    Case(
        "keys",
        "text_for_flag",
        edit("scenario.yaml", "avoid_home_commune: true", "avoid_home_commune: maybe"),
        ("scenario.yaml, row 11, column 'policy.avoid_home_commune': got 'maybe'",),
    ),
    Case(
        "keys",
        "pins_not_a_list",
        edit("scenario.yaml", "pins:\n  - {", "pins: {"),
        ("scenario.yaml, row 15, column 'pins'", "expected a list"),
    ),
    Case(
        "keys",
        "period_day_first",
        edit("scenario.yaml", "start: 2025-08-01", "start: 01/08/2025"),
        (
            "scenario.yaml, row 2, column 'period.start': got '01/08/2025'",
            "yyyy-mm-dd",
            "2025-08-01 (day first",
        ),
    ),
    Case(
        "keys",
        "period_reversed",
        edit("scenario.yaml", "end: 2026-07-31", "end: 2024-07-31"),
        ("scenario.yaml, row 2, column 'period': start 2025-08-01 is after end 2024-07-31",),
    ),
    # tables that are missing, empty or not tables
    Case(
        "tables",
        "file_missing",
        lambda f: (f / "agencies.csv").unlink(),
        ("agencies.csv: table file not found",),
    ),
    Case(
        "tables",
        "sheet_missing",
        both(other_sheet, edit("scenario.yaml", ": agencies.csv", ": book.xlsx#agencies")),
        ("book.xlsx#agencies: has no sheet 'agencies' (its sheets: other)",),
    ),
    Case(
        "tables",
        "empty_file",
        write("agencies.csv", ""),
        ("agencies.csv, row 1: is empty; expected a header row",),
    ),
    Case(
        "tables",
        "header_only",
        write("shortages.csv", "commune_id,specialty,seats\n"),
        ("shortages.csv, row 2: has a header but no rows",),
    ),
    Case(
        "tables",
        "title_row_above_header",
        edit("agencies.csv", "id,name", "Danh sách sở\nid,name"),
        ("agencies.csv, row 1: the first row must be the header", "'Danh sách sở'"),
    ),
    Case(
        "tables",
        "sheet_of_a_csv",
        edit("scenario.yaml", "agencies: agencies.csv", "agencies: agencies.csv#so"),
        ("agencies.csv#so: names a sheet, but only an .xlsx workbook has sheets",),
    ),
    Case(
        "tables",
        "old_xls",
        both(
            write("agencies.xls", b"\xd0\xcf\x11\xe0"), edit("scenario.yaml", "agencies.csv", "agencies.xls")
        ),
        ("agencies.xls: is an Excel 97-2003 workbook", "CSV UTF-8"),
    ),
    Case(
        "tables",
        "corrupt_xlsx",
        both(
            write("book.xlsx", b"PK\x03\x04 not really"), edit("scenario.yaml", "agencies.csv", "book.xlsx")
        ),
        ("book.xlsx: is not a readable .xlsx workbook",),
    ),
    Case(
        "tables",
        "workbook_named_csv",
        write("agencies.csv", b"PK\x03\x04\x14\x00"),
        ("agencies.csv: is a zipped workbook, not CSV text: name it .xlsx",),
    ),
    Case(
        "tables",
        "outside_folder",
        outside_table,
        ("../elsewhere/agencies.csv: is outside the scenario folder", "--allow-outside-paths"),
    ),
    Case(
        "tables",
        "absolute_path",
        edit("scenario.yaml", "agencies: agencies.csv", "agencies: /etc/passwd"),
        ("/etc/passwd: is outside the scenario folder",),
    ),
    Case(
        "tables",
        "nul_in_the_name",
        edit("scenario.yaml", "agencies: agencies.csv", 'agencies: "agen\\0cies.csv"'),
        ("scenario.yaml, row 7, column 'tables.agencies'", "U+0000 (a control character)"),
    ),
    Case(
        "tables",
        "name_too_long",
        edit("scenario.yaml", "agencies: agencies.csv", "agencies: " + "a" * 300 + ".csv"),
        ("cannot be read: File name too long",),
    ),
    Case("tables", "huge_rows", huge_rows, ("candidates.csv: has more than 200,000 rows",)),
    Case("tables", "huge_bytes", huge_bytes, ("distances.csv: is 65 MB; a table may be at most 64 MB",)),
    # columns missing, misspelt, doubled or shifted
    Case(
        "columns",
        "missing",
        edit("agencies.csv", "max_release", "release"),
        (
            "agencies.csv, row 1, column 'max_release': required column is missing",
            "is 'release' meant to be it?",
        ),
    ),
    Case(
        "columns",
        "misspelt_optional",
        edit("shortages.csv", "priority", "priorty"),
        ("shortages.csv, row 1, column 'priorty': unknown column; did you mean 'priority'?",),
    ),
    Case(
        "columns",
        "case_and_spaces",
        edit("candidates.csv", "max_distance_km", "Max Distance KM"),
        ("candidates.csv, row 1, column 'Max Distance KM': unknown column; did you mean 'max_distance_km'?",),
    ),
    Case(
        "columns",
        "doubled",
        edit("communes.csv", "capacity,tags", "capacity,lat"),
        ("communes.csv, row 1: column 'lat' appears twice (columns 4 and 7)",),
    ),
    Case(
        "columns",
        "two_hundred_thousand",
        wide_header,
        ("agencies.csv, row 1: has 200,006 columns; a table may have at most 1,000",),
    ),
    Case(
        "columns",
        "far_right_values_in_a_sheet_without_dimension",
        far_right("stray", rows=3_000),
        ("book.xlsx#agencies, row 2: holds values right of the header's last column (F)",),
    ),
    Case(
        "workbooks",
        "hidden_sheet",
        hidden_sheet,
        ("book.xlsx: sheet 'old' is hidden in the workbook", "unhide it, or name a visible sheet"),
    ),
    Case(
        "workbooks",
        "formula",
        formula_cell,
        ("book.xlsx#communes, row 3, column 'capacity': cell F3 holds the formula =1+1",),
    ),
    Case(
        "columns",
        "shifted_by_a_comma",
        edit("agencies.csv", "Sở Y tế", "Sở Y, tế"),
        ("agencies.csv, row 4: has 7 cells but the header has 6 columns",),
    ),
    # ids given twice
    Case(
        "duplicates",
        "candidate",
        edit("candidates.csv", "P002,", "P001,"),
        ("candidates.csv, row 3, column 'id': got 'P001': duplicate, first seen on row 2",),
    ),
    Case(
        "duplicates",
        "commune",
        edit("communes.csv", "03158,Xã", "03127,Xã"),
        ("communes.csv, row 3, column 'id': got '03127': duplicate, first seen on row 2",),
    ),
    Case(
        "duplicates",
        "shortage",
        edit("shortages.csv", "03158,health", "03158,it"),
        ("shortages.csv, row 4, column 'commune_id': got '03158/it': duplicate, first seen on row 3",),
    ),
    Case(
        "duplicates",
        "nfc_and_nfd",
        both(
            edit("agencies.csv", "STNMT,", NFC_AGENCY + ","), edit("agencies.csv", "SYT,", NFD_AGENCY + ",")
        ),
        ("agencies.csv, row 4, column 'id'", "duplicate, first seen on row 3"),
    ),
    # references to ids that do not exist
    Case(
        "references",
        "commune",
        edit("shortages.csv", "03127,land", "03999,land"),
        ("shortages.csv, row 2, column 'commune_id': got '03999': unknown commune id",),
    ),
    Case(
        "references",
        "agency",
        edit("candidates.csv", "Quàng Thị Hoa,STNMT", "Quàng Thị Hoa,SXX"),
        ("candidates.csv, row 3, column 'agency_id': got 'SXX': unknown agency id",),
    ),
    Case(
        "references",
        "specialty",
        edit("candidates.csv", "it:3,03127", "cooking,03127"),
        ("candidates.csv, row 2, column 'specialties': got 'cooking': unknown specialty id",),
    ),
    Case(
        "references",
        "home_commune",
        edit("candidates.csv", "health,03158", "health,03159"),
        ("candidates.csv, row 4, column 'home_commune_id': got '03159': unknown commune id",),
    ),
    Case(
        "references",
        "pin",
        edit("scenario.yaml", "candidate: P001", "candidate: P999"),
        ("scenario.yaml, row 16, column 'pins[0].candidate': got 'P999': unknown candidate id",),
    ),
    Case(
        "references",
        "forbid",
        edit("scenario.yaml", 'commune: "03127"', 'commune: "03999"'),
        ("scenario.yaml, row 18, column 'forbid[0].commune': got '03999': unknown commune id",),
    ),
    Case(
        "references",
        "floor_tag",
        edit("scenario.yaml", '"tag:border"', '"tag:boder"'),
        (
            "scenario.yaml, row 14, column 'policy.min_coverage[0].communes': got 'tag:boder'",
            "no commune has this tag",
        ),
    ),
    # codes that lost their leading zero in a spreadsheet
    Case(
        "leading_zeros",
        "in_shortages",
        edit("shortages.csv", "03158,it", "3158,it"),
        ("shortages.csv, row 3, column 'commune_id': got '3158'", "did you mean '03158'", "leading zero"),
    ),
    Case(
        "leading_zeros",
        "in_communes",
        edit("communes.csv", "03127,", "3127,"),
        (
            "communes.csv, row 2, column 'id': got '3127': looks like '03127' without its leading zero",
            "shortages.csv, row 2, column 'commune_id': got '03127'",
            "communes.csv has '3127'",
        ),
    ),
    Case(
        "leading_zeros",
        "in_a_pin",
        edit("scenario.yaml", 'commune: "03158"', "commune: 3158"),
        ("scenario.yaml, row 16, column 'pins[0].commune': got '3158'", "did you mean '03158'"),
    ),
    Case(
        "leading_zeros",
        "in_a_workbook",
        numeric_workbook,
        (
            "shortages.csv, row 2, column 'commune_id': got '03127'",
            "book.xlsx#communes has '3127'",
            "book.xlsx#candidates, row 4, column 'available_from': got '45839'",
            "it means 2025-07-01",
        ),
    ),
    # cells of the wrong type
    Case(
        "types",
        "text_seats",
        edit("shortages.csv", "03127,land,1", "03127,land,one"),
        ("shortages.csv, row 2, column 'seats': got 'one': expected a whole number",),
    ),
    Case(
        "types",
        "fraction_of_people",
        edit("shortages.csv", "03127,land,1", "03127,land,3.5"),
        ("shortages.csv, row 2, column 'seats': got '3.5': expected a whole number, e.g. 3 (not a",),
    ),
    Case(
        "types",
        "date_day_first",
        edit("candidates.csv", "2025-07-01", "01/07/2025"),
        (
            "candidates.csv, row 4, column 'available_from': got '01/07/2025'",
            "yyyy-mm-dd",
            "2025-07-01 (day first, as in Vietnam) or 2025-01-07 (month first)",
        ),
    ),
    Case(
        "types",
        "date_dotted",
        edit("candidates.csv", "2025-07-01", "1.7.2025"),
        ("candidates.csv, row 4, column 'available_from': got '1.7.2025'", "yyyy-mm-dd"),
    ),
    Case(
        "types",
        "date_month_first",
        edit("candidates.csv", "2025-07-01", "07/13/2025"),
        ("candidates.csv, row 4, column 'available_from': got '07/13/2025'", "did you mean 2025-07-13?"),
    ),
    Case(
        "types",
        "excel_serial_date",
        edit("candidates.csv", "2025-07-01", "45839"),
        (
            "candidates.csv, row 4, column 'available_from': got '45839': an Excel serial day number",
            "2025-07-01",
        ),
    ),
    Case(
        "types",
        "unix_timestamp",
        edit("candidates.csv", "2025-07-01", "1751328000"),
        ("candidates.csv, row 4, column 'available_from': got '1751328000': expected a date as yyyy-mm-dd",),
    ),
    Case(
        "types",
        "impossible_date",
        edit("candidates.csv", "2025-07-01", "2025-02-30"),
        ("candidates.csv, row 4, column 'available_from': got '2025-02-30': not a real date",),
    ),
    Case(
        "types",
        "decimal_comma",
        write("agencies.csv", SEMICOLONS),
        (
            "agencies.csv, row 2, column 'lat': got '21,3861': a decimal comma: write 21.3861",
            "agencies.csv, row 2, column 'lon': got '103,0172'",
        ),
    ),
    Case(
        "types",
        "literal",
        edit("communes.csv", ",ward,", ",town,"),
        ("communes.csv, row 2, column 'type': got 'town'", "'ward' or 'commune'"),
    ),
    Case(
        "types",
        "skill_level",
        edit("candidates.csv", "it:3,03127", "it:4,03127"),
        ("candidates.csv, row 2, column 'specialties': got 'it:4': level in 'it:4' must be 1, 2 or 3",),
    ),
    Case(
        "types",
        "digit_grouping",
        edit("agencies.csv", ",200,3", ",1.200,3"),
        ("agencies.csv, row 4, column 'staff': got '1.200': digit grouping", "e.g. 1200"),
    ),
    Case(
        "types",
        "no_specialty",
        edit("candidates.csv", "land:2,", ";,"),
        ("candidates.csv, row 5, column 'specialties': got ';': specialties: at least one specialty",),
    ),
    Case(
        "types",
        "available_backwards",
        edit("candidates.csv", "2025-07-01,,", "2025-07-01,2025-06-01,"),
        ("candidates.csv, row 4, column 'available_from': got '2025-07-01'", "is after available_to"),
    ),
    # zero or negative where a positive number is required
    Case(
        "ranges",
        "zero_seats",
        edit("shortages.csv", "03127,land,1", "03127,land,0"),
        ("shortages.csv, row 2, column 'seats': got '0': expected a number ≥ 1",),
    ),
    Case(
        "ranges",
        "negative_capacity",
        edit("communes.csv", ",2,border", ",-2,border"),
        ("communes.csv, row 3, column 'capacity': got '-2': expected a number ≥ 0",),
    ),
    Case(
        "ranges",
        "negative_release",
        edit("agencies.csv", ",200,3", ",200,-3"),
        ("agencies.csv, row 4, column 'max_release': got '-3': expected a number ≥ 0",),
    ),
    Case(
        "ranges",
        "personal_cap",
        edit("candidates.csv", ",120,", ",0,"),
        ("candidates.csv, row 5, column 'max_distance_km': got '0': expected a number > 0",),
    ),
    Case(
        "ranges",
        "priority",
        edit("shortages.csv", "03158,it,2,5", "03158,it,2,6"),
        ("shortages.csv, row 3, column 'priority': got '6': expected a number ≤ 5",),
    ),
    Case(
        "ranges",
        "detour",
        edit("scenario.yaml", "detour_factor: 1.6", "detour_factor: 0.5"),
        ("scenario.yaml, row 10, column 'policy.detour_factor': got 0.5: expected a number ≥ 1",),
    ),
    # coordinates that are not in Vietnam
    Case(
        "coordinates",
        "out_of_range",
        edit("communes.csv", "21.4061", "121.4061"),
        ("communes.csv, row 2, column 'lat': got '121.4061': outside Vietnam",),
    ),
    Case(
        "coordinates",
        "swapped",
        edit("communes.csv", "21.4061,103.067", "103.067,21.4061"),
        ("communes.csv, row 2, column 'lat': got '103.067': lat and lon look swapped",),
    ),
    Case(
        "coordinates",
        "elsewhere",
        edit("agencies.csv", "21.386,103.017", "48.8566,2.3522"),
        (
            "agencies.csv, row 2, column 'lat': got '48.8566': outside Vietnam",
            "agencies.csv, row 2, column 'lon': got '2.3522': outside Vietnam",
        ),
    ),
    Case(
        "coordinates",
        "sign_lost",
        edit("communes.csv", "22.3799", "-22.3799"),
        ("communes.csv, row 3, column 'lat': got '-22.3799': outside Vietnam",),
    ),
    # blank, NaN or error values in required cells
    Case(
        "blanks",
        "blank_lat",
        edit("communes.csv", "21.4061", ""),
        ("communes.csv, row 2, column 'lat': a value is required",),
    ),
    Case(
        "blanks",
        "nan_lat",
        edit("communes.csv", "21.4061", "NaN"),
        ("communes.csv, row 2, column 'lat': got 'NaN': a placeholder or spreadsheet error",),
    ),
    Case(
        "blanks",
        "excel_error",
        edit("shortages.csv", "03127,land,1", "03127,land,#N/A"),
        ("shortages.csv, row 2, column 'seats': got '#N/A': a placeholder or spreadsheet error",),
    ),
    Case(
        "blanks",
        "spaces_only_name",
        edit("agencies.csv", "Sở Y tế", "   "),
        ("agencies.csv, row 4, column 'name': a value is required",),
    ),
    Case(
        "blanks",
        "none_agency",
        edit("candidates.csv", "Cà Văn Dũng,STNMT", "Cà Văn Dũng,None"),
        ("candidates.csv, row 5, column 'agency_id': got 'None': a placeholder",),
    ),
    # files that are not UTF-8, or UTF-8 with traps
    Case(
        "encodings",
        "windows_1258",
        recode("communes.csv", "cp1258"),
        ("communes.csv, row 2: is not UTF-8 text", "CSV UTF-8"),
    ),
    Case(
        "encodings", "latin_1", recode("agencies.csv", "latin-1"), ("agencies.csv, row 2: is not UTF-8 text",)
    ),
    Case("encodings", "utf_16", write("agencies.csv", UTF16), ("agencies.csv: is UTF-16 text",)),
    Case(
        "encodings",
        "nul_bytes",
        write("agencies.csv", b"id,name\x00\n"),
        ("agencies.csv: holds NUL characters",),
    ),
    Case(
        "encodings",
        "bom_keeps_first_column",
        both(edit("agencies.csv", "STNMT,", "SKHCN,"), recode("agencies.csv", "utf-8", codecs.BOM_UTF8)),
        ("agencies.csv, row 3, column 'id': got 'SKHCN': duplicate, first seen on row 2",),
    ),
    Case(
        "encodings",
        "semicolons_keep_columns",
        write(
            "agencies.csv",
            "id;name;lat;lon;staff;max_release\nA;Sở A;21.4;103.0;80;2\nB;Sở B;21.4;103.0;x;1\n",
        ),
        ("agencies.csv, row 3, column 'staff': got 'x': expected a whole number",),
    ),
    Case(
        "encodings",
        "unclosed_quote",
        edit("agencies.csv", "Sở Y tế", '"Sở Y tế'),
        ("agencies.csv, row 4: is not valid CSV",),
    ),
    # numbers too big for any real scenario (beyond 64 bits, or sums that would overflow)
    Case(
        "extremes",
        "seats_beyond_64_bits",
        edit("shortages.csv", "03127,land,1", "03127,land,100000000000000000000"),
        (
            "shortages.csv, row 2, column 'seats': got '100000000000000000000'",
            "expected a number ≤ 1000000000",
        ),
    ),
    Case(
        "extremes",
        "capacity_beyond_64_bits",
        edit("communes.csv", ",4,ward", ",99999999999999999999999,ward"),
        ("communes.csv, row 2, column 'capacity'", "expected a number ≤ 1000000000"),
    ),
    Case(
        "extremes",
        "release_beyond_64_bits",
        edit("agencies.csv", "80,2", "80,18446744073709551617"),
        ("agencies.csv, row 2, column 'max_release'", "expected a number ≤ 1000000000"),
    ),
    Case(
        "extremes",
        "floor_beyond_64_bits",
        edit("scenario.yaml", "at_least: 1", "at_least: 100000000000000000000"),
        ("scenario.yaml, row 14, column 'policy.min_coverage[0].at_least'", "≤ 1000000000"),
    ),
    Case(
        "extremes",
        "detour_factor",
        edit("scenario.yaml", "detour_factor: 1.6", "detour_factor: 1e300"),
        ("scenario.yaml, row 10, column 'policy.detour_factor'", "≤ 10"),
    ),
    # YAML booleans (yes/no/on/off/true/false) where a number belongs, numbers where a switch does
    Case(
        "booleans",
        "speed_yes",
        edit("scenario.yaml", "detour_factor: 1.6", "detour_factor: 1.6\n  speed_kmh: yes"),
        ("scenario.yaml, row 11, column 'policy.speed_kmh'", "got the boolean true"),
    ),
    Case(
        "booleans",
        "floor_true",
        edit("scenario.yaml", "at_least: 1", "at_least: true"),
        ("column 'policy.min_coverage[0].at_least'", "got the boolean true"),
    ),
    Case(
        "booleans",
        "distance_cap_off",
        edit("scenario.yaml", "max_distance_km: 250", "max_distance_km: off"),
        ("scenario.yaml, row 9, column 'policy.max_distance_km'", "got the boolean false"),
    ),
    Case(
        "booleans",
        "switch_as_number",
        edit("scenario.yaml", "avoid_home_commune: true", "avoid_home_commune: 1"),
        ("scenario.yaml, row 11, column 'policy.avoid_home_commune'", "expected true or false"),
    ),
    # characters nobody sees: two ids that look the same must be the same id
    Case(
        "invisible",
        "zero_width_twin",
        edit(
            "candidates.csv",
            "P004,Cà Văn Dũng",
            "P004,Cà Văn Dũng,STNMT,land:2,,120,,,\nP\u200b004,Cà Văn Dũng",
        ),
        ("candidates.csv, row 6, column 'id'", "invisible character U+200B (ZERO WIDTH SPACE) at position 2"),
    ),
    Case(
        "invisible",
        "bidi_control_in_a_reference",
        edit("shortages.csv", "03158,health", "03158\u202e,health"),
        ("shortages.csv, row 4, column 'commune_id'", "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 6"),
    ),
    Case(
        "invisible",
        "no_break_space_in_a_name",
        edit("agencies.csv", "Sở Y tế", "Sở Y\u00a0tế"),
        ("agencies.csv, row 4, column 'name'", "U+00A0 (NO-BREAK SPACE)", "replace it with a plain space"),
    ),
    Case(
        "invisible",
        "en_quad_named_as_typed",
        edit("agencies.csv", "Sở Y tế", "Sở Y\u2000tế"),
        ("agencies.csv, row 4, column 'name'", "U+2000 (EN QUAD)", "replace it with a plain space"),
    ),
    Case(
        "invisible",
        "zero_width_joiner_in_the_yaml",
        edit("scenario.yaml", "{candidate: P001,", "{candidate: P\u200d001,"),
        ("scenario.yaml, row 16, column 'pins[0].candidate'", "U+200D (ZERO WIDTH JOINER)"),
    ),
    # lists that must not be empty
    Case(
        "empty_lists",
        "no_objective",
        edit("scenario.yaml", "objectives: [coverage, fairness, distance]", "objectives: []"),
        ("scenario.yaml, row 12, column 'policy.objectives'", "at least one objective is required"),
    ),
    Case(
        "empty_lists",
        "floor_over_no_commune",
        edit("scenario.yaml", 'communes: "tag:border"', "communes: []"),
        ("scenario.yaml, row 14, column 'policy.min_coverage[0].communes'", "at least one commune id"),
    ),
    # several mistakes at once: every one is reported in the same run
    Case(
        "together",
        "three_in_two_files",
        both(
            edit("communes.csv", "21.4061", "north"),
            edit("communes.csv", ",2,border", ",-2,border"),
            edit("agencies.csv", ",80,", ",eighty,"),
        ),
        (
            "the input has 3 problem(s)",
            "communes.csv, row 2, column 'lat': got 'north'",
            "communes.csv, row 3, column 'capacity': got '-2'",
            "agencies.csv, row 2, column 'staff': got 'eighty'",
        ),
    ),
    Case(
        "together",
        "cells_and_references",
        both(
            edit("shortages.csv", "03127,land,1", "03127,land,x"),
            edit("candidates.csv", "Quàng Thị Hoa,STNMT", "Quàng Thị Hoa,SXX"),
        ),
        ("shortages.csv, row 2, column 'seats'", "candidates.csv, row 3, column 'agency_id': got 'SXX'"),
    ),
]
