"""Cross-reference checks between a scenario's tables and its YAML."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from i18n import N_, _
from models.aliases import near_miss, specialty_alias
from models.errors import InputProblem
from models.scenario import nfc

if TYPE_CHECKING:
    from models.book_source import BookSource
    from models.loader import ScenarioFile
    from models.scenario import Row
    from models.tables import Table
    from models.yaml_source import YamlSource

Rows = list[tuple[int, Any]]
TEXT_FORMAT = N_("format the id columns as Text in the spreadsheet and retype the codes")
UNIQUE_KEYS = {
    "communes": ("id",),
    "candidates": ("id",),
    "agencies": ("id",),
    "shortages": ("commune_id", "specialty"),
    "distances": ("from_id", "to_id"),
}


UNKNOWN = {
    "specialty": N_("unknown specialty id"),
    "commune": N_("unknown commune id"),
    "agency": N_("unknown agency id"),
    "candidate": N_("unknown candidate id"),
    "commune, agency or candidate": N_("unknown commune, agency or candidate id"),
}


class Registry:
    """Known ids of one kind, with a hint for the usual mistakes: lost zeros, near misses, names, commas."""

    def __init__(self, kind: str, ids: Iterable[str], table: str) -> None:
        self.kind = kind
        self.ids = set(ids)
        self.table = table

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def expected(self, value: str) -> str:
        """Explain an unknown id and name the known id it most likely stands for."""
        message = _(UNKNOWN[self.kind])
        hint = self._zeros(value) or self._list(value) or self._alias(value) or self._near(value)
        return f"{message}; {hint}" if hint else message

    def _zeros(self, value: str) -> str | None:
        """The known id this one matches once leading zeros are set aside."""
        if not value.isdigit():
            return None
        same = sorted(
            known for known in self.ids if known.isdigit() and known.lstrip("0") == value.lstrip("0")
        )
        if not same:
            return None
        if len(same[0]) > len(value):
            return _("did you mean {known}? A spreadsheet dropped its leading zero: {fix}").format(
                known=repr(same[0]), fix=_(TEXT_FORMAT)
            )
        return _(
            "{table} has {known}, this id without its leading zero: a spreadsheet dropped it there; {fix}"
        ).format(table=self.table, known=repr(same[0]), fix=_(TEXT_FORMAT))

    def _list(self, value: str) -> str | None:
        """A list written with `,` between known ids: the separator is `;`."""
        parts = [part.strip() for part in value.split(",")]
        if len(parts) < 2 or not all(part in self.ids for part in parts if part):
            return None
        return _("the list separator is ';', not ',': write {fixed}").format(fixed=repr(";".join(parts)))

    def _alias(self, value: str) -> str | None:
        """A specialty written by its name or abbreviation (`Công nghệ thông tin`, `CNTT`, `IT`)."""
        if self.kind != "specialty":
            return None
        meant = specialty_alias(value, self.ids)
        if meant is None:
            return None
        message = _("{value} is the specialty {id}: write its id, {id}")
        return message.format(value=repr(value), id=repr(meant))

    def _near(self, value: str) -> str | None:
        """The known id this one misspells (case, punctuation or a letter or two)."""
        meant = near_miss(value, self.ids)
        return _("did you mean {known}?").format(known=repr(meant)) if meant else None


def check_references(
    header: ScenarioFile,
    tables: dict[str, list[tuple[int, Row]]],
    raw: dict[str, Table],
    names: dict[str, str],
    source: YamlSource | BookSource,
) -> list[InputProblem]:
    """Find duplicate ids, lost leading zeros and references to ids or specialties that do not exist."""
    problems: list[InputProblem] = []
    for table, key in UNIQUE_KEYS.items():
        if table in raw:
            problems.extend(_duplicates(raw[table], key))
    for table in ("communes", "candidates", "agencies"):
        if table in raw:
            problems.extend(_lost_zeros(raw[table]))

    def registry(kind: str, table: str) -> Registry | None:
        if table not in raw or "id" not in raw[table].columns:
            return None
        return Registry(kind, (str(nfc(r["id"])) for _, r in raw[table].rows if r.get("id")), names[table])

    specialty_ids = [s.id for s in header.specialties]
    specialties = Registry("specialty", specialty_ids, "specialties")
    communes = registry("commune", "communes")
    agencies = registry("agency", "agencies")
    candidates = registry("candidate", "candidates")
    anything = None
    if communes and agencies and candidates:
        anything = Registry(
            "commune, agency or candidate", communes.ids | agencies.ids | candidates.ids, names["agencies"]
        )
    checks: list[tuple[str, str, Registry | None]] = [
        ("shortages", "commune_id", communes),
        ("shortages", "specialty", specialties),
        ("candidates", "agency_id", agencies),
        ("candidates", "specialties", specialties),
        ("candidates", "home_commune_id", communes),
        ("candidates", "preferences", communes),
        ("distances", "from_id", anything),
        ("distances", "to_id", communes),
        ("adjacency", "code_a", communes),
        ("adjacency", "code_b", communes),
    ]
    for table, column, known in checks:
        if known is not None and table in tables:
            problems.extend(_unknown(names[table], tables[table], column, known))

    def problem(expected: str, value: object, *loc: int | str) -> InputProblem:
        file, row, column = source.place(loc)
        return InputProblem(file, expected, row, column, value)

    if len(set(specialty_ids)) != len(specialty_ids):
        problems.append(problem(_("each specialty id may appear only once"), None, "specialties"))
    for section, entries in (("pins", header.pins), ("forbid", header.forbid)):
        for index, entry in enumerate(entries):
            for field, known in (
                ("candidate", candidates),
                ("commune", communes),
                ("specialty", specialties),
            ):
                value = getattr(entry, field)
                if known is not None and value is not None and value not in known:
                    problems.append(problem(known.expected(value), value, section, index, field))
    if communes is not None:
        tags = {
            str(nfc(t)) for _, r in raw["communes"].rows for t in r.get("tags", "").split(";") if t.strip()
        }
        problems.extend(_floors(header, tags, specialties, communes, problem))
    return problems


def _duplicates(table: Table, key: tuple[str, ...]) -> list[InputProblem]:
    """Rows whose key (after trimming and NFC normalisation) repeats an earlier row's."""
    if not all(column in table.columns for column in key):
        return []
    seen: dict[tuple[str, ...], int] = {}
    found = []
    for number, record in table.rows:
        value = tuple(str(nfc(record.get(column, ""))) for column in key)
        if not all(value):
            continue
        if value in seen:
            found.append(
                InputProblem(
                    table.name,
                    _("duplicate, first seen on row {row}").format(row=seen[value]),
                    number,
                    key[0],
                    "/".join(value) if len(value) > 1 else value[0],
                )
            )
        else:
            seen[value] = number
    return found


def _lost_zeros(table: Table) -> list[InputProblem]:
    """Numeric ids shorter than the zero-padded ones beside them: a spreadsheet ate their leading zeros."""
    ids = [(number, record.get("id", "")) for number, record in table.rows]
    padded = [value for _, value in ids if value.isdigit() and value.startswith("0")]
    if not padded:
        return []
    width = max(len(value) for value in padded)
    return [
        InputProblem(
            table.name,
            _(
                "looks like {padded} without its leading zero (other ids here have {width} digits, "
                "e.g. {example}): {fix}"
            ).format(
                padded=repr(value.zfill(width)), width=width, example=repr(padded[0]), fix=_(TEXT_FORMAT)
            ),
            number,
            "id",
            value,
        )
        for number, value in ids
        if value.isdigit() and len(value) < width
    ]


def _unknown(name: str, rows: Rows, column: str, known: Registry) -> list[InputProblem]:
    """Cells of a column (or items of a list cell) that name no known id."""
    found = []
    for number, row in rows:
        values = getattr(row, column)
        for value in values if isinstance(values, tuple | dict) else (values,):
            if value is not None and value not in known:
                found.append(InputProblem(name, known.expected(value), number, column, value))
    return found


def _floors(
    header: ScenarioFile,
    tags: set[str],
    specialties: Registry,
    communes: Registry,
    problem: Callable[..., InputProblem],
) -> list[InputProblem]:
    """Every min_coverage floor names a known specialty and communes that exist."""
    problems = []
    for index, floor in enumerate(header.policy.min_coverage):
        where = ("policy", "min_coverage", index)
        if floor.specialty not in specialties:
            expected = specialties.expected(floor.specialty)
            problems.append(problem(expected, floor.specialty, *where, "specialty"))
        if isinstance(floor.communes, tuple):
            problems.extend(
                problem(communes.expected(c), c, *where, "communes", n)
                for n, c in enumerate(floor.communes)
                if c not in communes
            )
        elif floor.communes != "all" and not floor.communes.startswith("tag:"):
            expected = _("expected 'all', 'tag:X' or a list of commune ids")
            problems.append(problem(expected, floor.communes, *where, "communes"))
        elif floor.communes.startswith("tag:") and floor.communes.removeprefix("tag:") not in tags:
            problems.append(
                problem(
                    _("no commune has this tag (tags used: {tags})").format(
                        tags=", ".join(sorted(tags)) or _("none")
                    ),
                    floor.communes,
                    *where,
                    "communes",
                )
            )
    return problems
