"""What a sweep keeps of each solved variant, and the store in DIR/variants/ that lets it resume.

A record is keyed by the variant's scenario hash (the plan's provenance `scenario_sha256`): a
variant solved before, with the same seed and engine, is not solved again. A record that is not
final (FEASIBLE or UNKNOWN: the time limit ended the search) is only reused with the same limit.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models.plan import Plan, SolveParams, SolveStatus
from reports.workbook import write_atomically

RECORDS = "variants"
FINAL = (SolveStatus.OPTIMAL.value, SolveStatus.INFEASIBLE.value)
KPI_FIELDS = ("seats_filled", "seats_demanded", "total_km", "coverage_pct", "people_seconded", "max_km")


@dataclass(frozen=True)
class Record:
    """One variant's outcome: status, each objective's value, the headline figures, how it was solved
    (wall and CPU seconds of the solve in its worker)."""

    scenario_sha256: str
    status: str
    objectives: dict[str, float | int]
    kpis: dict[str, float | int]
    params: dict[str, Any]
    solver: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    conflicts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, plan: Plan, params: SolveParams, seconds: float, cpu_seconds: float) -> Record:
        """The record of a solved variant's plan."""
        kpis = plan.kpis.model_dump()
        return cls(
            scenario_sha256=plan.provenance.scenario_sha256,
            status=plan.status.value,
            objectives={stage.name: stage.value for stage in plan.objectives},
            kpis={name: kpis[name] for name in KPI_FIELDS},
            params=params.model_dump(include={"time_limit_s", "seed", "engine"}),
            solver=plan.provenance.solver,
            seconds=round(seconds, 4),
            cpu_seconds=round(cpu_seconds, 4),
            conflicts=[f"{c.rule}: {c.item}" for c in plan.conflicts],
        )

    def answers(self, params: SolveParams) -> bool:
        """Whether this record stands for a solve with these parameters."""
        wanted = params.model_dump(include={"time_limit_s", "seed", "engine"})
        same_search = all(self.params.get(k) == wanted[k] for k in ("seed", "engine"))
        return same_search and (
            self.status in FINAL or self.params.get("time_limit_s") == wanted["time_limit_s"]
        )


class Store:
    """Records as DIR/variants/<scenario sha256>.json, each renamed into place whole (a crash of
    the sweep loses no record it wrote; one lost to a power cut is solved again)."""

    def __init__(self, out: Path) -> None:
        self.folder = Path(out) / RECORDS

    def get(self, sha: str, params: SolveParams) -> Record | None:
        """The record of this variant, if one answers these parameters."""
        path = self.folder / f"{sha}.json"
        try:
            record = Record(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        return record if record.scenario_sha256 == sha and record.answers(params) else None

    def put(self, record: Record) -> None:
        """Keep a record (replacing an older one of the same variant)."""
        text = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        path = self.folder / f"{record.scenario_sha256}.json"
        write_atomically(path, lambda target: target.write_text(text, encoding="utf-8"))
