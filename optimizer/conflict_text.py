"""One sentence per conflicting rule instance: where the planner finds it, and the numbers."""

from __future__ import annotations

from i18n import _
from models.rules import Rule
from models.scenario import Scenario
from optimizer.conflict_model import Item

SHOWN = 5
"""How many members of one rule a broken item's reason names before `and N more`."""


def describe(scenario: Scenario, item: Item) -> str:
    """Name the rule instance where the planner will find it, with the numbers."""
    match item.rule:
        case Rule.PIN:
            return _pin(scenario, item)
        case Rule.MIN_COVERAGE:
            return _floor(scenario, item)
        case Rule.FORBID:
            return _("scenario.yaml {item}: {candidate} must not go to {commune}").format(
                item=item.item, candidate=_person(scenario, item.candidate), commune=_place(scenario, item)
            )
        case Rule.MAX_DISTANCE:
            return _("{candidate} cannot go to {commune}: {km:.0f} km > cap {cap:g} km").format(
                candidate=item.candidate,
                commune=_name(scenario, item.commune),
                km=item.value,
                cap=scenario.policy.max_distance_km,
            )
        case Rule.MAX_TRAVEL_MINUTES:
            return _("{candidate} cannot go to {commune}: {minutes:.0f} min > cap {cap:g} min").format(
                candidate=item.candidate,
                commune=_name(scenario, item.commune),
                minutes=item.value,
                cap=scenario.policy.max_travel_minutes,
            )
        case Rule.PERSONAL_DISTANCE:
            return _("{candidate} cannot go to {commune}: {km:.0f} km > their own cap {cap:g} km").format(
                candidate=item.candidate,
                commune=_name(scenario, item.commune),
                km=item.value,
                cap=scenario.candidate_by_id[item.candidate].max_distance_km,
            )
        case Rule.HOME_COMMUNE:
            return _(
                "{candidate} cannot go to {commune}: it is their home commune (avoid_home_commune)"
            ).format(candidate=item.candidate, commune=_name(scenario, item.commune))
        case Rule.AVAILABILITY:
            return _availability(scenario, item)
        case Rule.SPECIALTY_LEVEL:
            shortage = scenario.shortage_by_key[(item.commune, item.specialty)]
            return _(
                "{candidate} cannot go to {commune}/{specialty}: level {level:.0f} < {required} required"
            ).format(
                candidate=item.candidate,
                commune=_name(scenario, item.commune),
                specialty=item.specialty,
                level=item.value,
                required=shortage.min_level,
            )
        case Rule.COMMUNE_CAPACITY:
            return _("communes.csv {commune}: hosts at most {capacity}").format(
                commune=_place(scenario, item), capacity=item.need
            )
        case Rule.AGENCY_RELEASE:
            return _("agencies.csv {agency} {name}: releases at most {cap}").format(
                agency=item.agency, name=scenario.agency_by_id[item.agency].name, cap=item.need
            )
        case Rule.SHORTAGE_SEATS:
            return _("shortages.csv {commune}/{specialty}: at most {seats} seat(s)").format(
                commune=_place(scenario, item), specialty=item.specialty, seats=item.need
            )
        case Rule.ONE_SEAT_PER_PERSON:
            return _("candidates.csv {candidate}: fills at most one seat").format(
                candidate=_person(scenario, item.candidate)
            )
    return item.item


def _name(scenario: Scenario, commune_id: str | None) -> str:
    commune = scenario.commune_by_id.get(commune_id or "")
    return commune.name if commune else str(commune_id)


def _place(scenario: Scenario, item: Item) -> str:
    """`03158 Sín Thầu`."""
    return f"{item.commune} {_name(scenario, item.commune)}"


def _person(scenario: Scenario, candidate_id: str | None) -> str:
    """`P127 Nguyễn Văn An`."""
    candidate = scenario.candidate_by_id.get(candidate_id or "")
    return f"{candidate_id} {candidate.name}" if candidate else str(candidate_id)


def _pin(scenario: Scenario, item: Item) -> str:
    pin = scenario.pins[item.index or 0]
    target = _place(scenario, item) + (f"/{pin.specialty}" if pin.specialty else "")
    sentence = _("scenario.yaml {item}: {candidate} must go to {target}").format(
        item=item.item, candidate=_person(scenario, pin.candidate), target=target
    )
    options = [
        s for s in scenario.shortages if s.commune_id == pin.commune and pin.specialty in (None, s.specialty)
    ]
    if not options:
        return _("{sentence}, but {commune} has no such shortage").format(
            sentence=sentence, commune=pin.commune
        )
    held = scenario.candidate_by_id[pin.candidate].specialties
    if not any(s.specialty in held for s in options):
        return _("{sentence}, but they do not hold {specialties}").format(
            sentence=sentence, specialties=" / ".join(s.specialty for s in options)
        )
    return sentence


def _floor(scenario: Scenario, item: Item) -> str:
    floor = scenario.policy.min_coverage[item.index or 0]
    sentence = _(
        "scenario.yaml policy.min_coverage[{n}] ({label}): {commune} must get at least {need} in {specialty}"
    )
    text = sentence.format(
        n=item.index,
        label=floor.label,
        commune=_name(scenario, item.commune),
        need=item.need,
        specialty=item.specialty,
    )
    if not any(item.specialty in c.specialties for c in scenario.candidates):
        return _("{sentence}, but no candidate holds {specialty}").format(
            sentence=text, specialty=item.specialty
        )
    return text


def _availability(scenario: Scenario, item: Item) -> str:
    candidate, period = scenario.candidate_by_id[item.candidate], scenario.period
    return _("{candidate} is available {start}–{end}, not the whole period {first}–{last}").format(
        candidate=item.candidate,
        start=candidate.available_from or "…",
        end=candidate.available_to or "…",
        first=period.start if period else "…",
        last=period.end if period else "…",
    )


def broken_detail(scenario: Scenario, item: Item, members: tuple[Item, ...]) -> str:
    """Why a softened pin or floor is broken: what it states, and the rules it cannot hold with."""
    partners = [m for m in members if m != item]
    if not partners:
        return _("{rule}: breaking it lets more of the softened rules hold").format(
            rule=describe(scenario, item)
        )
    by_rule: dict[str, list[Item]] = {}
    for member in partners:
        by_rule.setdefault(str(member.rule), []).append(member)
    parts = []
    for rule, alike in by_rule.items():
        if len(alike) <= 2:
            parts.extend(describe(scenario, m) for m in alike)
        else:
            shown = ", ".join(m.item for m in alike[:SHOWN])
            more = _(" and {count} more").format(count=len(alike) - SHOWN) if len(alike) > SHOWN else ""
            parts.append(
                _("{count} × {rule} ({items}{more})").format(
                    count=len(alike), rule=rule, items=shown, more=more
                )
            )
    return _("{rule}; it cannot hold together with: {partners}").format(
        rule=describe(scenario, item), partners="; ".join(parts)
    )
