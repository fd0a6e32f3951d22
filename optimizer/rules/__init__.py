"""The rule catalogue: every hard rule and objective defined once, under its stable name.

Each entry is a small class in one of three files, listed in that file's registry tuple:

- `group_rules.py` (`GROUP_RULES`): rules that bound a sum over pairs (seats, capacity, release,
  pins, floors). An entry gives its instances, its CP-SAT row (`constrain`), the flow network
  segment that carries it, how the diagnosis describes an instance, how to relax it, its levers
  (single planner changes worth re-solving) and, for pins and floors, the `soften` family that
  makes it soft (`family`, `without`, `kept`).
- `pair_rules.py` (`PAIR_RULES`): rules about one person at one seat (level, travel caps,
  availability, forbids, home commune). An entry gives the mask of the pairs it keeps (`keeps`,
  read by eligibility and by the certificates of empty seats), how a certificate describes the
  holders it keeps out, how a conflict names and describes one person kept from one seat (`bars`,
  `describe`), how to relax it and its levers.
- `objectives.py` (`OBJECTIVES`): the objectives; an entry says how a stage runs it. (Import it
  as `optimizer.rules.objectives`: eligibility reads the rules, and the objectives read eligibility.)

To add a rule, write its class in the one file of its kind and list it in that file's tuple; add
its name to `models.rules.Rule`. `tests/test_catalogue.py` then fails until the independent auditor
(`optimizer/audit/`) checks it by that name, `docs/formats.md` ("Rule names") lists it, and the
diagnosis can describe it. The engines, the diagnosis and `explain` loop over these tuples.
"""

from models.rules import Rule
from optimizer.rules.base import GroupRule, HardRule, Instance, PairRule
from optimizer.rules.group_rules import GROUP_RULES
from optimizer.rules.pair_rules import PAIR_RULES

HARD_RULES: tuple[HardRule, ...] = (*GROUP_RULES, *PAIR_RULES)
RULE: dict[Rule, HardRule] = {rule.name: rule for rule in HARD_RULES}
RELAXATIONS: tuple[Rule, ...] = (
    Rule.MAX_DISTANCE,
    Rule.MAX_TRAVEL_MINUTES,
    Rule.AGENCY_RELEASE,
    Rule.COMMUNE_CAPACITY,
    Rule.SPECIALTY_LEVEL,
)
"""The order `explain` offers relaxations in: travel caps, then releases, capacity, the level asked."""

__all__ = [
    "GROUP_RULES",
    "HARD_RULES",
    "PAIR_RULES",
    "RELAXATIONS",
    "RULE",
    "GroupRule",
    "HardRule",
    "Instance",
    "PairRule",
]
