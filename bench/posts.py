"""Multi-post benchmarks (`max_posts`), written as their own section of bench/RESULTS.md.

    .venv/bin/python -m bench.posts                    # every instance
    .venv/bin/python -m bench.posts --only province    # one (the others keep POSTS.json's figures)

Each measurement runs in its own process (`bench.posts_worker`; HiGHS never shares one with
OR-Tools). On each instance, in one run: our `solve` (every stage), our coverage stage alone, the
naive CP-SAT model and HiGHS on our tight MIP (coverage alone), each on the machine's two cores. The
one-seat province is also solved by `--engine cpsat` against the flow engine. Ratios are against
HiGHS measured in the same run; the machine may be shared, so compare within one run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.posts_worker import WORKERS
from bench.run import ROOT, _cpu
from bench.sections import put_section
from models.loader import load_scenario
from models.scenario_writer import write_scenario
from models.synthetic import province_scenario

BUNDLED = ROOT / "scenarios" / "dien-bien-2025-multi-post"
INSTANCES: dict[str, dict[str, Any] | None] = {
    "dien-bien-2025-multi-post": None,
    "province-200": {
        "provinces": 1,
        "seed": 1,
        "candidates_per_province": 200,
        "multi_post": 0.3,
        "most_posts": 3,
    },
    "province": {"provinces": 1, "seed": 1, "multi_post": 1 / 3, "most_posts": 3},
    "quarter": {"provinces": 9, "seed": 1, "multi_post": 1 / 3},
    "national": {"provinces": 34, "seed": 1, "multi_post": 1 / 3},
}
PLAIN = {"provinces": 1, "seed": 1}
METHODS = ("solve", "coverage", "naive", "highs")
SEEDED, SEEDS = ("province",), range(5)
"""Instances also solved with other CP-SAT seeds: how the time varies, whether the plan does."""
GRACE = 180.0


def main() -> None:
    """Measure, then write the section into RESULTS.md (replacing an earlier one) and POSTS.json."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", action="append", choices=[*INSTANCES, "plain"], help="Instance (repeatable)."
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="Time limit of every method.")
    args = parser.parse_args()
    everything = [*INSTANCES, "plain"]
    names = args.only or everything
    command = " ".join(["python -m bench.posts", *sys.argv[1:]])
    raw = ROOT / "bench" / "POSTS.json"
    earlier = json.loads(raw.read_text(encoding="utf-8")) if args.only and raw.exists() else {}
    results: dict[str, dict[str, Any]] = {n: earlier[n] for n in everything if n in earlier}
    with tempfile.TemporaryDirectory(prefix="bench-posts-") as work:
        for name in names:
            folder = _instance(name, Path(work))
            methods = ("cpsat-plain", "flow-plain") if name == "plain" else METHODS
            if name in SEEDED:
                methods = (*methods, *(f"solve@{seed}" for seed in SEEDS[1:]))
            results[name] = {m: _measure(m, folder, args.seconds) for m in methods}
            results[name]["run"] = {"command": command}
            results[name]["size"] = _size(folder)
            print(f"{name}: done", file=sys.stderr)
    path = ROOT / "bench" / "RESULTS.md"
    put_section(path, "posts", "\n".join(_report(results, command, args.seconds)))
    raw.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def _instance(name: str, work: Path) -> Path:
    """The instance's scenario folder."""
    if name == "dien-bien-2025-multi-post":
        return BUNDLED
    folder = work / name
    write_scenario(province_scenario(**(PLAIN if name == "plain" else INSTANCES[name] or {})), folder)
    return folder


def _size(folder: Path) -> dict[str, int]:
    """The instance's people, those who may fill several seats, and the seats it asks for."""
    scenario = load_scenario(folder)
    return {
        "people": len(scenario.candidates),
        "multi_post": sum(1 for posts in scenario.posts if posts > 1),
        "seats": sum(s.seats for s in scenario.shortages),
    }


def _growth(results: dict[str, dict[str, Any]]) -> list[str]:
    """One row per instance, smallest first: its size, our time and gap, HiGHS's."""
    lines = [
        "### How it grows with size",
        "",
        "| instance | people | may fill several | seats asked | solve s | gap | coverage s | gap | HiGHS s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in results.items():
        size = figures.get("size")
        if name == "plain" or size is None:
            continue
        cells = [f"{figures.get(m, {}).get('wall_s', float('nan')):.2f}" for m in ("solve", "coverage")]
        gaps = [_gap(figures.get(m, {})) for m in ("solve", "coverage")]
        highs = figures.get("highs", {})
        lines.append(
            f"| {name} | {size['people']} | {size['multi_post']} | {size['seats']} | {cells[0]} | "
            f"{gaps[0]:.4%} | {cells[1]} | {gaps[1]:.4%} | {highs.get('wall_s', float('nan')):.2f} "
            f"({highs.get('status', '')}) |"
        )
    return [*lines, ""]


def _gap(row: dict[str, Any]) -> float:
    """|bound - value| / |bound| of one measurement (nan without both)."""
    value, bound = row.get("coverage"), row.get("bound")
    return abs(bound - value) / abs(bound) if value is not None and bound else float("nan")


def _measure(method: str, folder: Path, seconds: float) -> dict[str, Any]:
    """One worker process and its JSON line."""
    command = [sys.executable, "-m", "bench.posts_worker", method, str(folder), str(seconds)]
    print(f"  {method} {folder.name} ...", file=sys.stderr)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=seconds + GRACE)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "wall_s": time.perf_counter() - started}
    if done.returncode != 0:
        return {"status": "ERROR", "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _seeds(figures: dict[str, Any]) -> list[str]:
    """How `solve` varies with CP-SAT's seed on an instance measured with several."""
    runs = [figures.get("solve" if seed == 0 else f"solve@{seed}") for seed in SEEDS]
    if any(run is None or "plan" not in run for run in runs):
        return []
    walls = sorted(run["wall_s"] for run in runs)
    same = len({(run["plan"], json.dumps(run["stages"])) for run in runs}) == 1
    return [
        f"`solve` with seeds {SEEDS[0]}–{SEEDS[-1]}: {walls[0]:.2f} / {walls[len(walls) // 2]:.2f} / "
        f"{walls[-1]:.2f} s (least / median / most), each {', '.join(r['status'] for r in runs)}; "
        f"same plan and stages for every seed: {'yes' if same else 'no'}.",
        "",
    ]


def _report(results: dict[str, dict[str, Any]], command: str, seconds: float) -> list[str]:
    """The section: how it was run, a table per instance, the one-seat comparison."""
    lines = [
        "## Multi-post (`max_posts`)",
        "",
        f"Written by `bench/posts.py`, run from the repository root as `{command}` on {_cpu()}.",
        f"Every method has {seconds:g} s and {WORKERS} workers (CP-SAT) or threads (HiGHS),"
        " in its own process.",
        "`coverage`: our solve with coverage as the only objective, the stage the others solve. Naive",
        "CP-SAT: a Boolean per pair and per candidate x commune, linked only by the big-M row",
        "Σ x ≤ max_posts·y (no x ≤ y, no cohorts, no hint). HiGHS: our tight MIP (x ≤ y and",
        "Σ x ≤ max_posts·y per cell). Ratios: wall time / HiGHS's in the same run; gap = |bound −",
        "value| / |bound|. The machine is shared with other work: compare within one run.",
        "",
        *_growth(results),
    ]
    for name, figures in results.items():
        if name == "plain":
            continue
        base = figures.get("highs", {}).get("wall_s") or float("nan")
        run = figures.get("run", {}).get("command", "an earlier run of python -m bench.posts")
        lines += [
            f"### {name}",
            "",
            f"Measured by `{run}`.",
            "",
            "| method | wall s | ratio to HiGHS | status | coverage | bound | gap | seats / people |",
            "|---|---:|---:|---|---:|---:|---:|---|",
        ]
        for method in METHODS:
            row = figures.get(method, {})
            wall = row.get("wall_s", float("nan"))
            value, bound = row.get("coverage"), row.get("bound")
            gap = _gap(row)
            people = f"{row['seats']} / {row['people']}" if "seats" in row else ""
            lines.append(
                f"| {method} | {wall:.2f} | {wall / base:.2f} | {row.get('status', '')} | "
                f"{'' if value is None else value} | {'' if bound is None else round(bound, 3)} | "
                f"{gap:.4%} | {people} |"
            )
        lines += ["", *_seeds(figures)]
    plain = results.get("plain")
    if plain:
        cp, flow = plain["cpsat-plain"], plain["flow-plain"]
        lines += [
            "### One seat each: `--engine cpsat` against the flow engine (600-person province)",
            "",
            f"- flow: {flow.get('status')} in {flow.get('wall_s', float('nan')):.2f} s; CP-SAT: "
            f"{cp.get('status')} in {cp.get('wall_s', float('nan')):.2f} s "
            f"({cp.get('wall_s', float('nan')) / flow.get('wall_s', float('nan')):.1f}x); same stages: "
            f"{cp.get('stages') == flow.get('stages')}",
            "",
        ]
    return lines


if __name__ == "__main__":
    main()
