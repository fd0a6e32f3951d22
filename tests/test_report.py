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
from models.loader import load_scenario
from models.plan import SolveParams
from models.plan_io import write_plan
from optimizer.audit import audit_folder
from optimizer.solve import solve
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
    """Offline, no errors; the map fills one outline per commune, names never overlap; screenshots."""
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
    outlined = browser.execute_script(
        "return document.getElementById('map').data"
        ".filter(t => t.meta === 'commune-areas').map(t => t.customdata[0]);"
    )
    assert sorted(outlined) == sorted(c.id for c in scenario.communes) and len(outlined) == 45
    fills = browser.execute_script(
        "return [...document.querySelectorAll('#map path.js-fill')]"
        ".filter(p => (p.getAttribute('d') || '').length > 20).length"
    )
    assert fills == 45
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('#map .textpoint text')].filter(t => t.textContent)"
        ".map(t => { const r = t.getBoundingClientRect();"
        " return [t.textContent, r.left, r.top, r.right, r.bottom]; })"
    )
    names = [b[0] for b in boxes]
    assert len(names) >= 40 and "Sín Thầu" in names
    overlapping = [
        (a[0], b[0])
        for n, a in enumerate(boxes)
        for b in boxes[n + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []

    short = {s.commune_id for s in scenario.shortages}
    rows = browser.execute_script("return document.getElementById('heatmap').data[0].y")
    ticks = browser.execute_script(
        "return [...document.querySelectorAll('#heatmap .ytick text')].map(t => t.textContent)"
    )
    assert len(rows) == len(ticks) == len(short) == 45
    assert "Xã Sín Thầu" in ticks and "Phường Điện Biên Phủ" in ticks
    assert browser.execute_script("return document.querySelectorAll('#heatmap .hm image').length") == 1
    shares = browser.execute_script(
        "return Array.from(document.getElementById('heatmap')._fullData[0].z, r => r[r.length - 1])"
    )
    assert shares == sorted(shares)

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, height)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    browser.find_element("id", "map").screenshot(str(tmp_path / "map.png"))
    browser.find_element("id", "heatmap").screenshot(str(tmp_path / "heatmap.png"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 200_000
    assert (tmp_path / "map.png").stat().st_size > 100_000


def test_who_goes_where_is_searchable_and_sortable(browser, bundled_plan, report_file: Path):
    """The people table lists everyone seconded; typing a name filters it; a header click sorts it."""
    _, folder = bundled_plan
    seconded = pd.read_csv(folder / "assignments.csv", dtype=str)
    open_page(browser, report_file, plots=5)
    rows = "return [...document.querySelectorAll('#people tbody tr')].filter(r => !r.hidden)"
    assert browser.execute_script(rows + ".length") == seconded["candidate_id"].nunique()
    person = seconded.iloc[5]
    box = browser.find_element("css selector", "input.search[data-table='people']")
    box.send_keys(person["candidate_name"])
    shown = browser.execute_script(rows + ".map(r => r.textContent)")
    assert shown and all(person["candidate_name"] in text for text in shown)
    box.clear()
    box.send_keys("sin thau")  # without the diacritics
    shown = browser.execute_script(rows + ".map(r => r.cells[0].textContent)")
    assert shown and all("Sín Thầu" in text for text in shown)
    browser.execute_script("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'))", box)
    browser.find_elements("css selector", "#people th")[-1].click()
    km = browser.execute_script(rows + ".map(r => Number(r.cells[4].dataset.sort))")
    assert len(km) == seconded["candidate_id"].nunique() and km == sorted(km)


def test_comparison_page_in_headless_chromium(browser, bundled_plan, tmp_path: Path):
    """The comparison of two policies loads offline: what differs, a map of the changes; screenshots."""
    scenario, folder = bundled_plan
    same = tmp_path / "same.html"
    assert run("compare", folder, folder, "--out", same).exit_code == 0
    seen = open_page(browser, same, plots=2)
    assert seen["errors"] == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"])
    assert "0 added, 0 removed, 0 moved" in browser.find_element("css selector", "body").text

    other = Path(shutil.copytree(BUNDLED, tmp_path / "other"))
    yaml = other / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8").replace("max_distance_km: 250", "max_distance_km: 230")
    yaml.write_text(text.replace("[coverage, fairness, distance]", "[coverage, distance]"), encoding="utf-8")
    plan_b = tmp_path / "b"
    other_scenario = load_scenario(other)
    write_plan(solve(other_scenario, SolveParams(time_limit_s=30)), plan_b)
    assert audit_folder(other_scenario, plan_b) == []
    target = tmp_path / "compare.html"
    result = run("compare", folder, plan_b, "--scenario", BUNDLED, "--scenario", other, "--out", target)
    assert result.exit_code == 0, result.output
    seen = open_page(browser, target, plots=3)
    assert seen["errors"] == [] and all(url.startswith(("file:", "data:")) for url in seen["requests"])
    text = browser.find_element("css selector", "body").text
    assert "What differs between the scenarios" in text and "max_distance_km" in text
    assert "Plan A: every hard rule holds (audited)" in text
    fills = browser.execute_script(
        "return [...document.querySelectorAll('#change-map path.js-fill')]"
        ".filter(p => (p.getAttribute('d') || '').length > 20).length"
    )
    assert fills == len(scenario.communes) == 45
    verdicts = browser.execute_script("return [...document.querySelectorAll('td.better, td.worse')].length")
    assert verdicts > 0
    browser.set_window_size(1400, browser.execute_script("return document.documentElement.scrollHeight"))
    assert browser.save_screenshot(str(tmp_path / "compare.png"))
    browser.find_element("id", "change-map").screenshot(str(tmp_path / "change-map.png"))
    assert (tmp_path / "change-map.png").stat().st_size > 50_000


def test_markup_in_a_name_stays_text_in_the_browser(browser, tmp_path: Path):
    """A commune named with an HTML link: no link anywhere on the page, the characters shown as typed."""
    folder = Path(shutil.copytree(BUNDLED, tmp_path / "marked"))
    communes = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False)
    link = '<a href="https://example.invalid/">Xã Liên Kết</a>'
    communes.loc[communes["id"] == "03158", "name"] = link
    communes.to_csv(folder / "communes.csv", index=False)
    scenario = load_scenario(folder)
    plan = tmp_path / "plan"
    write_plan(solve(scenario, SolveParams(time_limit_s=30)), plan)
    assert audit_folder(scenario, plan) == []
    target = tmp_path / "marked.html"
    assert run("report", folder, plan, "--out", target).exit_code == 0
    seen = open_page(browser, target, plots=5)
    assert seen["errors"] == []
    assert browser.execute_script("return document.querySelectorAll('a').length") == 0
    ticks = browser.execute_script(
        "return [...document.querySelectorAll('#heatmap .ytick text')].map(t => t.textContent)"
    )
    assert link in ticks
    assert link in browser.find_element("id", "people").text


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
