"""A whole sweep: prepare every variant, skip those already solved in DIR, solve the rest, keep each."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from models.plan import SolveParams
from models.plan_io import PLAN_FILE, write_plan
from models.scenario import Scenario
from sweeps.records import Record, Store
from sweeps.runner import Job, Outcome, Running
from sweeps.variants import Variant, apply

PLANS = "plans"
SLUG_LENGTH = 60


class Where(Protocol):
    """Local processes or a Dask cluster."""

    def run(
        self, base: Scenario, todo: Sequence[Job], params: SolveParams, keep: bool, running: Running
    ) -> object:
        """Yield each job's outcome as it is ready."""

    def start(self, base: Scenario) -> None:
        """Get the workers ready for this base while the variants are prepared."""

    def close(self) -> None:
        """Let go of what `start` took, when `run` never ran."""


@dataclass(frozen=True)
class Prepared:
    """A variant made: its position, changes, scenario hash and, when kept, its plan folder name."""

    index: int
    variant: Variant
    sha: str
    folder: str


class Watcher(Protocol):
    """What a sweep tells the person waiting for it."""

    def started(self, total: int, reused: int) -> None:
        """The sweep has `total` variants; `reused` of them were solved before."""

    def running(self, count: int) -> None:
        """`count` variants are being solved now."""

    def solved(self, record: Record) -> None:
        """One more variant is solved."""


def prepare(base: Scenario, variants: Sequence[Variant]) -> list[Prepared]:
    """Apply every variant to the base (any bad value is found now, before a solve) and hash it."""
    prepared = []
    for n, variant in enumerate(variants):
        sha = apply(base, variant.changes).sha256
        prepared.append(Prepared(n, variant, sha, _folder(variant.label(), sha)))
    return prepared


def _folder(label: str, sha: str) -> str:
    """A plan folder name from the variant's label (cut short with its hash when too long)."""
    slug = re.sub(r"[^A-Za-z0-9._=+-]+", "_", label.replace(", ", "__")).strip("_") or "base"
    return slug if len(slug) <= SLUG_LENGTH else f"{slug[: SLUG_LENGTH - 9]}-{sha[:8]}"


def run_sweep(
    base: Scenario,
    prepared: Sequence[Prepared],
    params: SolveParams,
    out: Path,
    where: Where,
    keep_plans: bool,
    watcher: Watcher,
) -> list[Record]:
    """Every variant's record, in table order; each is stored in `out` the moment it is solved."""
    store = Store(out)
    records: dict[str, Record] = {}
    for item in prepared:
        record = store.get(item.sha, params)
        if record is not None and (not keep_plans or _has_plan(out / PLANS / item.folder, item.sha)):
            records[item.sha] = record
    first: dict[str, Prepared] = {}
    for item in prepared:
        if item.sha not in records:
            first.setdefault(item.sha, item)
    todo = [
        Job(item.index, tuple((c.key.text, c.text) for c in item.variant.changes)) for item in first.values()
    ]
    watcher.started(len(prepared), len(prepared) - sum(1 for p in prepared if p.sha in first))
    by_index = {item.index: item for item in prepared}
    outcomes = where.run(base, todo, params, keep_plans, watcher.running)
    for outcome in outcomes:  # type: ignore[attr-defined]
        _keep(outcome, by_index[outcome.index], prepared, store, out if keep_plans else None)
        records[outcome.record.scenario_sha256] = outcome.record
        for _ in (p for p in prepared if p.sha == outcome.record.scenario_sha256):
            watcher.solved(outcome.record)
    return [records[item.sha] for item in prepared]


def _keep(
    outcome: Outcome, item: Prepared, prepared: Sequence[Prepared], store: Store, out: Path | None
) -> None:
    """Store the record; with kept plans, write the plan folder of every variant with that scenario."""
    if outcome.record.scenario_sha256 != item.sha:
        raise RuntimeError(f"variant {item.variant.label()}: solved a scenario other than the one prepared")
    if out is not None and outcome.plan is not None:
        for same in (p for p in prepared if p.sha == item.sha):
            write_plan(outcome.plan, out / PLANS / same.folder, force=True)
    store.put(outcome.record)


def _has_plan(folder: Path, sha: str) -> bool:
    """Whether a kept plan folder holds this variant's plan (by the scenario hash it records)."""
    try:
        claims = json.loads((folder / PLAN_FILE).read_text(encoding="utf-8"))
        return claims["provenance"]["scenario_sha256"] == sha
    except (OSError, ValueError, KeyError, TypeError):
        return False
