"""Map labels that do not collide: each name tries a few spots around its point, or is left to hover."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reports.geometry import Frame

# plotly textposition → where the text box sits relative to its point (dx, dy in box widths/heights)
SPOTS = {
    "top center": (-0.5, 0.0),
    "bottom center": (-0.5, -1.0),
    "middle right": (0.0, -0.5),
    "middle left": (-1.0, -0.5),
}
CHAR_WIDTH, LINE_HEIGHT, GAP = 0.66, 1.6, 4.0  # in units of the font size; GAP in pixels
MAX_LABELS = 400  # beyond this many communes the names are left to the hover text
CELL = 40.0  # pixels: boxes are looked up in a grid, so placing n names costs about n

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Label:
    """A name to place at a point, most important first."""

    text: str
    lon: float
    lat: float


class _Grid:
    """Boxes already taken, bucketed by grid cell."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = defaultdict(list)

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        return [
            (i, j)
            for i in range(int(box[0] // CELL), int(box[2] // CELL) + 1)
            for j in range(int(box[1] // CELL), int(box[3] // CELL) + 1)
        ]

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells[key].append(box)

    def free(self, box: Box, own: Box) -> bool:
        """Whether the box meets no taken box but `own` (its point's dot)."""
        return not any(
            other is not own and _overlap(box, other) for key in self._keys(box) for other in self.cells[key]
        )


def place(labels: list[Label], frame: Frame, font_px: float) -> list[tuple[str, str]]:
    """For each label (in order), its text and plotly textposition, or ("", …) where none fits."""
    grid = _Grid()
    dots = [_box(*frame.pixels(label.lon, label.lat), 3.0, 3.0, (-0.5, -0.5)) for label in labels]
    for dot in dots:
        grid.add(dot)
    placed: list[tuple[str, str]] = []
    for n, label in enumerate(labels):
        choice = ("", "top center")
        if n < MAX_LABELS:
            x, y = frame.pixels(label.lon, label.lat)
            width, height = CHAR_WIDTH * font_px * len(label.text) + 2, LINE_HEIGHT * font_px
            for spot, shift in SPOTS.items():
                box = _box(x, y, width, height, shift, GAP)
                inside = (
                    box[0] >= 0 and box[1] >= 0 and box[2] <= frame.width_px and box[3] <= frame.height_px
                )
                if inside and grid.free(box, dots[n]):
                    grid.add(box)
                    choice = (label.text, spot)
                    break
        placed.append(choice)
    return placed


def _box(
    x: float, y: float, width: float, height: float, shift: tuple[float, float], gap: float = 0.0
) -> Box:
    """(left, bottom, right, top) of a box shifted from its point by fractions of its size and a gap."""
    left = x + shift[0] * width + (gap if shift[0] == 0 else -gap if shift[0] == -1 else 0)
    bottom = y + shift[1] * height + (gap if shift[1] == 0 else -gap if shift[1] == -1 else 0)
    return left, bottom, left + width, bottom + height


def _overlap(a: Box, b: Box) -> bool:
    """Whether two boxes intersect."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
