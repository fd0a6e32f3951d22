"""Map names: the boxes of the names placed never overlap, and a crowded spot drops names to hover."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.geometry import frame_for
from reports.labels import CHAR_WIDTH, GAP, LINE_HEIGHT, SPOTS, Label, _box, _overlap, place

POINTS = st.lists(
    st.tuples(st.floats(102.0, 103.5), st.floats(21.0, 22.5), st.text("abcđ ", min_size=1, max_size=14)),
    min_size=1,
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(points=POINTS)
def test_placed_names_never_overlap(points):
    """Whatever the points, no two placed names' boxes meet and every box stays inside the plot."""
    labels = [Label(text, lon, lat) for lon, lat, text in points]
    frame = frame_for([(lb.lon, lb.lat) for lb in labels], 700, 800)
    boxes = []
    for label, (text, spot) in zip(labels, place(labels, frame, 10), strict=True):
        if not text:
            continue
        x, y = frame.pixels(label.lon, label.lat)
        width, height = CHAR_WIDTH * 10 * len(text) + 2, LINE_HEIGHT * 10
        box = _box(x, y, width, height, SPOTS[spot], GAP)
        assert box[0] >= 0 and box[2] <= frame.width_px and box[1] >= 0 and box[3] <= frame.height_px
        boxes.append(box)
    assert not [(a, b) for n, a in enumerate(boxes) for b in boxes[n + 1 :] if _overlap(a, b)]


def test_names_at_one_spot_take_the_free_sides_then_give_up():
    """Five names at one point: above and below are taken, the sides would touch them: hover text."""
    labels = [Label(f"Xã {n}", 103.0, 21.5) for n in range(5)]
    frame = frame_for([(102.9, 21.4), (103.1, 21.6)], 700, 800)
    placed = place(labels, frame, 10)
    assert [text for text, _ in placed] == ["Xã 0", "Xã 1", "", "", ""]
    assert [spot for text, spot in placed if text] == ["top center", "bottom center"]
