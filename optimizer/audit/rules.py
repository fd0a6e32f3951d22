"""The hard rules of the contract, re-derived from a plan's rows and the scenario alone."""

from __future__ import annotations

import math
from collections import Counter

from i18n import _
from models.rules import Rule
from models.scenario import Candidate, Scenario
from optimizer.audit.files import Row, Violation

EARTH_KM = 6371.0088
KM_TOLERANCE = 0.0015
CAP_SLACK = 1e-9


def check_rules(scenario: Scenario, rows: list[Row]) -> list[Violation]:
    """Every hard rule of the contract, on the assignments as listed."""
    found: list[Violation] = []
    people = {c.id: c for c in scenario.candidates}
    communes = {c.id: c for c in scenario.communes}
    shortages = {(s.commune_id, s.specialty): s for s in scenario.shortages}
    valid: list[Row] = []
    for row in rows:
        if row.candidate_id not in people or row.commune_id not in communes:
            found.append(
                Violation(
                    "unknown_reference",
                    _("line {line}").format(line=row.line),
                    _("candidate or commune not in the scenario"),
                )
            )
        elif (row.commune_id, row.specialty) not in shortages:
            found.append(
                Violation(
                    Rule.SHORTAGE_SEATS, f"{row.commune_id}/{row.specialty}", _("no such shortage: 0 seats")
                )
            )
        else:
            valid.append(row)
    found.extend(_seats_per_person(scenario, valid))
    forbidden = {(f.candidate, f.commune, f.specialty) for f in scenario.forbid}
    for row in valid:
        found.extend(_pair_rules(scenario, forbidden, people[row.candidate_id], row))
    for key, got in Counter((r.commune_id, r.specialty) for r in valid).items():
        if got > shortages[key].seats:
            found.append(
                Violation(
                    Rule.SHORTAGE_SEATS,
                    "/".join(key),
                    _("{got} filled > {seats} seats").format(got=got, seats=shortages[key].seats),
                )
            )
    for commune_id, got in Counter(commune for _person, commune in _people(valid)).items():
        commune = communes[commune_id]
        if got > commune.capacity:
            found.append(
                Violation(
                    Rule.COMMUNE_CAPACITY,
                    f"{commune_id} {commune.name}",
                    _("{got} hosted > capacity {capacity}").format(got=got, capacity=commune.capacity),
                )
            )
    for agency_id, got in Counter(people[person].agency_id for person, _commune in _people(valid)).items():
        cap = scenario.agency_by_id[agency_id].max_release
        if got > cap:
            found.append(
                Violation(
                    Rule.AGENCY_RELEASE,
                    agency_id,
                    _("{got} released > max_release {cap}").format(got=got, cap=cap),
                )
            )
    found.extend(_pins(scenario, valid))
    found.extend(_floors(scenario, valid))
    return found


def allowed_posts(scenario: Scenario, person: Candidate) -> int:
    """Seats a person may fill: their own `max_posts`, else the policy's `max_posts_per_person`."""
    return person.max_posts or scenario.policy.max_posts_per_person


def _seats_per_person(scenario: Scenario, rows: list[Row]) -> list[Violation]:
    """At most max_posts seats each (one_seat_per_person when that is 1), all in one commune, no
    shortage twice."""
    found = []
    people = {c.id: c for c in scenario.candidates}
    for person, times in Counter(r.candidate_id for r in rows).items():
        most = allowed_posts(scenario, people[person])
        if times > most:
            rule = Rule.ONE_SEAT_PER_PERSON if most == 1 else Rule.MAX_POSTS
            found.append(
                Violation(
                    rule, person, _("seconded {times} times, max_posts {most}").format(times=times, most=most)
                )
            )
    for person, communes in _communes_of(rows).items():
        if len(communes) > 1:
            found.append(
                Violation(
                    Rule.MAX_POSTS,
                    person,
                    _("in {count} communes: {communes}").format(
                        count=len(communes), communes=", ".join(communes)
                    ),
                )
            )
    for (person, commune, specialty), times in Counter(
        (r.candidate_id, r.commune_id, r.specialty) for r in rows
    ).items():
        if times > 1:
            found.append(
                Violation(
                    Rule.MAX_POSTS,
                    person,
                    _("{commune}/{specialty} listed {times} times").format(
                        commune=commune, specialty=specialty, times=times
                    ),
                )
            )
    return found


def _communes_of(rows: list[Row]) -> dict[str, list[str]]:
    """The distinct communes each person is listed in, in order of appearance."""
    found: dict[str, list[str]] = {}
    for r in rows:
        listed = found.setdefault(r.candidate_id, [])
        if r.commune_id not in listed:
            listed.append(r.commune_id)
    return found


def _people(rows: list[Row]) -> set[tuple[str, str]]:
    """Each (person, commune) seconded: capacity and release count people, not seats."""
    return {(r.candidate_id, r.commune_id) for r in rows}


def _pair_rules(
    scenario: Scenario, forbidden: set[tuple[str, str, str | None]], person: Candidate, row: Row
) -> list[Violation]:
    """Rules about one person at one post: level, travel caps, availability, forbids, home."""
    found = []
    policy = scenario.policy
    shortage = scenario.shortage_by_key[(row.commune_id, row.specialty)]
    level = person.specialties.get(row.specialty, 0)
    if level < shortage.min_level:
        found.append(
            Violation(
                Rule.SPECIALTY_LEVEL,
                person.id,
                _("level {level} in {specialty} < required {required}").format(
                    level=level, specialty=row.specialty, required=shortage.min_level
                ),
            )
        )
    km, minutes = travel(scenario, person, row.commune_id)
    if policy.max_distance_km is not None and km > policy.max_distance_km + CAP_SLACK:
        found.append(
            Violation(
                Rule.MAX_DISTANCE,
                person.id,
                _("{km:.1f} km > cap {cap:g} km").format(km=km, cap=policy.max_distance_km),
            )
        )
    if policy.max_travel_minutes is not None and minutes > policy.max_travel_minutes + CAP_SLACK:
        found.append(
            Violation(
                Rule.MAX_TRAVEL_MINUTES,
                person.id,
                _("{minutes:.0f} min > cap {cap:g} min").format(
                    minutes=minutes, cap=policy.max_travel_minutes
                ),
            )
        )
    if person.max_distance_km is not None and km > person.max_distance_km + CAP_SLACK:
        found.append(
            Violation(
                Rule.PERSONAL_DISTANCE,
                person.id,
                _("{km:.1f} km > personal cap {cap:g} km").format(km=km, cap=person.max_distance_km),
            )
        )
    if row.distance_km is not None and abs(row.distance_km - km) > KM_TOLERANCE:
        found.append(
            Violation(
                "reported_distance",
                person.id,
                _("listed {listed} km, measured {km:.3f} km").format(listed=row.distance_km, km=km),
            )
        )
    if row.agency_id and row.agency_id != person.agency_id:
        found.append(
            Violation(
                "unknown_reference",
                person.id,
                _("agency {listed} is not theirs ({agency})").format(
                    listed=row.agency_id, agency=person.agency_id
                ),
            )
        )
    period = scenario.period
    if period is not None and (
        (person.available_from is not None and person.available_from > period.start)
        or (person.available_to is not None and person.available_to < period.end)
    ):
        found.append(
            Violation(
                Rule.AVAILABILITY,
                person.id,
                _("available {first}–{last}, period {start}–{end}").format(
                    first=person.available_from or "…",
                    last=person.available_to or "…",
                    start=period.start,
                    end=period.end,
                ),
            )
        )
    if {(person.id, row.commune_id, None), (person.id, row.commune_id, row.specialty)} & forbidden:
        found.append(
            Violation(Rule.FORBID, person.id, _("forbidden at {commune}").format(commune=row.commune_id))
        )
    if policy.avoid_home_commune and person.home_commune_id == row.commune_id:
        found.append(
            Violation(
                Rule.HOME_COMMUNE,
                person.id,
                _("seconded to their home commune {commune}").format(commune=row.commune_id),
            )
        )
    return found


def travel(scenario: Scenario, person: Candidate, commune_id: str) -> tuple[float, float]:
    """Travel km and minutes, measured as the contract says (independently of the optimizer)."""
    measured = scenario.measured
    row = measured.get((person.id, commune_id)) or measured.get((person.agency_id, commune_id))
    speed = scenario.policy.speed_kmh
    if row is not None:
        km, minutes = row
        return km, minutes if minutes is not None else km / speed * 60
    if person.lat is not None and person.lon is not None:
        lat1, lon1 = person.lat, person.lon
    else:
        agency = scenario.agency_by_id[person.agency_id]
        lat1, lon1 = agency.lat, agency.lon
    commune = scenario.commune_by_id[commune_id]
    phi1, phi2 = math.radians(lat1), math.radians(commune.lat)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(commune.lon - lon1) / 2) ** 2
    )
    km = 2 * EARTH_KM * math.asin(math.sqrt(min(h, 1.0))) * scenario.policy.detour_factor
    return km, km / speed * 60


def _pins(scenario: Scenario, rows: list[Row]) -> list[Violation]:
    found = []
    placed = {(r.candidate_id, r.commune_id, r.specialty) for r in rows}
    placed |= {(r.candidate_id, r.commune_id, None) for r in rows}
    for n, pin in enumerate(scenario.pins):
        if (pin.candidate, pin.commune, pin.specialty) not in placed:
            found.append(
                Violation(
                    Rule.PIN,
                    f"pins[{n}]",
                    _("{candidate} is not at {commune} {specialty}")
                    .format(candidate=pin.candidate, commune=pin.commune, specialty=pin.specialty or "")
                    .rstrip(),
                )
            )
    return found


def _floors(scenario: Scenario, rows: list[Row]) -> list[Violation]:
    found = []
    got = Counter((r.commune_id, r.specialty) for r in rows)
    seats = {(s.commune_id, s.specialty): s.seats for s in scenario.shortages}
    for n, floor in enumerate(scenario.policy.min_coverage):
        if isinstance(floor.communes, tuple):
            selected = floor.communes
        elif floor.communes == "all":
            selected = tuple(c.id for c in scenario.communes)
        else:
            selected = tuple(c.id for c in scenario.communes if floor.communes[4:] in c.tags)
        for commune_id in selected:
            key = (commune_id, floor.specialty)
            if key in seats and got[key] < min(floor.at_least, seats[key]):
                found.append(
                    Violation(
                        Rule.MIN_COVERAGE,
                        f"min_coverage[{n}]:{commune_id}/{floor.specialty}",
                        _("{got} filled < {required} required").format(
                            got=got[key], required=min(floor.at_least, seats[key])
                        ),
                    )
                )
    return found
