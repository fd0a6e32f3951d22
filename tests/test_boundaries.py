"""tables.boundaries: commune outlines read from GeoJSON, refused with file, feature and value when wrong."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED

from cli import main
from models import boundaries
from models.errors import ScenarioError
from models.loader import load_scenario
from models.scenario_writer import write_scenario
from reports.geometry import path as path_of
from reports.geometry import shapes
from reports.maps import plan_map
from reports.plan_data import read_plan_folder


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the bundled scenario to spoil."""
    return Path(shutil.copytree(BUNDLED, tmp_path / "scenario"))


def spoil(folder: Path, change) -> list[str]:
    """Rewrite the copy's boundaries.geojson with `change` applied; the loader's problems as text."""
    path = folder / "boundaries.geojson"
    content = json.loads(path.read_text(encoding="utf-8"))
    written = change(content)
    path.write_text(written if isinstance(written, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(folder)
    return [str(p) for p in caught.value.problems]


def test_bundled_outlines_one_per_commune():
    """The bundled scenario's 45 communes each have one outline inside Vietnam, rings closed."""
    scenario = load_scenario(BUNDLED)
    assert sorted(b.commune_id for b in scenario.boundaries) == sorted(c.id for c in scenario.communes)
    for outline in scenario.boundaries:
        for polygon in outline.polygons:
            assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in polygon)


def test_hash_of_a_scenario_without_outlines_is_unchanged(copy: Path):
    """Without boundaries the hash is what it was before maps existed; with them it changes."""
    with_outlines = load_scenario(copy)
    text = (copy / "scenario.yaml").read_text(encoding="utf-8")
    (copy / "scenario.yaml").write_text(
        "\n".join(line for line in text.splitlines() if "boundaries:" not in line) + "\n", encoding="utf-8"
    )
    plain = load_scenario(copy)
    legacy = hashlib.sha256(plain.model_dump_json(exclude={"boundaries"}).encode()).hexdigest()
    assert plain.boundaries == () and plain.sha256 == legacy
    assert with_outlines.sha256 != plain.sha256


def test_outlines_survive_writing(tmp_path: Path):
    """A scenario written back to a folder keeps its outlines and its hash."""
    scenario = load_scenario(BUNDLED)
    write_scenario(scenario, tmp_path / "out")
    again = load_scenario(tmp_path / "out")
    assert again.boundaries == scenario.boundaries and again.sha256 == scenario.sha256


def test_unknown_commune_is_named(copy: Path):
    """A feature naming no commune: the file, the feature and the id."""
    problems = spoil(copy, lambda c: c["features"][3].update(id="99999", properties={"code": "99999"}))
    assert problems == [
        "boundaries.geojson, column 'features[3].id': got '99999': expected a commune id of the scenario"
    ]


def test_numeric_id_hints_at_lost_zeros(copy: Path):
    """`id: 3127` (a number) with no code: the message says a number loses leading zeros."""
    problems = spoil(copy, lambda c: c["features"][0].update(id=3127, properties={}))
    assert len(problems) == 1 and "leading zeros" in problems[0] and "features[0].id" in problems[0]


def test_properties_code_is_used_when_id_is_missing(copy: Path):
    """The contract's alternative: `properties.code` names the commune."""
    path = copy / "boundaries.geojson"
    content = json.loads(path.read_text(encoding="utf-8"))
    for feature in content["features"]:
        del feature["id"]
    path.write_text(json.dumps(content), encoding="utf-8")
    assert len(load_scenario(copy).boundaries) == 45


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["features"][1].update(id=c["features"][0]["id"]), "already has a polygon (features[0])"),
        (lambda c: c["features"][2]["geometry"].update(type="Point"), "features[2].geometry.type"),
        (
            lambda c: c["features"][2]["geometry"]["coordinates"][0].__setitem__(0, [21.4, 103.0]),
            "look swapped",
        ),
        (lambda c: c["features"][2]["geometry"]["coordinates"][0].__setitem__(0, ["a", 1]), "two numbers"),
        (lambda c: c["features"][2]["geometry"].update(coordinates=[[[103, 21], [103.1, 21]]]), "at least 3"),
        (lambda c: c.update(type="Feature"), "FeatureCollection"),
        (lambda c: c["features"].extend(c["features"][:1]), "has 46 features but the scenario has 45"),
        (lambda c: '{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        (lambda c: json.dumps(c).replace("103.0619", "NaN", 1), "not a number GeoJSON allows"),
        (lambda c: "[" * 200_000 + "]" * 200_000, "too deeply"),
    ],
)
def test_bad_outlines_are_refused_with_their_place(copy: Path, change, expected: str):
    """Each kind of bad file: one problem naming boundaries.geojson and what was expected."""
    problems = spoil(copy, change)
    assert problems and all(p.startswith("boundaries.geojson") for p in problems)
    assert any(expected in p for p in problems), problems


def test_the_positions_are_bounded(copy: Path, monkeypatch: pytest.MonkeyPatch):
    """A file with more positions than the budget is refused, not drawn."""
    monkeypatch.setattr(boundaries, "MAX_POSITIONS", 1000)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(copy)
    assert "at most 1,000 positions" in str(caught.value)


def test_validate_reports_bad_outlines(copy: Path):
    """The command line: exit 2 and the file and feature, no traceback."""
    path = copy / "boundaries.geojson"
    content = json.loads(path.read_text(encoding="utf-8"))
    content["features"][5]["id"] = "nowhere"
    content["features"][5]["properties"] = {}
    path.write_text(json.dumps(content), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(copy)])
    assert result.exit_code == 2
    assert "boundaries.geojson" in result.output and "features[5].id" in " ".join(result.output.split())


def test_communes_without_an_outline_are_points(bundled_plan, copy: Path):
    """Outlines for some communes only: those are filled, the others drawn as points, all listed."""
    scenario, folder = bundled_plan
    path = copy / "boundaries.geojson"
    content = json.loads(path.read_text(encoding="utf-8"))
    content["features"] = content["features"][:10]
    path.write_text(json.dumps(content), encoding="utf-8")
    partial = load_scenario(copy)
    figure = plan_map(read_plan_folder(folder, partial), partial)
    areas = [t for t in figure.data if t.meta == "commune-areas"]
    points = next(t for t in figure.data if t.meta == "communes")
    assert len(areas) == 10 and sorted(points.customdata) == sorted(c.id for c in scenario.communes)
    outlined = {t.customdata[0] for t in areas}
    sizes = dict(zip(points.customdata, points.marker.size, strict=True))
    assert all(sizes[c] == 4 for c in outlined) and all(sizes[c] > 4 for c in sizes if c not in outlined)


def test_a_hole_is_drawn_as_a_hole(copy: Path):
    """A ring inside a commune's outline is wound against it, so the filled path leaves it empty."""
    path = copy / "boundaries.geojson"
    content = json.loads(path.read_text(encoding="utf-8"))
    feature = content["features"][0]
    lon, lat = 103.0, 21.4
    square = [
        [lon - 0.01, lat - 0.01],
        [lon - 0.01, lat + 0.01],
        [lon + 0.01, lat + 0.01],
        [lon + 0.01, lat - 0.01],
    ]
    feature["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[lon - 0.1, lat - 0.1], [lon + 0.1, lat - 0.1], [lon + 0.1, lat + 0.1], [lon - 0.1, lat + 0.1]],
            square,
        ],
    }
    path.write_text(json.dumps(content), encoding="utf-8")
    scenario = load_scenario(copy)
    outline = shapes(scenario)[feature["id"]]
    assert len(outline.interiors) == 1
    assert outline.exterior.is_ccw and not outline.interiors[0].is_ccw
    x, _ = path_of(outline)
    assert x.count(None) == 1


def test_a_refused_commune_row_is_the_only_problem_and_speaks_vietnamese(copy: Path):
    """A commune row with lat `abc`: that one problem, not a second about the outlines counting 45
    features for the 44 communes left; under --lang vi the GeoJSON checks speak Vietnamese too."""
    folder = copy
    lines = (folder / "communes.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = "abc"
    lines[1] = ",".join(cells)
    (folder / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "vi", "validate", str(folder)])
    assert result.exit_code == 2
    assert "1 lỗi" in result.output and "'abc'" in result.output and "geojson" not in result.output
    geo = json.loads((folder / "boundaries.geojson").read_text(encoding="utf-8"))
    geo["features"][0]["geometry"]["coordinates"][0][0] = [21.4, 103.0]
    (folder / "boundaries.geojson").write_text(json.dumps(geo), encoding="utf-8")
    (folder / "communes.csv").write_text(
        (BUNDLED / "communes.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    swapped = CliRunner().invoke(main, ["--lang", "vi", "validate", str(folder)])
    assert swapped.exit_code == 2 and "có vẻ bị đảo ngược" in swapped.output, swapped.output
