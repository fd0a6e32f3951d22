"""Eligible candidate x shortage pairs: only these become decision variables.

Pairs are found one specialty at a time, in blocks of holders x shortages small enough to keep the
memory of a national scenario bounded; travel is estimated once per distinct origin in a block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from models.scenario import Scenario
from optimizer.rules.pair_rules import kept
from optimizer.rules.pair_view import PairTable, PairView
from optimizer.travel import Travel

BLOCK_CELLS = 1 << 21
"""Most holder x shortage cells evaluated at once."""

Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Pairs:
    """Eligible pairs as parallel arrays, sorted by candidate then shortage index."""

    candidate: np.ndarray
    shortage: np.ndarray
    km: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return len(self.candidate)

    @classmethod
    def empty(cls) -> Pairs:
        """No pairs at all."""
        none = np.array([], dtype=np.int64)
        return cls(none, none, np.array([]), np.array([]))


@dataclass(frozen=True)
class PairIndex:
    """Which pairs belong to each candidate, shortage, commune and agency."""

    by_candidate: Mapping[int, np.ndarray]
    by_shortage: Mapping[int, np.ndarray]
    by_commune: Mapping[str, np.ndarray]
    by_agency: Mapping[str, np.ndarray]

    @classmethod
    def of(cls, scenario: Scenario, pairs: Pairs) -> PairIndex:
        """Group the pair positions by each key."""
        communes = _codes(s.commune_id for s in scenario.shortages)
        agencies = _codes(c.agency_id for c in scenario.candidates)
        commune_of = np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64)
        agency_of = np.array([agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64)
        return cls(
            _Groups.of(pairs.candidate, None),
            _Groups.of(pairs.shortage, None),
            _Groups.of(commune_of[pairs.shortage], list(communes)),
            _Groups.of(agency_of[pairs.candidate], list(agencies)),
        )


def _codes(keys: Iterator[str]) -> dict[str, int]:
    """A number for each distinct key, in order of first appearance."""
    codes: dict[str, int] = {}
    for key in keys:
        codes.setdefault(key, len(codes))
    return codes


class _Groups(Mapping):
    """Positions of each key, ascending, as views of one sorted array; keys in order of first appearance.

    Grouping waits for the first look-up: the stages that never read a grouping never pay for it.
    """

    def __init__(self, codes: np.ndarray, names: list[str] | None) -> None:
        self._codes, self._names = codes, names

    @classmethod
    def of(cls, codes: np.ndarray, names: list[str] | None) -> _Groups:
        """Positions grouped by code, keyed by the code or by its name."""
        return cls(codes, names)

    @cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray, dict]:
        """The sorted positions, each key's (first, last) in them, and each key's slot."""
        codes = self._codes
        presorted = bool((codes[1:] >= codes[:-1]).all())
        order = np.arange(len(codes)) if presorted else np.argsort(codes, kind="stable")
        ordered = codes[order]
        firsts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(codes) else order
        found = ordered[firsts].tolist()
        appearance = np.argsort(order[firsts], kind="stable").tolist()
        keys = [found[k] if self._names is None else self._names[found[k]] for k in appearance]
        bounds = np.r_[firsts, len(codes)]
        spans = np.stack([bounds[:-1][appearance], bounds[1:][appearance]], axis=1).tolist()
        return order, spans, {key: k for k, key in enumerate(keys)}

    def __getitem__(self, key: object) -> np.ndarray:
        order, spans, slot = self._groups
        first, last = spans[slot[key]]
        return order[first:last]

    def __iter__(self) -> Iterator:
        return iter(self._groups[2])

    def __len__(self) -> int:
        return len(self._groups[2])


def eligible_pairs(scenario: Scenario) -> Pairs:
    """Every candidate x shortage pair that satisfies the per-pair hard rules."""
    table = _Table.of(scenario)
    parts = [part for specialty in sorted(table.holders) for part in table.pairs_in(specialty)]
    if not parts:
        return Pairs.empty()
    cand, short, km, minutes = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.argsort(cand * len(scenario.shortages) + short, kind="stable")
    return Pairs(cand[order], short[order], km[order], minutes[order])


@dataclass(frozen=True)
class _Block:
    """Some holders of one specialty (rows) against every shortage in it (columns)."""

    specialty: str
    rows: np.ndarray
    levels: np.ndarray
    cols: np.ndarray
    commune: np.ndarray
    row_of: np.ndarray
    col_of: np.ndarray


@dataclass(frozen=True)
class _Table:
    """The scenario as arrays of codes: what the per-pair rules read."""

    scenario: Scenario
    points: np.ndarray
    origin: np.ndarray
    agency: np.ndarray
    rules: PairTable
    holders: dict[str, tuple[np.ndarray, np.ndarray]]
    lat: np.ndarray
    lon: np.ndarray
    specialty: np.ndarray
    shortage_commune: np.ndarray
    measured: _Measured

    @classmethod
    def of(cls, scenario: Scenario) -> _Table:
        """Encode candidates, communes and shortages once."""
        communes = {c.id: i for i, c in enumerate(scenario.communes)}
        agencies = {a.id: i for i, a in enumerate(scenario.agencies)}
        points, origin = np.unique(Travel(scenario).origins(), axis=0, return_inverse=True)
        wanted = {s.specialty for s in scenario.shortages}
        holders: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, c in enumerate(scenario.candidates):
            for specialty in wanted.intersection(c.specialties):
                holders[specialty].append((i, c.specialties[specialty]))
        return cls(
            scenario=scenario,
            points=points.reshape(-1, 2),
            origin=origin.reshape(-1),
            agency=np.array([agencies[c.agency_id] for c in scenario.candidates], dtype=np.int64),
            rules=PairTable.of(scenario),
            holders={k: tuple(np.array(v, dtype=np.int64).reshape(-1, 2).T) for k, v in holders.items()},
            lat=np.array([c.lat for c in scenario.communes], dtype=float),
            lon=np.array([c.lon for c in scenario.communes], dtype=float),
            specialty=np.array([s.specialty for s in scenario.shortages], dtype=object),
            shortage_commune=np.array([communes[s.commune_id] for s in scenario.shortages], dtype=np.int64),
            measured=_Measured.of(scenario, agencies, communes),
        )

    def pairs_in(self, specialty: str) -> Iterator[Part]:
        """The eligible pairs of one specialty, block by block (holders grouped by origin)."""
        rows, levels = self.holders[specialty]
        cols = np.flatnonzero(self.specialty == specialty)
        by_origin = np.argsort(self.origin[rows], kind="stable")
        rows, levels = rows[by_origin], levels[by_origin]
        commune = self.shortage_commune[cols]
        col_of = np.full(len(self.lat), -1)
        col_of[commune] = np.arange(len(cols))
        size = max(1, BLOCK_CELLS // len(cols))
        for start in range(0, len(rows), size):
            block = rows[start : start + size]
            row_of = np.full(len(self.origin), -1)
            row_of[block] = np.arange(len(block))
            part = _Block(specialty, block, levels[start : start + size], cols, commune, row_of, col_of)
            yield self._pairs(part)

    def _pairs(self, block: _Block) -> Part:
        """The eligible pairs of one block: those every per-pair rule of the catalogue keeps.

        Travel is estimated once per distinct origin (a row of `km` serves every holder leaving
        from that point), unless measured rows make holders differ.
        """
        points, inverse = np.unique(self.origin[block.rows], return_inverse=True)
        inverse = inverse.reshape(-1)
        km = Travel(self.scenario).road_km(
            self.points[points], self.lat[block.commune], self.lon[block.commune]
        )
        measured = self.measured.touches(block)
        if measured:
            km, inverse = km[inverse], np.arange(len(block.rows))
        minutes = km / self.scenario.policy.speed_kmh * 60.0
        if measured:
            self.measured.apply(block, self.agency[block.rows], km, minutes)
        view = PairView(
            self.rules, block.specialty, block.rows, block.levels, block.cols, km, minutes, inverse
        )
        i, j = np.nonzero(kept(view))
        return block.rows[i], block.cols[j], km[inverse[i], j], minutes[inverse[i], j]


@dataclass(frozen=True)
class _Cells:
    """Sparse (candidate, commune) cells with values, found in a block by its row and column maps."""

    candidate: np.ndarray
    commune: np.ndarray

    def find(self, block: _Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which cells fall in the block, and at which row and column."""
        row, col = block.row_of[self.candidate], block.col_of[self.commune]
        hit = (row >= 0) & (col >= 0)
        return hit, row[hit], col[hit]


@dataclass(frozen=True)
class _Measured:
    """Measured rows as codes: a dense agency x commune table and sparse candidate cells."""

    agency_km: np.ndarray
    agency_minutes: np.ndarray
    cells: _Cells
    km: np.ndarray
    minutes: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, agencies: dict[str, int], communes: dict[str, int]) -> _Measured:
        """Keep the rows that lead from an agency or a candidate to a commune (minutes filled in)."""
        speed, people = scenario.policy.speed_kmh, scenario.candidate_index
        rows = [
            (s, communes[t], km, km / speed * 60.0 if m is None else m)
            for (s, t), (km, m) in scenario.measured.items()
            if t in communes
        ]
        by_agency = [row for row in rows if row[0] in agencies]
        own = [row for row in rows if row[0] in people]
        shape = (len(agencies), len(communes)) if by_agency else (0, 0)
        agency_km, agency_minutes = np.full(shape, np.nan), np.full(shape, np.nan)
        for source, commune, km, minutes in by_agency:
            agency_km[agencies[source], commune] = km
            agency_minutes[agencies[source], commune] = minutes
        return cls(
            agency_km,
            agency_minutes,
            _Cells(
                np.array([people[row[0]] for row in own], dtype=np.int64),
                np.array([row[1] for row in own], dtype=np.int64),
            ),
            np.array([row[2] for row in own], dtype=float),
            np.array([row[3] for row in own], dtype=float),
        )

    def touches(self, block: _Block) -> bool:
        """Whether any measured row may apply to the block."""
        return bool(self.agency_km.size) or bool(self.cells.find(block)[0].any())

    def apply(self, block: _Block, agency: np.ndarray, km: np.ndarray, minutes: np.ndarray) -> None:
        """Overwrite estimates with measured rows: a candidate's own row wins over its agency's."""
        if self.agency_km.size:
            found_km = self.agency_km[agency][:, block.commune]
            found = ~np.isnan(found_km)
            km[found] = found_km[found]
            minutes[found] = self.agency_minutes[agency][:, block.commune][found]
        hit, row, col = self.cells.find(block)
        km[row, col] = self.km[hit]
        minutes[row, col] = self.minutes[hit]
