"""Ids turned into the names people know: communes, people, agencies and fields."""

from __future__ import annotations

import re

from i18n import _
from models.scenario import Scenario

TOKEN = re.compile(r"[^\s,;:/()]+")


class Names:
    """Names by id from one scenario; an id the scenario does not know stays as it is."""

    def __init__(self, scenario: Scenario) -> None:
        self.by_id: dict[str, str] = {}
        self.by_id.update({a.id: a.name for a in scenario.agencies})
        self.by_id.update({c.id: c.name for c in scenario.communes})
        self.by_id.update({p.id: p.name for p in scenario.candidates})
        self.agencies = {a.id: a.name for a in scenario.agencies}
        self.specialties = {s.id: s.name for s in scenario.specialties}

    def agency(self, agency_id: str) -> str:
        """An agency's name, or its id when the scenario does not know it."""
        return self.agencies.get(agency_id) or agency_id

    def specialty(self, specialty: str) -> str:
        """A field's name from the catalogue, or its id."""
        return _(self.specialties[specialty]) if self.specialties.get(specialty) else specialty

    def readable(self, text: str) -> str:
        """A recorded sentence (an unfilled seat's reason) with every known id replaced by its name."""
        return TOKEN.sub(lambda m: self.by_id.get(m.group(0), m.group(0)), text)
