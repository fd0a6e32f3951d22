"""Synthetic scenarios of any size, shaped like the real case: for tests, benchmarks and `generate`.

Each province has communes scattered around its capital, where its nine agencies sit; about 35% of
commune x specialty pairs are short of one or two people; capacities, release caps, priorities and
levels are mixed; a few people have a personal distance cap, a short availability or a forbidden
commune. Only communes the capital's agencies can reach are tagged `border`, so border floors can
be met. The same arguments always give the same scenario.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from models.scenario import (
    DEFAULT_SPECIALTIES,
    Agency,
    Candidate,
    Commune,
    CoverageFloor,
    Forbid,
    Period,
    Policy,
    Scenario,
    Shortage,
    Specialty,
)

SYLLABLES = ("Mường", "Nà", "Pá", "Sín", "Phình", "Huổi", "Chà", "Thanh", "Nậm", "Quài", "Tủa", "Lay", "Hừa")
FAMILY = ("Nguyễn", "Lò", "Lường", "Quàng", "Cà", "Vàng", "Giàng", "Lý", "Mùa", "Sùng", "Thào", "Trần")
GIVEN = ("Văn Thành", "Thị Hoa", "Văn Dũng", "Thị Mai", "A Páo", "Thị Lan", "Văn Hùng", "Thị Xuân")
AGENCIES_PER_PROVINCE = 9
PERIOD = Period(start=date(2025, 8, 1), end=date(2026, 7, 31))
KM_PER_DEGREE = 111.195
DETOUR = 1.6
LATITUDES, LONGITUDES = (8.0, 23.0), (102.5, 117.0)
"""Inside Vietnam's bounding box, which the loader checks."""
BORDER_REACH = 0.85
"""Border communes lie within this share of the distance cap from their capital."""


def province_scenario(
    provinces: int = 1,
    communes_per_province: int = 98,
    candidates_per_province: int = 600,
    seed: int = 0,
    max_distance_km: float = 120.0,
    floors: bool = False,
    fairness: bool = False,
    specialties: int = 7,
    multi_post: float = 0.0,
    most_posts: int = 2,
) -> Scenario:
    """Provinces of communes clustered around a capital where the agencies sit.

    A `multi_post` share of the candidates may fill from 2 to `most_posts` seats (drawn from their
    own stream, so the rest of the scenario is the same whatever the share).
    """
    rng = np.random.default_rng(seed)
    fields = tuple(DEFAULT_SPECIALTIES)[:specialties]
    grid = int(np.ceil(np.sqrt(provinces)))
    communes, shortages, candidates, agencies, forbid = [], [], [], [], []
    for p in range(provinces):
        capital = (10.5 + 11.5 * (p // grid) / max(grid - 1, 1), 103.5 + 5.0 * (p % grid) / max(grid - 1, 1))
        province_communes = _communes(rng, p, capital, communes_per_province, max_distance_km)
        communes += province_communes
        agency_ids = [f"A{p:02d}{k}" for k in range(AGENCIES_PER_PROVINCE)]
        agencies += [
            Agency(
                id=a,
                name=f"Sở {k + 1} tỉnh {p + 1}",
                lat=capital[0],
                lon=capital[1],
                staff=int(rng.integers(60, 300)),
                max_release=int(rng.integers(6, 25)),
            )
            for k, a in enumerate(agency_ids)
        ]
        shortages += _shortages(rng, province_communes, fields)
        people = _candidates(rng, p, agency_ids, province_communes, candidates_per_province, fields)
        candidates += people
        forbid += [
            Forbid(candidate=c.id, commune=province_communes[int(rng.integers(len(province_communes)))].id)
            for c in people
            if rng.random() < 0.02
        ]
    candidates = _with_posts(candidates, multi_post, most_posts, seed)
    objectives = ["coverage", "fairness", "distance"] if fairness else ["coverage", "distance"]
    min_coverage = [CoverageFloor(communes="tag:border", specialty=fields[0], at_least=1)] if floors else []
    posts = f", {multi_post:.0%} may fill up to {most_posts} seats" if multi_post else ""
    return Scenario(
        name=f"Synthetic {provinces} x {communes_per_province} communes, seed {seed}",
        description=(
            f"{provinces} province(s) x {communes_per_province} communes, "
            f"{candidates_per_province} candidates per province, {specialties} specialties{posts}"
        ),
        period=PERIOD,
        specialties=tuple(Specialty(id=k, name=v) for k, v in DEFAULT_SPECIALTIES.items()),
        communes=tuple(communes),
        shortages=tuple(shortages),
        candidates=tuple(candidates),
        agencies=tuple(agencies),
        policy=Policy(
            max_distance_km=max_distance_km,
            detour_factor=DETOUR,
            objectives=tuple(objectives),
            min_coverage=tuple(min_coverage),
        ),
        forbid=tuple(forbid),
    )


def _communes(
    rng: np.random.Generator, p: int, capital: tuple[float, float], n: int, max_distance_km: float
) -> list[Commune]:
    """Communes scattered around the capital; the farthest sixth of those it can reach are border."""
    lat = np.clip(capital[0] + rng.normal(0, 0.3, n), *LATITUDES)
    lon = np.clip(capital[1] + rng.normal(0, 0.3, n), *LONGITUDES)
    east = (lon - capital[1]) * np.cos(np.radians(lat))
    road_km = DETOUR * KM_PER_DEGREE * np.hypot(lat - capital[0], east)
    reachable = road_km <= BORDER_REACH * max_distance_km
    edge = np.quantile(road_km[reachable], 5 / 6) if reachable.any() else np.inf
    border = reachable & (road_km >= edge)
    return [
        Commune(
            id=f"{p:02d}{i:03d}",
            name=f"{'Phường' if i < n // 10 else 'Xã'} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {i}",
            type="ward" if i < n // 10 else "commune",
            lat=float(lat[i]),
            lon=float(lon[i]),
            capacity=int(rng.integers(1, 4)),
            tags=("border",) if border[i] else (),
        )
        for i in range(n)
    ]


def _shortages(rng: np.random.Generator, communes: list[Commune], fields: tuple[str, ...]) -> list[Shortage]:
    """About 35% of commune x specialty pairs are short of one or two people."""
    return [
        Shortage(
            commune_id=c.id,
            specialty=s,
            seats=int(rng.integers(1, 3)),
            priority=int(rng.integers(1, 6)),
            min_level=int(rng.choice([1, 1, 2])),
        )
        for c in communes
        for s in fields
        if rng.random() < 0.35
    ]


def _candidates(
    rng: np.random.Generator,
    p: int,
    agency_ids: list[str],
    communes: list[Commune],
    n: int,
    fields: tuple[str, ...],
) -> list[Candidate]:
    """Candidates with one or two specialties; a few with a personal cap or a short availability."""
    people = []
    for i in range(n):
        held = rng.choice(fields, size=int(rng.integers(1, 3)), replace=False)
        leaves_early = rng.random() < 0.03
        people.append(
            Candidate(
                id=f"P{p:02d}{i:04d}",
                name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                agency_id=agency_ids[int(rng.integers(len(agency_ids)))],
                specialties={str(f): int(rng.integers(1, 4)) for f in held},
                home_commune_id=communes[int(rng.integers(len(communes)))].id,
                max_distance_km=float(rng.integers(40, 100)) if rng.random() < 0.05 else None,
                available_to=date(2026, 3, 31) if leaves_early else None,
            )
        )
    return people


def _with_posts(people: list[Candidate], share: float, most: int, seed: int) -> list[Candidate]:
    """A `share` of the people may fill from 2 to `most` seats."""
    if share <= 0:
        return people
    rng = np.random.default_rng([seed, most, 2])
    several = rng.random(len(people)) < share
    counts = rng.integers(2, max(most, 2) + 1, len(people))
    return [
        c.model_copy(update={"max_posts": int(k)}) if more else c
        for c, more, k in zip(people, several.tolist(), counts.tolist(), strict=True)
    ]
