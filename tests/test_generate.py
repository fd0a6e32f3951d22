"""The synthetic generator and the scenario writer: contract-format folders the loader reads back."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main
from models.loader import load_scenario
from models.plan import SolveParams, SolveStatus
from models.scenario_writer import write_scenario
from models.synthetic import province_scenario
from optimizer.eligibility import eligible_pairs
from optimizer.solve import solve


def small(**options: object) -> object:
    """Three small provinces with every optional feature of the generator."""
    return province_scenario(
        provinces=3, communes_per_province=10, candidates_per_province=30, seed=4, **options
    )


def test_written_scenario_loads_back_identically(tmp_path: Path):
    """Every row, the policy, floors and forbids survive writing and loading: equal models, equal hash."""
    scenario = small(floors=True, fairness=True)
    assert scenario.forbid and scenario.policy.min_coverage
    write_scenario(scenario, tmp_path)
    loaded = load_scenario(tmp_path)
    assert loaded == scenario
    assert loaded.sha256 == scenario.sha256


def test_same_seed_same_scenario_other_seed_another():
    """The generator is deterministic in its seed."""
    assert small() == small()
    assert province_scenario(1, 10, 30, seed=5) != province_scenario(1, 10, 30, seed=6)


def test_shape_of_the_real_case():
    """Agencies sit in their capital, ids keep leading zeros, specialties and mixed levels as asked."""
    scenario = province_scenario(
        provinces=2, communes_per_province=20, candidates_per_province=40, specialties=9
    )
    assert {s.specialty for s in scenario.shortages} <= {s.id for s in scenario.specialties}
    assert len({s.specialty for s in scenario.shortages}) == 9
    assert scenario.communes[0].id == "00000"
    assert len({(a.lat, a.lon) for a in scenario.agencies}) == 2
    assert {s.priority for s in scenario.shortages} == {1, 2, 3, 4, 5}
    assert {c.capacity for c in scenario.communes} == {1, 2, 3}


def test_border_floors_can_be_met():
    """Only communes the capital's agencies can reach are tagged border, so the floors hold."""
    scenario = province_scenario(
        provinces=4, communes_per_province=20, candidates_per_province=60, seed=2, floors=True, fairness=True
    )
    reached = set(eligible_pairs(scenario).shortage.tolist())
    border = {c.id for c in scenario.communes if "border" in c.tags}
    floored = {i for i, s in enumerate(scenario.shortages) if s.commune_id in border and s.specialty == "it"}
    assert floored and floored <= reached
    plan = solve(scenario, SolveParams(time_limit_s=20))
    assert plan.status == SolveStatus.OPTIMAL


def test_generate_command_writes_a_scenario_and_keeps_existing_files(tmp_path: Path):
    """`secondment generate` writes a folder `validate` accepts; a folder holding files needs --force."""
    out = tmp_path / "national"
    options = ["generate", "--provinces", "2", "--communes-per-province", "6"]
    options += ["--candidates-per-province", "15", "--seed", "3", "--floors", "--out", str(out)]
    first = CliRunner().invoke(main, options)
    assert first.exit_code == 0, first.output
    assert (out / "scenario.yaml").is_file() and (out / "candidates.csv").is_file()
    assert load_scenario(out) == province_scenario(2, 6, 15, seed=3, floors=True)
    assert CliRunner().invoke(main, options).exit_code == 2
    assert CliRunner().invoke(main, [*options, "--force"]).exit_code == 0
