"""Sweep variants: KEY and value syntax, pure application to a frozen scenario, products, sweep files,
and the warm eligibility a worker derives from the base scenario's pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from builders import agency, commune, person, scenario, short
from conftest import BUNDLED

from models.loader import load_scenario
from optimizer.eligibility import eligible_pairs
from sweeps.grid import read_grid
from sweeps.keys import Key, VaryError
from sweeps.runner import variant_scenario
from sweeps.variants import Axis, apply, columns, expand, parse_vary, product
from sweeps.warm import Warm


@pytest.fixture
def small():
    """Two communes, two agencies, two shortages, a personal cap on one person."""
    return scenario(
        [commune("03158", 50, capacity=2), commune("03127", 120, capacity=3)],
        [short("03158", "it", seats=2, priority=4), short("03127", "land")],
        [person("P1", "it", "A"), person("P2", "land", "B", max_distance_km=150), person("P3", "it", "B")],
        [agency("A", max_release=2), agency("B", max_release=1)],
        max_distance_km=200,
    )


def changed(base, *options: str):
    """The base with the given `KEY=VALUE` options applied in turn."""
    return apply(base, [parse_vary(o).changes[0] for o in options])


def test_absolute_relative_and_factor_values(small):
    """3 sets, +1/-1 add, x1.5 multiplies (an int column takes the nearest whole number, halves up)."""
    assert changed(small, "policy.max_distance_km=120").policy.max_distance_km == 120.0
    assert changed(small, "policy.max_distance_km=+30").policy.max_distance_km == 230.0
    assert changed(small, "policy.max_distance_km=x0.5").policy.max_distance_km == 100.0
    assert [a.max_release for a in changed(small, "agencies.max_release=+1").agencies] == [3, 2]
    assert [a.max_release for a in changed(small, "agencies.max_release=x1.5").agencies] == [3, 2]
    assert [c.capacity for c in changed(small, "communes.capacity=-1").communes] == [1, 2]
    assert changed(small, "policy.max_distance_km=none").policy.max_distance_km is None
    assert changed(small, "policy.avoid_home_commune=true").policy.avoid_home_commune is True


def test_one_row_by_id_and_shortages_by_commune_and_specialty(small):
    """agencies[B] changes B only; a shortage is named COMMUNE:SPECIALTY."""
    varied = changed(small, "agencies[B].max_release=4", "shortages[03158:it].seats=+1")
    assert [a.max_release for a in varied.agencies] == [2, 4]
    assert [s.seats for s in varied.shortages] == [3, 1]
    assert varied.communes is small.communes


def test_relative_change_skips_rows_without_a_value_but_not_a_named_row(small):
    """+10 on every candidate's personal cap changes only those who have one; on P1 it is an error."""
    varied = changed(small, "candidates.max_distance_km=+10")
    assert [c.max_distance_km for c in varied.candidates] == [None, 160.0, None]
    with pytest.raises(VaryError, match=r"candidates\[P1\] has no value"):
        changed(small, "candidates[P1].max_distance_km=+10")


def test_applying_is_pure_and_hashes_like_a_loaded_scenario(small):
    """The base is untouched; the same content reached two ways has the same scenario hash."""
    before = small.model_dump_json()
    plus = changed(small, "agencies.max_release=+1")
    assert small.model_dump_json() == before
    assert plus.sha256 != small.sha256
    assert changed(small, "agencies[A].max_release=3", "agencies[B].max_release=2").sha256 == plus.sha256
    assert changed(small, "agencies.max_release=+0").sha256 == small.sha256


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("policy.objectives=coverage", "'objectives' cannot be varied"),
        ("policy.max_distance_km=far", "expected a number"),
        ("policy.max_distance_km=-300", r"would be -100.0: Input should be greater than 0"),
        ("communes.capacity=-3", r"communes\[03158\]\.capacity would be -1"),
        ("communes.capacity=2.5", "needs a whole number"),
        ("communes.name=x", "'name' cannot be varied"),
        ("teams.size=3", "unknown table 'teams'"),
        ("agencies[Z].max_release=3", "no row 'Z' in agencies"),
        ("policy.detour_factor=none", "cannot be left unset"),
        ("policy.avoid_home_commune=2", "expected true or false"),
        ("max_distance_km=3", "not a key"),
        ("policy.max_distance_km", "expected KEY=V1,V2"),
        ("policy.max_distance_km=1,,2", "one or more comma-separated values"),
        ("policy.max_distance_km=100,100", "listed twice"),
    ],
)
def test_bad_keys_and_values_name_what_is_wrong(small, option: str, message: str):
    """Every refusal names the KEY, the value or row, and what was expected."""
    with pytest.raises(VaryError, match=message):
        changed(small, option)


def test_ranges_and_products_keep_the_declared_order():
    """100:200:50 is 100,150,200; the product varies the last KEY fastest."""
    assert expand("100:200:50,260") == ["100", "150", "200", "260"]
    assert expand("x1.5") == ["x1.5"]
    with pytest.raises(VaryError):
        expand("200:100:50")
    axes = [parse_vary("policy.max_distance_km=100,200"), parse_vary("agencies.max_release=+0,+1")]
    labels = [v.label() for v in product(axes)]
    assert labels == [
        "policy.max_distance_km=100, agencies.max_release=+0",
        "policy.max_distance_km=100, agencies.max_release=+1",
        "policy.max_distance_km=200, agencies.max_release=+0",
        "policy.max_distance_km=200, agencies.max_release=+1",
    ]
    with pytest.raises(VaryError, match="varied twice"):
        product([axes[0], axes[0]])


def test_sweep_file_keeps_values_as_text(tmp_path: Path):
    """In a sweep file `+1` stays relative and `03158` keeps its zero; listed variants combine with vary."""
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "vary:\n  policy.max_distance_km: [120, 160]\n  communes[03158].capacity: +1, +2\n"
        "variants:\n  - agencies.max_release: +1\n  - policy.detour_factor: 1.4\n",
        encoding="utf-8",
    )
    axes, listed = read_grid(path)
    assert [a.key.text for a in axes] == ["policy.max_distance_km", "communes[03158].capacity"]
    assert [c.text for c in axes[1].changes] == ["+1", "+2"]
    variants = product(axes, listed)
    assert len(variants) == 8
    assert columns(variants) == [
        "agencies.max_release",
        "policy.detour_factor",
        "policy.max_distance_km",
        "communes[03158].capacity",
    ]
    path.write_text("vary: [1, 2]\n", encoding="utf-8")
    with pytest.raises(VaryError, match=r"sweep\.yaml: vary: expected"):
        read_grid(path)


@pytest.mark.parametrize(
    "changes",
    [
        (("policy.max_distance_km", "150"),),
        (("policy.max_distance_km", "260"), ("policy.max_travel_minutes", "400")),
        (("policy.max_distance_km", "none"),),
        (("agencies.max_release", "+2"), ("communes.capacity", "x2"), ("shortages.seats", "+1")),
        (("shortages.priority", "5"),),
        (("shortages.min_level", "2"),),
        (("policy.detour_factor", "1.3"),),
        (("candidates.max_distance_km", "-20"),),
    ],
)
def test_warm_pairs_are_exactly_the_eligible_pairs(changes):
    """A worker's pairs for a variant, derived from the base's, equal eligible_pairs of the variant."""
    base = load_scenario(BUNDLED)
    variant = variant_scenario(base, changes)
    warm, fresh = Warm.of(base).pairs(variant), eligible_pairs(variant)
    for field in ("candidate", "shortage", "km", "minutes"):
        assert np.array_equal(getattr(warm, field), getattr(fresh, field))


def test_axis_needs_values():
    """An axis with no values is refused."""
    with pytest.raises(VaryError):
        Axis.parse("policy.max_distance_km", [])
    assert Key.parse("agencies[Sở Y tế].max_release").row == "Sở Y tế"
