"""Each benchmark's own section of bench/RESULTS.md, between its begin and end markers."""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    """The begin and end markers of a section (bench.run carries every such section over)."""
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def put_section(path: Path, name: str, body: str) -> None:
    """Put the section into the file, replacing an earlier one and leaving the rest as it is."""
    begin, end = markers(name)
    section = f"{begin}\n{body.strip(chr(10))}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + section + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")
