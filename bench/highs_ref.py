"""HiGHS on the same MIP (coverage, then distance with coverage held). Never imports OR-Tools."""

from __future__ import annotations

import time

import highspy
import numpy as np

from bench.core import Core
from bench.groups import grouped


def highs_mip(core: Core, seconds: float, threads: int = 2) -> dict[str, object]:
    """Solve coverage, then distance with coverage held; times, statuses, values and the choice."""
    started = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", seconds)
    h.passModel(_model(core))
    h.run()
    coverage_status = h.modelStatusToString(h.getModelStatus())
    coverage_seconds = time.perf_counter() - started
    result: dict[str, object] = {"coverage_status": coverage_status, "coverage_seconds": coverage_seconds}
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return result
    x = np.round(np.array(h.getSolution().col_value)).astype(np.int64)
    best = int(core.priority @ x)
    columns = np.arange(len(core.candidate), dtype=np.int32)
    h.addRow(best, highspy.kHighsInf, len(columns), columns, core.priority.astype(float))
    h.changeColsCost(len(columns), columns, core.metres.astype(float))
    h.setOptionValue("time_limit", max(seconds - coverage_seconds, 1.0))
    h.run()
    result["distance_status"] = h.modelStatusToString(h.getModelStatus())
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        x = np.round(np.array(h.getSolution().col_value)).astype(np.int64)
    result["seconds"] = time.perf_counter() - started
    result["chosen"] = x
    return result


def _model(core: Core) -> highspy.HighsLp:
    """Max Σ priority·x as min −priority·x; one row per person, shortage, commune, agency and pin."""
    n = len(core.candidate)
    rows: list[tuple[np.ndarray, float, float]] = [
        (ps, 0, 1) for ps in grouped(core.candidate, core.candidates) if len(ps) > 1
    ]
    rows += [
        (ps, float(core.floor[s]), float(core.seats[s]))
        for s, ps in enumerate(grouped(core.shortage, len(core.seats)))
    ]
    for limit, keys in ((core.capacity, core.commune), (core.release, core.agency)):
        rows += [
            (ps, 0, float(limit[k])) for k, ps in enumerate(grouped(keys, len(limit))) if len(ps) > limit[k]
        ]
    rows += [(ps, 1, 1) for ps in core.pins]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = (-core.priority).astype(float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = core.allowed.astype(float)
    lp.row_lower_ = np.array([lo for _, lo, _ in rows], dtype=float)
    lp.row_upper_ = np.array([up for _, _, up in rows], dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
    lp.a_matrix_.start_ = np.r_[0, np.cumsum([len(ps) for ps, _, _ in rows])].astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate([ps for ps, _, _ in rows] or [np.zeros(0)]).astype(np.int32)
    lp.a_matrix_.value_ = np.ones(len(lp.a_matrix_.index_))
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp
