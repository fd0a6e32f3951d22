"""People's names for the stable ids shown in tables: objectives, commune types, specialties.

In English an objective is shown by its stable name (`coverage`); in another language by its
translation. A specialty is shown by its catalogue name, translated when it is a default one.
"""

from __future__ import annotations

from i18n import N_, _

OBJECTIVES = {
    "coverage": N_("coverage"),
    "fairness": N_("fairness"),
    "distance": N_("distance"),
    "preference": N_("preference"),
    "disruption": N_("disruption"),
    "stability": N_("stability"),
    "rules_kept": N_("rules_kept"),
}


COMMUNE_TYPES = {"ward": N_("ward"), "commune": N_("commune")}


def commune_type(kind: str) -> str:
    """`ward` or `commune` in the current language (phường, xã)."""
    return _(COMMUNE_TYPES[kind]) if kind in COMMUNE_TYPES else kind


def objective_name(name: str) -> str:
    """An objective's name in the current language (its stable name in English)."""
    return _(OBJECTIVES[name]) if name in OBJECTIVES else name


def specialty_name(specialty: str, catalogue: dict[str, str]) -> str:
    """A specialty's name for people: its catalogue name (translated if a default one), else its id."""
    name = catalogue.get(specialty)
    return _(name) if name else specialty
