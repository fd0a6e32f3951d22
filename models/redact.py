"""Plans for public posting: people become stable pseudonyms; no names, no home communes.

A person's pseudonym is `R-` and the first 12 hex digits of HMAC-SHA256 of their candidate id, keyed
with SHA-256 of `secondment-redact` and the scenario's canonical JSON. It is the same in every plan of
the same scenario; whoever holds the scenario can recompute it (and so audit a redacted plan); without
the scenario it cannot be reversed, even by trying every possible id, because the key is not published.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from models.plan import Plan
from models.scenario import Scenario

PREFIX = "R-"
HEX_DIGITS = 12
DOMAIN = b"secondment-redact\0"
WITHHELD = "[name withheld]"


def pseudonyms(scenario: Scenario) -> dict[str, str]:
    """Each candidate id's pseudonym in this scenario."""
    key = hashlib.sha256(DOMAIN + scenario.model_dump_json().encode()).digest()
    return {
        c.id: PREFIX + hmac.new(key, c.id.encode(), hashlib.sha256).hexdigest()[:HEX_DIGITS]
        for c in scenario.candidates
    }


def redact_plan(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with candidate ids as pseudonyms, names blank, and people named in texts replaced."""
    names = pseudonyms(scenario)
    scrub = _scrubber(scenario, names)
    return plan.model_copy(
        update={
            "assignments": tuple(
                a.model_copy(update={"candidate_id": names[a.candidate_id], "candidate_name": ""})
                for a in plan.assignments
            ),
            "unfilled": tuple(u.model_copy(update={"reason": scrub(u.reason)}) for u in plan.unfilled),
            "conflicts": tuple(
                c.model_copy(
                    update={
                        "item": scrub(c.item),
                        "detail": scrub(c.detail),
                        "candidate": names.get(c.candidate or "", c.candidate),
                    }
                )
                for c in plan.conflicts
            ),
            "provenance": plan.provenance.model_copy(update={"redacted": True}),
        }
    )


def _scrubber(scenario: Scenario, names: dict[str, str]) -> Callable[[str], str]:
    """Replace every candidate id standing alone in a text by its pseudonym, and every name by WITHHELD."""
    person = {c.name: WITHHELD for c in scenario.candidates}
    person.update({c.id: names[c.id] for c in scenario.candidates})
    if not person:
        return lambda text: text
    words = sorted(person, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")
    return lambda text: pattern.sub(lambda match: person[match.group(0)], text)
