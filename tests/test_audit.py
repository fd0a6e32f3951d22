"""The auditor catches every way a hand edit or a bug can corrupt a plan, by the rule's name."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from builders import agency, commune, person, scenario, short

from models.plan import SolveParams
from models.plan_io import write_plan
from models.scenario import Forbid, Period, Pin, Scenario
from optimizer.audit import audit_folder
from optimizer.solve import solve

KM = {"C1": 10, "C2": 50, "C3": 150, "C4": 20}
"""Distance of each corpus commune from the capital, where both agencies sit."""


def corpus_scenario() -> Scenario:
    """Every hard rule is live here; the optimum is P1 C1/it, P2 C2/it, P4 C1/land, P8 C4/land.

    P1 is pinned to C1/it; A releases at most 2 (P1, P2), so P3 stays home; C1 hosts 2 (P1, P4);
    P8 may not go to C1; P4 lives in C4; P5 accepts 15 km and C4 is 20 km away; P7 leaves early;
    nobody reaches C3 (150 km > 100 km cap); P6 has health level 2 where 3 is required.
    """
    return scenario(
        [
            commune("C1", KM["C1"], capacity=2, tags="border"),
            commune("C2", KM["C2"], capacity=1),
            commune("C3", KM["C3"]),
            commune("C4", KM["C4"], capacity=3),
        ],
        [
            short("C1", "it", priority=5),
            short("C1", "land"),
            short("C2", "it", priority=4),
            short("C3", "it"),
            short("C4", "land", seats=2, priority=2),
            short("C4", "it", priority=1),
            short("C4", "health", min_level=3, priority=1),
        ],
        [
            person("P1", "it"),
            person("P2", "it"),
            person("P3", "land"),
            person("P4", "land:2", agency_id="B", home_commune_id="C4"),
            person("P5", "it", agency_id="B", max_distance_km=15),
            person("P6", "health:2", agency_id="B"),
            person("P7", "it", agency_id="B", available_to="2026-01-01"),
            person("P8", "land", agency_id="B"),
        ],
        agencies=[agency("A", max_release=2), agency("B", max_release=5)],
        max_distance_km=100,
        avoid_home_commune=True,
        min_coverage=[{"communes": "tag:border", "specialty": "it", "at_least": 1}],
    ).model_copy(
        update={
            "period": Period(start=date(2025, 8, 1), end=date(2026, 7, 31)),
            "pins": (Pin(candidate="P1", commune="C1", specialty="it"),),
            "forbid": (Forbid(candidate="P8", commune="C1"),),
        }
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The optimal plan of the corpus scenario, written once."""
    folder = tmp_path_factory.mktemp("clean") / "plan"
    write_plan(solve(corpus_scenario(), SolveParams(time_limit_s=10)), folder)
    return folder


def rows(folder: Path) -> list[dict[str, str]]:
    """assignments.csv as dicts."""
    with (folder / "assignments.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def save(folder: Path, table: list[dict[str, str]]) -> None:
    """Write assignments.csv back."""
    with (folder / "assignments.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


def add(candidate: str, commune_id: str, specialty: str) -> Callable[[Path], None]:
    """A mutation that adds one row (with the distance the tool would compute, so only the rule breaks)."""
    km = KM[commune_id]

    def mutate(folder: Path) -> None:
        table = rows(folder)
        table.append(
            {
                **table[0],
                "candidate_id": candidate,
                "agency_id": "",
                "commune_id": commune_id,
                "specialty": specialty,
                "distance_km": str(km),
            }
        )
        save(folder, table)

    return mutate


def move(candidate: str, commune_id: str, specialty: str) -> Callable[[Path], None]:
    """A mutation that moves one person to another seat."""
    km = KM[commune_id]

    def mutate(folder: Path) -> None:
        table = rows(folder)
        for row in table:
            if row["candidate_id"] == candidate:
                row.update(commune_id=commune_id, specialty=specialty, distance_km=str(km))
        save(folder, table)

    return mutate


def drop(candidate: str) -> Callable[[Path], None]:
    """A mutation that removes one person's row."""

    def mutate(folder: Path) -> None:
        save(folder, [r for r in rows(folder) if r["candidate_id"] != candidate])

    return mutate


def edit_json(path: list[str | int], delta: float) -> Callable[[Path], None]:
    """A mutation that changes one number in plan.json."""

    def mutate(folder: Path) -> None:
        claims = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        target = claims
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] += delta
        (folder / "plan.json").write_text(json.dumps(claims), encoding="utf-8")

    return mutate


def edit_distance(folder: Path) -> None:
    """Claim a shorter trip than the scenario gives."""
    table = rows(folder)
    table[0]["distance_km"] = "1.0"
    save(folder, table)


def drop_unfilled_row(folder: Path) -> None:
    """Lose one line of unfilled.csv."""
    lines = (folder / "unfilled.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (folder / "unfilled.csv").write_text("".join(lines[:-1]), encoding="utf-8-sig")


def nan_distance(folder: Path) -> None:
    """Write `nan` as a person's distance (float("nan") compares false with everything)."""
    table = rows(folder)
    table[0]["distance_km"] = "nan"
    save(folder, table)


def nan_distance_in(column: str, text: str) -> Callable[[Path], None]:
    """Write a non-number (`nan`, `inf`) into one column of the first row."""

    def mutate(folder: Path) -> None:
        table = rows(folder)
        table[0][column] = text
        save(folder, table)

    return mutate


def set_json(path: list[str | int], value: object) -> Callable[[Path], None]:
    """A mutation that sets one value in plan.json (keeping its shape)."""

    def mutate(folder: Path) -> None:
        claims = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        target = claims
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        (folder / "plan.json").write_text(json.dumps(claims), encoding="utf-8")

    return mutate


MUTATIONS = {
    "person twice": (add("P2", "C4", "it"), "one_seat_per_person"),
    "wrong specialty": (move("P8", "C4", "health"), "specialty_level"),
    "seat that does not exist": (move("P8", "C2", "land"), "shortage_seats"),
    "more than the seats": (add("P3", "C1", "land"), "shortage_seats"),
    "over capacity": (add("P5", "C2", "it"), "commune_capacity"),
    "over release cap": (add("P3", "C4", "land"), "agency_release"),
    "beyond the policy cap": (add("P5", "C3", "it"), "max_distance"),
    "beyond the personal cap": (add("P5", "C4", "it"), "personal_distance"),
    "not available": (add("P7", "C4", "it"), "availability"),
    "pin broken": (move("P1", "C4", "it"), "pin"),
    "forbidden pair": (move("P8", "C1", "land"), "forbid"),
    "home commune": (move("P4", "C4", "land"), "home_commune"),
    "floor missed": (drop("P1"), "min_coverage"),
    "distance edited": (edit_distance, "reported_distance"),
    "unknown person": (add("P999", "C4", "it"), "unknown_reference"),
    "KPI edited": (edit_json(["kpis", "total_km"], 5.0), "kpi"),
    "objective edited": (edit_json(["objectives", 0, "value"], 1), "objective"),
    "unfilled.csv edited": (drop_unfilled_row, "files_agree"),
    "plan.json out of step": (drop("P8"), "files_agree"),
    "distance nan": (nan_distance, "reported_distance"),
    "minutes infinite": (nan_distance_in("travel_minutes", "inf"), "reported_distance"),
    "people_seconded edited": (edit_json(["kpis", "people_seconded"], 1), "kpi"),
    "max_km edited": (edit_json(["kpis", "max_km"], -3.0), "kpi"),
    "communes_left_short edited": (edit_json(["kpis", "communes_left_short"], 1), "kpi"),
    "priority_weighted_filled edited": (edit_json(["kpis", "priority_weighted_filled"], 1), "kpi"),
    "unproven stage called OPTIMAL": (set_json(["objectives", 1, "proven"], False), "status"),
    "a stage left out": (set_json(["objectives"], []), "status"),
    "INFEASIBLE with people seconded": (set_json(["status"], "INFEASIBLE"), "status"),
    "UNKNOWN with people seconded": (set_json(["status"], "UNKNOWN"), "status"),
}


def test_the_clean_plan_passes(clean: Path):
    """The optimum has the assignments worked out in the scenario's docstring and no violation."""
    assert {(r["candidate_id"], r["commune_id"], r["specialty"]) for r in rows(clean)} == {
        ("P1", "C1", "it"),
        ("P2", "C2", "it"),
        ("P4", "C1", "land"),
        ("P8", "C4", "land"),
    }
    assert audit_folder(corpus_scenario(), clean) == []


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_is_caught_by_name(name: str, clean: Path, tmp_path: Path):
    """Each corruption is reported under the rule it breaks."""
    mutate, rule = MUTATIONS[name]
    folder = Path(shutil.copytree(clean, tmp_path / "plan"))
    mutate(folder)
    assert rule in {v.rule for v in audit_folder(corpus_scenario(), folder)}


def test_scenario_edited_after_solving(clean: Path):
    """A plan checked against a changed scenario is flagged by its hash."""
    changed = corpus_scenario()
    changed = changed.model_copy(update={"communes": (*changed.communes[:3], commune("C4", 20, capacity=4))})
    assert [v.rule for v in audit_folder(changed, clean)] == ["scenario_hash"]


def test_hand_made_plan_without_plan_json(clean: Path, tmp_path: Path):
    """A folder with only assignments.csv is checked on the hard rules alone."""
    folder = tmp_path / "hand"
    folder.mkdir()
    shutil.copy(clean / "assignments.csv", folder)
    assert audit_folder(corpus_scenario(), folder) == []
    move("P4", "C4", "land")(folder)
    assert [v.rule for v in audit_folder(corpus_scenario(), folder)] == ["home_commune"]
