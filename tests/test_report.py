"""The plan report: an offline HTML page checked in headless Chromium, and the HR workbook."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import BUNDLED

from cli import main
from reports.workbook import write_workbook

WORKBOOK_SHEETS = ["Summary", "Assignments", "Unfilled", "By commune", "By specialty", "By agency"]
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)


def run(*args: object):
    """Invoke the CLI in-process."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def report_file(bundled_plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled plan's HTML report, written by the `report` command."""
    target = tmp_path_factory.mktemp("report") / "report.html"
    result = run("report", BUNDLED, bundled_plan[1], "--out", target)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """Debian's headless Chromium through its chromedriver; skipped without it, except on CI."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        chromium = None
    if not (chromium and driver_path):
        message = "needs selenium and Debian's chromium and chromium-driver (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def open_page(driver, path: Path, plots: int) -> dict[str, list]:
    """Load a file, wait until its plots are drawn; return its console errors and network requests."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.as_uri())
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script(
            "const g = document.querySelectorAll('.js-plotly-plot');"
            "return g.length === arguments[0] && [...g].every(p => p._fullLayout);",
            plots,
        )
    )
    events = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    requests = [
        e["params"]["request"]["url"]
        for e in events
        if e["method"] == "Network.requestWillBeSent"
        and e["params"].get("documentURL", "").startswith(("file:", "data:"))
    ]
    anywhere = [
        e["params"].get("request", {}).get("url") or e["params"].get("url", "")
        for e in events
        if e["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated")
    ]
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    return {"requests": requests, "anywhere": anywhere, "errors": errors}


def test_report_is_one_file_with_nothing_to_fetch(report_file: Path):
    """Every script is inline: no <script src>, no stylesheet link, plotly.js embedded."""
    html = report_file.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*\bhref=", html)
    assert "Plotly.newPlot" in html and len(html) > 3_000_000
    assert "Điện Biên 2025 — round 1" in html


def test_report_in_headless_chromium(browser, bundled_plan, report_file: Path, tmp_path: Path):
    """The page loads offline without errors; the map and heat map show every commune; a screenshot."""
    scenario, _ = bundled_plan
    seen = open_page(browser, report_file, plots=5)
    assert seen["errors"] == []
    assert seen["requests"] and all(url.startswith(("file:", "data:")) for url in seen["requests"])
    assert not [url for url in seen["anywhere"] if re.match(r"(https?|wss?|ftp):", url)]
    assert browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)") == []

    assert browser.title.startswith(scenario.name)
    assert browser.find_element("css selector", "h1").text == scenario.name
    on_map = browser.execute_script(
        "return document.getElementById('map').data"
        ".filter(t => t.meta === 'communes').flatMap(t => t.customdata);"
    )
    assert sorted(on_map) == sorted(c.id for c in scenario.communes)
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#map .textpoint text')].map(t => t.textContent)"
    )
    assert len(labels) == len(scenario.communes) and "Sín Thầu" in labels
    assert browser.execute_script("return document.querySelectorAll('#map path.point').length") > len(labels)

    short = {s.commune_id for s in scenario.shortages}
    rows = browser.execute_script("return document.getElementById('heatmap').data[0].y")
    ticks = browser.execute_script(
        "return [...document.querySelectorAll('#heatmap .ytick text')].map(t => t.textContent)"
    )
    assert len(rows) == len(ticks) == len(short) == 45
    assert "Xã Sín Thầu" in ticks and "Phường Điện Biên Phủ" in ticks
    assert browser.execute_script("return document.querySelectorAll('#heatmap .hm image').length") == 1

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, height)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    browser.find_element("id", "map").screenshot(str(tmp_path / "map.png"))
    browser.find_element("id", "heatmap").screenshot(str(tmp_path / "heatmap.png"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 200_000


def test_comparison_page_in_headless_chromium(browser, bundled_plan, tmp_path: Path):
    """The comparison page, too, loads offline without console errors."""
    _, folder = bundled_plan
    target = tmp_path / "compare.html"
    assert run("compare", folder, folder, "--out", target).exit_code == 0
    seen = open_page(browser, target, plots=2)
    assert seen["errors"] == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"])
    assert "0 added, 0 removed, 0 moved" in browser.find_element("css selector", "body").text


def test_report_workbook(bundled_plan, tmp_path: Path):
    """The .xlsx report: HR's six sheets, frozen filterable headers, numbers as numbers, ids as text."""
    scenario, folder = bundled_plan
    target = tmp_path / "plan.xlsx"
    result = run("report", BUNDLED, folder, "--out", target)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == WORKBOOK_SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assignments = book["Assignments"]
    header = [c.value for c in assignments[1]]
    first = {h: c for h, c in zip(header, assignments[2], strict=True)}
    assert first["distance_km"].data_type == "n" and isinstance(first["distance_km"].value, float)
    assert isinstance(first["commune_id"].value, str) and first["commune_id"].value.startswith("0")
    communes = pd.read_excel(target, sheet_name="By commune", dtype={"commune_id": str})
    assert len(communes) == 45 and "Xã Sín Thầu" in set(communes["commune_name"])
    assert communes["demanded"].sum() == sum(s.seats for s in scenario.shortages)
    unfilled = pd.read_excel(target, sheet_name="Unfilled")
    assert (unfilled["missing"] > 0).all() and unfilled["reason"].str.len().gt(0).all()


def test_formula_like_text_stays_text(tmp_path: Path):
    """Cells starting with = + - @ are written as text, never as formulas."""
    texts = ['=HYPERLINK("http://x")', "+84 912 345 678", "-1+1", "@SUM(A1)", "Lò Văn Thành"]
    target = tmp_path / "book.xlsx"
    write_workbook(target, {"People": pd.DataFrame({"name": texts, "km": [1.5, 2, 3, 4, 5]})})
    sheet = openpyxl.load_workbook(target)["People"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == texts
    assert {c.data_type for c in cells} == {"s"}


def test_report_of_a_hand_edited_folder(bundled_plan, tmp_path: Path):
    """A folder holding only a trimmed assignments.csv still makes a report, noting the hand edit."""
    _, folder = bundled_plan
    edited = tmp_path / "edited"
    edited.mkdir()
    rows = (folder / "assignments.csv").read_text(encoding="utf-8-sig").splitlines()
    (edited / "assignments.csv").write_text("\n".join(rows[:-3]) + "\n", encoding="utf-8-sig")
    result = run("report", BUNDLED, edited, "--out", tmp_path / "edited.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "edited.html").read_text(encoding="utf-8")
    assert "no plan.json" in html and "not recorded" in html


def test_report_refuses_what_it_cannot_write(bundled_plan, tmp_path: Path):
    """An unknown output suffix or a folder that is no plan: exit 2 and a message."""
    _, folder = bundled_plan
    assert run("report", BUNDLED, folder, "--out", tmp_path / "plan.pdf").exit_code == 2
    result = run("report", BUNDLED, tmp_path, "--out", tmp_path / "plan.html")
    assert result.exit_code == 2 and "no assignments.csv" in " ".join(result.output.split())
    assert not (tmp_path / "plan.html").exists()
