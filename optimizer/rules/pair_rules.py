"""Hard rules about one person at one seat: eligibility drops every pair that breaks one.

Each is one class: its name, statement and place in the scenario, the mask of the pairs it keeps
(read alike by eligibility and by the certificates of empty seats), how a certificate describes
the holders it keeps out, how a conflict names one person kept from one seat (`bars`, `describe`),
and (for those a planner can ease) its relaxation and its levers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from i18n import N_, _
from models.rules import Rule
from models.scenario import Scenario, Shortage
from optimizer.rules.base import Instance, PairRule
from optimizer.rules.pair_view import CAP_TOLERANCE, PairView

if TYPE_CHECKING:
    from models.plan import Plan
    from optimizer.reasons import Certificate

NONE = np.zeros(0, dtype=np.int64)
LEVER_STEP = 10.0
"""How much wider a travel cap the levers try (km or minutes)."""


class SpecialtyLevel(PairRule):
    """A candidate holds the shortage's specialty at its min_level or above."""

    name = Rule.SPECIALTY_LEVEL
    statement = N_("A candidate holds the shortage's specialty at its min_level or above.")
    where = "candidates.csv specialties, shortages.csv min_level"

    def keeps(self, view: PairView) -> np.ndarray | None:
        return view.level[:, None] >= view.table.min_level[view.shortage][None, :]

    def figure(self, view: PairView) -> np.ndarray:
        return np.broadcast_to(view.level[:, None], view.shape).astype(float)

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} hold {specialty} below level {level}").format(
            count=count, specialty=shortage.specialty, level=shortage.min_level
        )

    def relax(self, scenario: Scenario, certificate: Certificate) -> list[tuple[str, Scenario]]:
        shortage = certificate.shortage
        if not len(certificate.below_level):
            return []
        levels = (
            scenario.candidate_by_id[p].specialties[shortage.specialty] for p in certificate.below_level
        )
        level = max(levels)
        lower = shortage.model_copy(update={"min_level": level})
        shortages = tuple(lower if s.key == shortage.key else s for s in scenario.shortages)
        change = _("accept level {new} instead of {old}").format(new=level, old=shortage.min_level)
        return [(change, scenario.model_copy(update={"shortages": shortages}))]

    def bars(self, scenario: Scenario, candidate: int, shortage: int, figure: float) -> list[Instance]:
        person, seat = scenario.candidates[candidate], scenario.shortages[shortage]
        item = f"{person.id}@{seat.commune_id}/{seat.specialty}"
        return [Instance(self.name, item, (candidate, shortage, figure), NONE, 0)]

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        candidate, shortage, level = instance.key  # type: ignore[misc]
        seat = scenario.shortages[shortage]
        return _(
            "{candidate} cannot go to {commune}/{specialty}: level {level:.0f} < {required} required"
        ).format(
            candidate=scenario.candidates[candidate].id,
            commune=scenario.commune_by_id[seat.commune_id].name,
            specialty=seat.specialty,
            level=level,
            required=seat.min_level,
        )

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """One level lower on each short post above level 1."""
        short = {(u.commune_id, u.specialty) for u in baseline.unfilled}
        found = []
        for seat in scenario.shortages:
            if seat.key not in short or seat.min_level <= 1:
                continue
            lower = seat.model_copy(update={"min_level": seat.min_level - 1})
            change = _("accept level {new} instead of {old} for {commune} {specialty}").format(
                new=lower.min_level,
                old=seat.min_level,
                commune=scenario.commune_by_id[seat.commune_id].name,
                specialty=seat.specialty,
            )
            shortages = tuple(lower if s.key == seat.key else s for s in scenario.shortages)
            found.append((change, scenario.model_copy(update={"shortages": shortages})))
        return found


class TravelCap(PairRule):
    """A province-wide cap on one measure of travel, eased to the nearest holder it keeps out."""

    field: ClassVar[str]
    unit: ClassVar[str]

    def cap(self, scenario: Scenario) -> float | None:
        """The cap in force, if any."""
        return getattr(scenario.policy, self.field)

    def keeps(self, view: PairView) -> np.ndarray | None:
        cap = self.cap(view.table.scenario)
        if cap is None:
            return None
        return (self.figure(view) <= cap + CAP_TOLERANCE)[view.origin]

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} beyond the {cap:g} {unit} cap (nearest {nearest:.0f} {unit})").format(
            count=count, cap=self.cap(scenario), unit=self.unit, nearest=nearest
        )

    def relax(self, scenario: Scenario, certificate: Certificate) -> list[tuple[str, Scenario]]:
        if self.name not in certificate.blocked:
            return []
        ids, values = certificate.blocked[self.name]
        others = [found for r, (found, _values) in certificate.blocked.items() if r != self.name]
        only_this = values[~np.isin(ids, np.concatenate(others))] if others else values
        if not len(only_this):
            return []
        cap = math.ceil(float(only_this.min()) * 10) / 10
        policy = scenario.policy.model_copy(update={self.field: cap})
        change = _("raise the travel cap to {cap:g} {unit}").format(cap=cap, unit=self.unit)
        return [(change, scenario.model_copy(update={"policy": policy}))]

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        candidate, shortage, figure = instance.key  # type: ignore[misc]
        seat = scenario.shortages[shortage]
        return _("{candidate} cannot go to {commune}: {figure:.0f} {unit} > cap {cap:g} {unit}").format(
            candidate=scenario.candidates[candidate].id,
            commune=scenario.commune_by_id[seat.commune_id].name,
            figure=figure,
            unit=self.unit,
            cap=self.cap(scenario),
        )

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """The cap ten units wider."""
        cap = self.cap(scenario)
        if cap is None:
            return []
        policy = scenario.policy.model_copy(update={self.field: cap + LEVER_STEP})
        change = _("travel cap {new:g} {unit} instead of {old:g}").format(
            new=cap + LEVER_STEP, unit=self.unit, old=cap
        )
        return [(change, scenario.model_copy(update={"policy": policy}))]


class MaxDistance(TravelCap):
    """Travel km stays within the province-wide cap."""

    name = Rule.MAX_DISTANCE
    statement = N_("A seconded person's travel stays within the province-wide km cap.")
    where = "scenario.yaml policy.max_distance_km"
    field, unit = "max_distance_km", "km"

    def figure(self, view: PairView) -> np.ndarray:
        return view.km


class MaxTravelMinutes(TravelCap):
    """Travel minutes stay within the province-wide cap."""

    name = Rule.MAX_TRAVEL_MINUTES
    statement = N_("A seconded person's travel time stays within the province-wide minutes cap.")
    where = "scenario.yaml policy.max_travel_minutes"
    field, unit = "max_travel_minutes", "min"

    def figure(self, view: PairView) -> np.ndarray:
        return view.minutes


class PersonalDistance(PairRule):
    """Travel km stays within the candidate's own cap."""

    name = Rule.PERSONAL_DISTANCE
    statement = N_("A seconded person's travel stays within their own km cap.")
    where = "candidates.csv max_distance_km"

    def keeps(self, view: PairView) -> np.ndarray | None:
        personal = view.table.personal[view.candidate]
        capped = np.flatnonzero(np.isfinite(personal))
        ok = np.ones(view.shape, dtype=bool)
        ok[capped] = view.km[view.origin[capped]] <= personal[capped, None] + CAP_TOLERANCE
        return ok

    def figure(self, view: PairView) -> np.ndarray:
        return view.km

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} beyond their personal distance cap").format(count=count)

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        candidate, shortage, figure = instance.key  # type: ignore[misc]
        person = scenario.candidates[candidate]
        return _("{candidate} cannot go to {commune}: {km:.0f} km > their own cap {cap:g} km").format(
            candidate=person.id,
            commune=scenario.commune_by_id[scenario.shortages[shortage].commune_id].name,
            km=figure,
            cap=person.max_distance_km,
        )


class Availability(PairRule):
    """The candidate is available for the whole period."""

    name = Rule.AVAILABILITY
    statement = N_("A seconded person is available for the whole secondment period.")
    where = "candidates.csv available_from, available_to; scenario.yaml period"

    def keeps(self, view: PairView) -> np.ndarray | None:
        return np.broadcast_to(view.table.available[view.candidate][:, None], view.shape)

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} not available for the whole period").format(count=count)

    def bars(self, scenario: Scenario, candidate: int, shortage: int, figure: float) -> list[Instance]:
        person = scenario.candidates[candidate]
        return [Instance(self.name, person.id, (candidate, shortage, figure), NONE, 0)]

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        person, period = scenario.candidates[instance.key[0]], scenario.period  # type: ignore[index]
        return _("{candidate} is available {start}–{end}, not the whole period {first}–{last}").format(
            candidate=person.id,
            start=person.available_from or "…",
            end=person.available_to or "…",
            first=period.start if period else "…",
            last=period.end if period else "…",
        )


class ForbidRule(PairRule):
    """A forbidden candidate–commune pair (optionally one specialty) does not happen."""

    name = Rule.FORBID
    statement = N_("A forbidden candidate–commune pair, for one specialty or all, does not happen.")
    where = "scenario.yaml forbid"

    def keeps(self, view: PairView) -> np.ndarray | None:
        table = view.table
        row_of = np.full(len(table.available), -1)
        row_of[view.candidate] = np.arange(len(view.candidate))
        col_of = np.full(len(table.scenario.communes), -1)
        col_of[table.commune[view.shortage]] = np.arange(len(view.shortage))
        row, col = row_of[table.forbid_candidate], col_of[table.forbid_commune]
        hit = (row >= 0) & (col >= 0)
        applies = np.array([s in (None, view.specialty) for s in table.forbid_specialty[hit]], dtype=bool)
        ok = np.ones(view.shape, dtype=bool)
        ok[row[hit][applies], col[hit][applies]] = False
        return ok

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} forbidden here").format(count=count)

    def bars(self, scenario: Scenario, candidate: int, shortage: int, figure: float) -> list[Instance]:
        person, seat = scenario.candidates[candidate], scenario.shortages[shortage]
        return [
            Instance(self.name, f"forbid[{n}]", n, NONE, 0)
            for n, f in enumerate(scenario.forbid)
            if (f.candidate, f.commune) == (person.id, seat.commune_id)
            and f.specialty in (None, seat.specialty)
        ]

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        forbid = scenario.forbid[int(instance.key)]  # type: ignore[call-overload]
        commune = scenario.commune_by_id[forbid.commune]
        where = f"{forbid.commune} {commune.name}" + (f"/{forbid.specialty}" if forbid.specialty else "")
        return _("scenario.yaml {item}: {candidate} must not go to {commune}").format(
            item=instance.item, candidate=forbid.candidate, commune=where
        )

    def levers(self, scenario: Scenario, baseline: Plan) -> list[tuple[str, Scenario]]:
        """Each forbid dropped."""
        found = []
        for n, forbid in enumerate(scenario.forbid):
            change = _("drop forbid[{n}] ({candidate} at {commune})").format(
                n=n, candidate=forbid.candidate, commune=scenario.commune_by_id[forbid.commune].name
            )
            kept = tuple(f for k, f in enumerate(scenario.forbid) if k != n)
            found.append((change, scenario.model_copy(update={"forbid": kept})))
        return found


class HomeCommune(PairRule):
    """With avoid_home_commune, no one is seconded to their home commune."""

    name = Rule.HOME_COMMUNE
    statement = N_("With avoid_home_commune, no one is seconded to their own home commune.")
    where = "scenario.yaml policy.avoid_home_commune, candidates.csv home_commune_id"

    def keeps(self, view: PairView) -> np.ndarray | None:
        if not view.table.scenario.policy.avoid_home_commune:
            return None
        table = view.table
        return table.home[view.candidate][:, None] != table.commune[view.shortage][None, :]

    def blocked(self, scenario: Scenario, shortage: Shortage, count: int, nearest: float) -> str:
        return _("{count} from this commune (home-commune rule)").format(count=count)

    def describe(self, scenario: Scenario, instance: Instance) -> str:
        candidate, shortage, _figure = instance.key  # type: ignore[misc]
        return _("{candidate} cannot go to {commune}: it is their home commune (avoid_home_commune)").format(
            candidate=scenario.candidates[candidate].id,
            commune=scenario.commune_by_id[scenario.shortages[shortage].commune_id].name,
        )


SPECIALTY_LEVEL = SpecialtyLevel()
PAIR_RULES: tuple[PairRule, ...] = (
    SPECIALTY_LEVEL,
    MaxDistance(),
    MaxTravelMinutes(),
    PersonalDistance(),
    Availability(),
    ForbidRule(),
    HomeCommune(),
)
"""In the order a certificate of empty seats lists them."""


def kept(view: PairView) -> np.ndarray:
    """The pairs of the view that every per-pair rule keeps."""
    ok = np.ones(view.shape, dtype=bool)
    for rule in PAIR_RULES:
        mask = rule.keeps(view)
        if mask is not None:
            ok &= mask
    return ok
