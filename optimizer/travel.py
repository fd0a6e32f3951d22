"""Travel distance and time between a candidate and a commune, as the contract measures them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.scenario import Candidate, Commune, Scenario

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (broadcasts over arrays)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass(frozen=True)
class Travel:
    """Measures travel for one scenario: measured rows first, else great-circle x detour."""

    scenario: Scenario

    def origin(self, candidate: Candidate) -> tuple[float, float]:
        """Where a candidate travels from: their own point, else their agency's."""
        if candidate.lat is not None and candidate.lon is not None:
            return candidate.lat, candidate.lon
        agency = self.scenario.agency_by_id[candidate.agency_id]
        return agency.lat, agency.lon

    def origins(self) -> np.ndarray:
        """Every candidate's origin as an n x 2 array of lat, lon."""
        return np.array([self.origin(c) for c in self.scenario.candidates], dtype=float).reshape(-1, 2)

    def measured(self, candidate: Candidate, commune_id: str) -> tuple[float, float | None] | None:
        """The measured (km, minutes) for this pair, candidate row before agency row, if any."""
        table = self.scenario.measured
        return table.get((candidate.id, commune_id)) or table.get((candidate.agency_id, commune_id))

    def minutes(self, km: float, measured_minutes: float | None = None) -> float:
        """Travel minutes: measured if given, else km at the policy speed."""
        if measured_minutes is not None:
            return measured_minutes
        return km / self.scenario.policy.speed_kmh * 60.0

    def road_km(self, origins: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Road-km estimate from each origin (n x 2 lat/lon) to each point (lat[j], lon[j]): n x m.

        Each distinct origin and point is measured once: people of one agency share its location.
        """
        rows, row_of = np.unique(origins, axis=0, return_inverse=True)
        points, point_of = np.unique(np.column_stack([lat, lon]), axis=0, return_inverse=True)
        straight = haversine_km(rows[:, :1], rows[:, 1:], points[None, :, 0], points[None, :, 1])
        return (straight * self.scenario.policy.detour_factor)[np.ix_(row_of.ravel(), point_of.ravel())]

    def estimate_km(self, origins: np.ndarray, communes: list[Commune]) -> np.ndarray:
        """Road-km estimate from each origin (n x 2 lat/lon) to each commune: an n x m matrix."""
        lat = np.array([c.lat for c in communes])
        lon = np.array([c.lon for c in communes])
        return self.road_km(origins, lat, lon)

    def between(self, candidate: Candidate, commune: Commune) -> tuple[float, float]:
        """(km, minutes) for one candidate and one commune."""
        measured = self.measured(candidate, commune.id)
        if measured is not None:
            return measured[0], self.minutes(*measured)
        km = float(self.estimate_km(np.array([self.origin(candidate)]), [commune])[0, 0])
        return km, self.minutes(km)
