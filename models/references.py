"""Cross-reference checks between a scenario's tables and its YAML."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from models.errors import InputProblem

if TYPE_CHECKING:
    from models.loader import ScenarioFile
    from models.scenario import Row

Rows = list[tuple[int, Any]]


class Registry:
    """Known ids of one kind, with a hint when Excel has dropped a leading zero."""

    def __init__(self, kind: str, ids: Iterable[str]) -> None:
        self.kind = kind
        self.ids = set(ids)

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def expected(self, value: str) -> str:
        """Explain an unknown id, suggesting the zero-padded id it probably meant."""
        message = f"unknown {self.kind} id"
        if value.isdigit():
            padded = [known for known in self.ids if known.lstrip("0") == value.lstrip("0")]
            if padded:
                return (
                    f"{message}; did you mean {padded[0]!r}? A spreadsheet may have dropped its "
                    "leading zero: format the column as Text"
                )
        return message


def check_references(
    header: ScenarioFile, tables: dict[str, list[tuple[int, Row]]], names: dict[str, str], yaml: str
) -> list[InputProblem]:
    """Find duplicate ids and references to ids or specialties that do not exist."""
    problems: list[InputProblem] = []

    def unique(table: str, rows: Rows, key: str) -> None:
        seen: dict[object, int] = {}
        for number, row in rows:
            value = getattr(row, key) if key != "key" else row.key
            if value in seen:
                problems.append(
                    InputProblem(
                        names[table],
                        f"duplicate, first seen on row {seen[value]}",
                        number,
                        "commune_id" if key == "key" else key,
                        value,
                    )
                )
            else:
                seen[value] = number

    def refer(table: str, rows: Rows, column: str, registry: Registry) -> None:
        for number, row in rows:
            values = getattr(row, column)
            for value in values if isinstance(values, tuple | dict) else (values,):
                if value is not None and value not in registry:
                    problems.append(
                        InputProblem(names[table], registry.expected(value), number, column, value)
                    )

    for table, key in (
        ("communes", "id"),
        ("candidates", "id"),
        ("agencies", "id"),
        ("shortages", "key"),
    ):
        unique(table, tables[table], key)
    specialty_ids = [s.id for s in header.specialties]
    if len(set(specialty_ids)) != len(specialty_ids):
        problems.append(InputProblem(yaml, "specialties: each specialty id may appear only once"))

    specialties = Registry("specialty", specialty_ids)
    communes = Registry("commune", (row.id for _, row in tables["communes"]))
    agencies = Registry("agency", (row.id for _, row in tables["agencies"]))
    candidates = Registry("candidate", (row.id for _, row in tables["candidates"]))
    anything = Registry("commune, agency or candidate", communes.ids | agencies.ids | candidates.ids)

    refer("shortages", tables["shortages"], "commune_id", communes)
    refer("shortages", tables["shortages"], "specialty", specialties)
    refer("candidates", tables["candidates"], "agency_id", agencies)
    refer("candidates", tables["candidates"], "specialties", specialties)
    refer("candidates", tables["candidates"], "home_commune_id", communes)
    refer("candidates", tables["candidates"], "preferences", communes)
    if "distances" in tables:
        refer("distances", tables["distances"], "from_id", anything)
        refer("distances", tables["distances"], "to_id", communes)
    if "adjacency" in tables:
        refer("adjacency", tables["adjacency"], "code_a", communes)
        refer("adjacency", tables["adjacency"], "code_b", communes)

    for section, entries in (("pins", header.pins), ("forbid", header.forbid)):
        for index, entry in enumerate(entries):
            for field, registry in (
                ("candidate", candidates),
                ("commune", communes),
                ("specialty", specialties),
            ):
                value = getattr(entry, field)
                if value is not None and value not in registry:
                    problems.append(
                        InputProblem(
                            yaml,
                            f"{section}[{index}].{field}: {registry.expected(value)}",
                            value=value,
                        )
                    )
    tags = {tag for _, row in tables["communes"] for tag in row.tags}
    for index, floor in enumerate(header.policy.min_coverage):
        where = f"policy.min_coverage[{index}]"
        if floor.specialty not in specialties:
            problems.append(
                InputProblem(yaml, f"{where}.specialty: unknown specialty id", value=floor.specialty)
            )
        if isinstance(floor.communes, tuple):
            problems.extend(
                InputProblem(yaml, f"{where}.communes: {communes.expected(c)}", value=c)
                for c in floor.communes
                if c not in communes
            )
        elif floor.communes != "all" and not floor.communes.startswith("tag:"):
            problems.append(
                InputProblem(
                    yaml,
                    f"{where}.communes: expected 'all', 'tag:X' or a list of commune ids",
                    value=floor.communes,
                )
            )
        elif floor.communes.startswith("tag:") and floor.communes.removeprefix("tag:") not in tags:
            problems.append(
                InputProblem(
                    yaml,
                    f"{where}.communes: no commune has this tag (tags used: {', '.join(sorted(tags))})",
                    value=floor.communes,
                )
            )
    return problems
