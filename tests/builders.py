"""Tiny named scenarios built in code; derive variants with `.model_copy(update=...)`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from models.scenario import (
    DEFAULT_SPECIALTIES,
    Agency,
    Candidate,
    Commune,
    Policy,
    Scenario,
    Shortage,
    Specialty,
)
from optimizer.audit import Row
from optimizer.eligibility import eligible_pairs

CAPITAL = (21.386, 103.017)
KM_PER_DEGREE_LAT = 111.195  # 6371.0088 km x pi / 180


def north_of_capital(km: float) -> tuple[float, float]:
    """A point `km` great-circle km due north of the capital."""
    return CAPITAL[0] + km / KM_PER_DEGREE_LAT, CAPITAL[1]


def commune(id: str, km: float, capacity: int = 5, tags: str = "", name: str | None = None) -> Commune:
    """A commune `km` great-circle km north of the capital."""
    lat, lon = north_of_capital(km)
    return Commune.model_validate(
        {
            "id": id,
            "name": name or f"Xã {id}",
            "type": "commune",
            "lat": lat,
            "lon": lon,
            "capacity": capacity,
            "tags": tags,
        }
    )


def agency(id: str, max_release: int = 10, staff: int = 100) -> Agency:
    """An agency in the capital."""
    return Agency(
        id=id, name=f"Sở {id}", lat=CAPITAL[0], lon=CAPITAL[1], staff=staff, max_release=max_release
    )


def person(id: str, skills: str, agency_id: str = "A", **extra: Any) -> Candidate:
    """A candidate with `;`-listed skills, e.g. `it;land:2`."""
    return Candidate.model_validate(
        {"id": id, "name": f"Nguyễn Văn {id}", "agency_id": agency_id, "specialties": skills, **extra}
    )


def short(commune_id: str, specialty: str, seats: int = 1, priority: int = 3, min_level: int = 1) -> Shortage:
    """A shortage row."""
    return Shortage(
        commune_id=commune_id, specialty=specialty, seats=seats, priority=priority, min_level=min_level
    )


def scenario(
    communes: list[Commune],
    shortages: list[Shortage],
    candidates: list[Candidate],
    agencies: list[Agency] | None = None,
    **policy: Any,
) -> Scenario:
    """A scenario with the default specialties; policy keys go to Policy (detour 1 by default)."""
    policy.setdefault("detour_factor", 1.0)
    return Scenario(
        name="test",
        specialties=tuple(Specialty(id=k, name=v) for k, v in DEFAULT_SPECIALTIES.items()),
        communes=tuple(communes),
        shortages=tuple(shortages),
        candidates=tuple(candidates),
        agencies=tuple(agencies or [agency("A")]),
        policy=Policy.model_validate(policy),
    )


def every_seating(s: Scenario, several: bool = False) -> Iterator[list[Row]]:
    """Every way of seating each person in one eligible pair or none (`several`: any set of their
    pairs up to their max_posts), as the auditor's rows: what the brute-force tests search."""
    pairs = eligible_pairs(s)
    options: list[list[tuple[int, ...]]] = []
    for c, who in enumerate(s.candidates):
        mine = np.flatnonzero(pairs.candidate == c).tolist()
        most = (who.max_posts or s.policy.max_posts_per_person) if several else 1
        options.append([chosen for size in range(most + 1) for chosen in itertools.combinations(mine, size)])
    for combo in itertools.product(*options):
        yield [
            Row(
                0,
                s.candidates[pairs.candidate[p]].id,
                s.shortages[pairs.shortage[p]].commune_id,
                s.shortages[pairs.shortage[p]].specialty,
                "",
                None,
            )
            for chosen in combo
            for p in chosen
        ]


def two_seat_people(people: int, communes: int, gains: list[int], capacity: int) -> cp_model.CpModel:
    """People who may fill two seats, all in one commune (a cell y per person x commune, a seat x
    per person x commune x field with x <= y and x1 + x2 <= 2y), one seat per field and commune,
    `capacity` people per commune: the multi-post structure whose LP vertices are fractional."""
    model = cp_model.CpModel()
    seats: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    hosted: dict[int, list[cp_model.IntVar]] = {}
    terms = []
    for i in range(people):
        cells = []
        for c in range(communes):
            y = model.new_bool_var(f"y{i}_{c}")
            cells.append(y)
            hosted.setdefault(c, []).append(y)
            x = [model.new_bool_var(f"x{i}_{c}_{f}") for f in range(2)]
            for f, seat in enumerate(x):
                model.add(seat <= y)
                seats.setdefault((c, f), []).append(seat)
                terms.append((seat, gains[(i * communes + c) * 2 + f]))
            model.add(sum(x) <= 2 * y)
            model.add(sum(x) >= y)
        model.add(sum(cells) <= 1)
    for row in seats.values():
        model.add(sum(row) <= 1)
    for cells in hosted.values():
        model.add(sum(cells) <= capacity)
    model.maximize(cp_model.LinearExpr.weighted_sum([t[0] for t in terms], [t[1] for t in terms]))
    return model
