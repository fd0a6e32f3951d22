"""The decision annex (.docx): its tables hold exactly the plan's people, numbered, grouped and totalled."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED
from docx import Document

from cli import main
from models.scenario import Scenario
from optimizer.audit import audit_folder


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


def people(folder: Path) -> dict[str, tuple[str, set[str]]]:
    """Each seconded person's commune and specialties, read from assignments.csv."""
    found: dict[str, tuple[str, set[str]]] = {}
    with (folder / "assignments.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            commune, specialties = found.setdefault(row["candidate_id"], (row["commune_id"], set()))
            assert commune == row["commune_id"]
            specialties.add(row["specialty"])
    return found


def read_annex(path: Path) -> tuple[list[str], list[str], list[tuple[str, list[list[str]], str]], str]:
    """Paragraphs, table header, then (heading, person rows, subtotal) per group, and the total line."""
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    (table,) = document.tables
    header = [cell.text for cell in table.rows[0].cells]
    groups: list[tuple[str, list[list[str]], str]] = []
    total = ""
    for row in table.rows[1:]:
        cells = row.cells
        if len({id(cell._tc) for cell in cells}) == 1:
            text = cells[0].text
            if re.match(r"^[IVXLC]+\. ", text):
                groups.append((text, [], ""))
            elif groups and not groups[-1][2]:
                groups[-1] = (groups[-1][0], groups[-1][1], text)
            else:
                total = text
        else:
            groups[-1][1].append([cell.text for cell in cells])
    return paragraphs, header, groups, total


@pytest.fixture
def plan(bundled_plan: tuple[Scenario, Path]) -> tuple[Scenario, Path]:
    """The bundled scenario's plan, audited."""
    scenario, folder = bundled_plan
    assert audit_folder(scenario, folder) == []
    return scenario, folder


def test_annex_by_commune_lists_every_seconded_person_once(plan, tmp_path: Path):
    """Vietnamese by default; rows numbered 1..N; each group is one commune with a correct subtotal."""
    scenario, folder = plan
    out = tmp_path / "annex.docx"
    result = run("decision", BUNDLED, folder, "--out", out)
    assert result.exit_code == 0, result.output
    paragraphs, header, groups, total = read_annex(out)
    assert "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC BIỆT PHÁI" in paragraphs
    assert header[0] == "STT" and header[1] == "Họ và tên"
    expected = people(folder)
    rows = [row for _, group_rows, _ in groups for row in group_rows]
    assert [int(row[0]) for row in rows] == list(range(1, len(expected) + 1))
    assert total == f"Tổng cộng: {len(expected)} người"
    by_name = {scenario.candidate_by_id[c].name: c for c in expected}
    assert len(by_name) == len(expected)
    seen = Counter()
    for heading, group_rows, subtotal in groups:
        assert subtotal == f"Cộng: {len(group_rows)} người"
        for _number, name, agency, commune, fields, period in group_rows:
            candidate = scenario.candidate_by_id[by_name[name]]
            commune_id, specialties = expected[candidate.id]
            assert commune == scenario.commune_by_id[commune_id].name
            assert heading.split(". ", 1)[1] == commune
            assert agency == scenario.agency_by_id[candidate.agency_id].name
            assert period == "Từ 01/08/2025 đến 31/07/2026"
            assert fields.count(";") == len(specialties) - 1
            seen[candidate.id] += 1
    assert seen == Counter(dict.fromkeys(expected, 1))
    communes = [heading.split(". ", 1)[1] for heading, _, _ in groups]
    assert len(communes) == len(set(communes))
    order = [c.name for c in scenario.communes if c.name in communes]
    assert communes == order


def test_annex_by_agency_groups_people_by_the_agency_they_leave(plan, tmp_path: Path):
    """--by agency: each group heading is the agency of every person in it; English under --lang en."""
    _, folder = plan
    out = tmp_path / "by-agency.docx"
    result = run("--lang", "en", "decision", BUNDLED, folder, "--out", out, "--by", "agency")
    assert result.exit_code == 0, result.output
    paragraphs, header, groups, total = read_annex(out)
    assert header[:2] == ["No.", "Full name"]
    assert "LIST OF CADRES, CIVIL SERVANTS AND PUBLIC EMPLOYEES SECONDED" in paragraphs
    count = 0
    for heading, group_rows, subtotal in groups:
        assert subtotal == f"Subtotal: {len(group_rows)} person(s)"
        for row in group_rows:
            assert row[2] == heading.split(". ", 1)[1]
        count += len(group_rows)
    assert count == len(people(folder)) and total == f"Total: {count} person(s)"


def test_annex_refuses_a_wrong_suffix_and_a_missing_plan(plan, tmp_path: Path):
    """--out must be .docx; a folder without assignments.csv is bad input (exit 2), nothing written."""
    _, folder = plan
    assert run("decision", BUNDLED, folder, "--out", tmp_path / "annex.pdf").exit_code == 2
    result = run("decision", BUNDLED, tmp_path / "nothing", "--out", tmp_path / "annex.docx")
    assert result.exit_code == 2
    assert not (tmp_path / "annex.docx").exists()


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="LibreOffice and poppler-utils are installed by .ci/run",
)
def test_annex_renders_in_libreoffice(plan, tmp_path: Path):
    """LibreOffice turns the annex into a landscape PDF whose text keeps the Vietnamese; page 1 as PNG."""
    scenario, folder = plan
    out = tmp_path / "annex.docx"
    assert run("decision", BUNDLED, folder, "--out", out).exit_code == 0
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "annex.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    page = text.decode("utf-8").split("\f")[0]
    assert "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC BIỆT PHÁI" in page
    first = next(iter(people(folder)))
    assert any(scenario.candidate_by_id[c].name in text.decode("utf-8") for c in [first])
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    (image,) = tmp_path.glob("page*.png")
    width, height = _png_size(image)
    assert width > height  # landscape


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    data = path.read_bytes()
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
