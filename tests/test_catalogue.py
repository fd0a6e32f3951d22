"""The rule catalogue names every rule once and is traced to the auditor, the docs and the diagnosis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_audit import MUTATIONS, corpus_scenario

from models.rules import Rule
from models.scenario import Forbid, Objective
from optimizer.audit import Row, check_rules
from optimizer.eligibility import PairIndex, eligible_pairs
from optimizer.flow import FlowModel
from optimizer.rules import GROUP_RULES, HARD_RULES, PAIR_RULES, RELAXATIONS, RULE, HardRule
from optimizer.rules.objectives import OBJECTIVES

FORMATS = Path(__file__).resolve().parent.parent / "docs" / "formats.md"


def section(title: str) -> str:
    """The text of one `## ` section of docs/formats.md."""
    text = FORMATS.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_every_rule_and_objective_is_in_the_catalogue_once():
    """The catalogue's names are exactly the stable names, each once."""
    names = [rule.name for rule in HARD_RULES]
    assert sorted(names) == sorted(Rule) and len(set(names)) == len(names)
    assert sorted(o.name for o in OBJECTIVES) == sorted(Objective)


@pytest.mark.parametrize("rule", HARD_RULES, ids=str)
def test_each_rule_says_what_it_is_and_where_it_lives(rule: HardRule):
    """One plain sentence and a place in the scenario, for messages."""
    assert rule.statement.endswith(".") and rule.statement.count(". ") == 0
    assert re.match(r"(scenario\.yaml|[a-z]+\.csv) ", rule.where), rule.where


def test_the_docs_list_each_rule_as_the_catalogue_states_it():
    """docs/formats.md "Rule names" has one row per rule, with the catalogue's statement and place."""
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", section("Rule names"), flags=re.MULTILINE)
    assert {name: (what, where) for name, what, where in rows} == {
        str(rule.name): (rule.statement, rule.where) for rule in HARD_RULES
    }
    objectives = re.findall(r"^\| (\w+) \|", section("Objectives"), flags=re.MULTILINE)
    assert set(objectives) - {"name"} == {str(o.name) for o in OBJECTIVES}


def minutes_cap_broken() -> list:
    """P8 at C4 (20 km, 40 min at 30 km/h) under a 30-minute cap."""
    capped = corpus_scenario()
    capped = capped.model_copy(
        update={"policy": capped.policy.model_copy(update={"max_travel_minutes": 30.0})}
    )
    return check_rules(capped, [Row(2, "P8", "C4", "land", "B", None)])


EXTRA_AUDIT_CASES = {Rule.MAX_TRAVEL_MINUTES: minutes_cap_broken}
"""Rules the mutation corpus of tests/test_audit.py does not break, each with a plan that does."""


@pytest.mark.parametrize("rule", HARD_RULES, ids=str)
def test_the_auditor_checks_each_rule_by_its_name(rule: HardRule):
    """A plan breaking the rule is caught under its name: in the mutation corpus or here."""
    if rule.name in {name for _, name in MUTATIONS.values()}:
        return  # tests/test_audit.py::test_mutation_is_caught_by_name proves it
    assert rule.name in EXTRA_AUDIT_CASES, f"add a mutation breaking {rule.name} to tests/test_audit.py"
    assert rule.name in {v.rule for v in EXTRA_AUDIT_CASES[rule.name]()}


@pytest.mark.parametrize("rule", GROUP_RULES, ids=str)
def test_the_diagnosis_describes_each_group_rule(rule):
    """Every instance in the corpus (where each group rule is live) reads as a located sentence."""
    scenario = corpus_scenario()
    pairs = eligible_pairs(scenario)
    instances = rule.instances(scenario, pairs, PairIndex.of(scenario, pairs))
    assert instances, "the corpus should make every group rule live"
    for instance in instances:
        text = rule.describe(scenario, instance)
        assert text.startswith(rule.where.split()[0]) and "{" not in text
        assert instance.rule == rule.name


@pytest.mark.parametrize("rule", PAIR_RULES, ids=str)
def test_the_explanation_describes_each_pair_rule(rule):
    """A certificate of empty seats can say how many holders the rule keeps out."""
    scenario = corpus_scenario()
    scenario = scenario.model_copy(
        update={"policy": scenario.policy.model_copy(update={"max_travel_minutes": 30.0})}
    )
    text = rule.blocked(scenario, scenario.shortages[0], 2, 12.0)
    assert text.startswith("2 ") and "{" not in text


@pytest.mark.parametrize("rule", GROUP_RULES, ids=str)
def test_each_group_rule_names_network_segments_that_exist(rule):
    """The flow network is built from named segments; a group rule's segments are among them."""
    scenario = corpus_scenario()
    network = FlowModel(scenario, eligible_pairs(scenario)).pooled
    assert rule.segments and set(rule.segments) <= set(network.span)


def test_explain_offers_only_rules_that_can_relax():
    """Every rule `explain` offers to relax has its own relaxation."""
    for name in RELAXATIONS:
        assert type(RULE[name]).relax is not HardRule.relax, name


@pytest.mark.parametrize("rule", PAIR_RULES, ids=str)
def test_the_diagnosis_names_and_describes_each_pair_rule(rule):
    """A person the rule keeps from a seat is a named instance that reads as one sentence (every cap
    set, so that each rule can bar someone)."""
    scenario = corpus_scenario()
    first = scenario.candidates[0].model_copy(update={"max_distance_km": 5.0})
    scenario = scenario.model_copy(
        update={
            "candidates": (first, *scenario.candidates[1:]),
            "policy": scenario.policy.model_copy(update={"max_travel_minutes": 30.0, "max_distance_km": 5.0}),
            "forbid": (
                Forbid(candidate=scenario.candidates[0].id, commune=scenario.shortages[0].commune_id),
            ),
        }
    )
    c = scenario.candidate_index[scenario.candidates[0].id]
    instances = rule.bars(scenario, c, 0, 12.0)
    assert instances and all(i.rule == rule.name and i.item for i in instances)
    for instance in instances:
        text = rule.describe(scenario, instance)
        assert scenario.candidates[0].id in text and "{" not in text
