"""Pair positions grouped by a key, as a list of arrays (numpy only)."""

from __future__ import annotations

import numpy as np


def grouped(keys: np.ndarray, size: int) -> list[np.ndarray]:
    """For each key 0..size-1, the positions holding it (empty arrays included)."""
    order = np.argsort(keys, kind="stable")
    ends = np.cumsum(np.bincount(keys, minlength=size))
    return np.split(order, ends[:-1])
