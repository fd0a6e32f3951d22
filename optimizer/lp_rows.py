"""A CP-SAT model read as arrays: its variables' bounds, its linear rows and its objective.

The LP relaxation (`optimizer.relaxation`) and the neighbourhoods around its vertex are read from
these. The model is read through its binary form: walking the C++-backed proto field by field from
Python took 1.5 s of every LP's 7 s on a 145k-variable part of the national `bench.posts` instance,
reading these arrays from its serialized copy 0.55 s.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Cut:
    """A valid inequality found for an LP vertex, as one more row: `coefficients @ x[indices] <= high`."""

    indices: np.ndarray
    coefficients: np.ndarray
    high: int


@dataclass(frozen=True)
class Rows:
    """A model's variables and linear rows (row r's terms at `starts[r]:starts[r + 1]`)."""

    lower: np.ndarray
    upper: np.ndarray
    """Each variable's least and largest value."""
    starts: np.ndarray
    columns: np.ndarray
    coefficients: np.ndarray
    low: np.ndarray
    high: np.ndarray
    """Each row's least and largest value."""
    enforced: np.ndarray
    """Whether the row holds only when a literal is true (the LP leaves it out)."""
    exact: bool
    """Whether every constraint of the model is one of these rows, unenforced, and every row's and
    every variable's domain one interval: then an integral point meeting the rows is a solution."""
    costs: np.ndarray
    """The objective's coefficient on every variable (zeros without an objective)."""
    offset: float = 0.0
    scaling: float = 1.0

    @classmethod
    def of(cls, model: cp_model.CpModel) -> Rows:
        """Read the model's rows."""
        proto = _message(model)
        domains, intervals = _domains(proto)
        linear = [c for c in proto.constraints if c.WhichOneof("constraint") == "linear"]
        lengths = np.array([len(c.linear.vars) for c in linear], dtype=np.int64)
        terms = int(lengths.sum())
        costs = np.zeros(len(domains))
        np.add.at(costs, list(proto.objective.vars), list(proto.objective.coeffs))
        return cls(
            lower=domains[:, 0],
            upper=domains[:, 1],
            starts=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            columns=_flat((c.linear.vars for c in linear), terms),
            coefficients=_flat((c.linear.coeffs for c in linear), terms),
            low=np.array([c.linear.domain[0] for c in linear], dtype=np.int64),
            high=np.array([c.linear.domain[-1] for c in linear], dtype=np.int64),
            enforced=np.array([len(c.enforcement_literal) > 0 for c in linear], dtype=bool),
            exact=len(linear) == len(proto.constraints)
            and not any(len(c.enforcement_literal) or len(c.linear.domain) != 2 for c in linear)
            and intervals,
            costs=costs,
            offset=proto.objective.offset,
            scaling=proto.objective.scaling_factor or 1.0,
        )

    def with_cuts(self, cuts: Sequence[Cut]) -> Rows:
        """These rows and the cuts after them."""
        if not cuts:
            return self
        lengths = np.array([len(cut.indices) for cut in cuts], dtype=np.int64)
        return replace(
            self,
            starts=np.concatenate([self.starts, self.starts[-1] + np.cumsum(lengths)]),
            columns=np.concatenate([self.columns, *(cut.indices for cut in cuts)]),
            coefficients=np.concatenate([self.coefficients, *(cut.coefficients for cut in cuts)]),
            low=np.concatenate([self.low, np.full(len(cuts), np.iinfo(np.int64).min)]),
            high=np.concatenate([self.high, [cut.high for cut in cuts]]).astype(np.int64),
            enforced=np.concatenate([self.enforced, np.zeros(len(cuts), dtype=bool)]),
        )

    @property
    def lengths(self) -> np.ndarray:
        """How many terms each row has."""
        return np.diff(self.starts)

    def row_of_term(self) -> np.ndarray:
        """The row each term belongs to."""
        return np.repeat(np.arange(len(self.low)), self.lengths)

    def value(self, point: np.ndarray) -> int:
        """The model's objective at an integral point, as the model states it (scaled, with its offset)."""
        return round(self.scaling * (float(self.costs @ point) + self.offset))

    def activity(self, point: np.ndarray) -> np.ndarray:
        """Each row's value at an integral point."""
        return np.bincount(
            self.row_of_term(), weights=self.coefficients * point[self.columns], minlength=len(self.low)
        ).astype(np.int64)

    def holds(self, point: np.ndarray) -> bool:
        """Whether an integral point meets every bound and every row (then, the rows being exact,
        it is a solution of the model: no solver needs to confirm it)."""
        activity = self.activity(point)
        within = (point >= self.lower) & (point <= self.upper)
        return bool(within.all() and ((activity >= self.low) & (activity <= self.high)).all())


def _message(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model's proto as a Python message, through a file holding its binary form."""
    return cp_model_pb2.CpModelProto.FromString(through_file(model.export_to_file, "the CP-SAT model"))


def through_file(write: Callable[[str], bool], what: str) -> bytes:
    """The binary form an OR-Tools object writes to a file (`write` takes the file's path)."""
    with tempfile.TemporaryDirectory(prefix="secondment-lp-") as folder:
        path = Path(folder) / "model.pb"
        if not write(str(path)):
            raise RuntimeError(f"{what} could not be written for its LP relaxation")
        return path.read_bytes()


def _domains(proto: cp_model_pb2.CpModelProto) -> tuple[np.ndarray, bool]:
    """Each variable's least and largest value, and whether every domain is one interval (read in
    one pass: every domain has two bounds or more, so all are intervals when the model has twice
    as many bounds as variables)."""
    bounds = np.fromiter(itertools.chain.from_iterable(v.domain for v in proto.variables), dtype=np.int64)
    if len(bounds) == 2 * len(proto.variables):
        return bounds.reshape(-1, 2), True
    pairs = np.array([(v.domain[0], v.domain[-1]) for v in proto.variables], dtype=np.int64)
    return pairs.reshape(-1, 2), False


def _flat(sequences: Iterable[Iterable[int]], count: int) -> np.ndarray:
    """Repeated fields one after another, as one array."""
    return np.fromiter(itertools.chain.from_iterable(sequences), dtype=np.int64, count=count)
