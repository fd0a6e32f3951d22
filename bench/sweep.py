"""Sweep throughput: a 500-variant sweep of the bundled scenario on 1 process, 2 processes and a
2-worker Dask LocalCluster, against solving the same variants one by one in one process.

    .venv/bin/python -m bench.sweep          # about 3 minutes on 2 quiet cores; updates its section
                                             # of bench/RESULTS.md (bench.run writes it with the rest)

Each configuration is the `secondment sweep` command in its own process, with --fresh; its sweep
phase (variants solved and stored once prepared; as the command reports it) and its whole process wall
time are both kept. The reference solves a sample of the variants with `optimizer.solve` in this
process, so overhead per variant = 1-process sweep phase / variants - one in-process solve.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.sections import put_section

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "dien-bien-2025"
CAPS = [str(km) for km in range(240, 290)]
RELEASES = [f"+{n}" for n in range(10)]
SAMPLE = 10
"""Every SAMPLE-th variant is solved in-process for the reference."""
SECTION = "sweep bench"
TARGETS = {"jobs 2": 1.7, "Dask, 2 workers": 1.5}


def vary() -> list[str]:
    """The --vary options of the 500 variants: 50 travel caps x 10 release caps."""
    return [
        "--vary",
        f"policy.max_distance_km={','.join(CAPS)}",
        "--vary",
        f"agencies.max_release={','.join(RELEASES)}",
    ]


def reference() -> dict[str, Any]:
    """Seconds per variant solved with `optimizer.solve` in this process (no warm state)."""
    from models.loader import load_scenario
    from optimizer.solve import solve
    from sweeps.runner import variant_scenario

    base = load_scenario(BUNDLED)
    sample = [(("policy.max_distance_km", c), ("agencies.max_release", r)) for c in CAPS for r in RELEASES]
    sample = sample[::SAMPLE]
    solve(base)
    started = time.perf_counter()
    for changes in sample:
        solve(variant_scenario(base, changes))
    return {"variants": len(sample), "per_variant_s": (time.perf_counter() - started) / len(sample)}


def sweep(out: Path, where: list[str]) -> dict[str, Any]:
    """One `secondment sweep` process: its wall time, the sweep phase it reports, its table."""
    command = [str(Path(sys.executable).with_name("secondment")), "sweep", str(BUNDLED), *vary()]
    command += ["--out", str(out), "--fresh", *where]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    load = max(load, os.getloadavg()[0])
    found = re.search(r"(\d+) variant\(s\) \(\d+ reused\) in ([\d.]+) s", done.stdout)
    if done.returncode != 0 or not found:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:], "wall_s": wall}
    variants, phase = int(found[1]), float(found[2])
    table = (out / "sweep.csv").read_bytes()
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "variants").glob("*.json")]
    cpu = sum(r["cpu_seconds"] for r in records) / len(records)
    solve = sum(r["seconds"] for r in records) / len(records)
    return {
        "variants": variants,
        "sweep_s": phase,
        "wall_s": wall,
        "rate": variants / phase,
        "worker_cpu_s": cpu,
        "worker_wall_s": solve,
        "load": load,
        "table": table,
    }


def measure() -> dict[str, Any]:
    """Every configuration in one run, on the same variants."""
    from distributed import LocalCluster

    results: dict[str, Any] = {"reference": reference()}
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as work:
        results["1 process"] = sweep(Path(work) / "one", ["--jobs", "1"])
        results["jobs 2"] = sweep(Path(work) / "two", ["--jobs", "2"])
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            results["Dask, 2 workers"] = sweep(Path(work) / "dask", ["--scheduler", address])
    tables = {name: r.pop("table", None) for name, r in results.items() if name != "reference"}
    results["same_table"] = len(set(tables.values())) == 1 and None not in tables.values()
    return results


def section(results: dict[str, Any]) -> str:
    """The RESULTS.md section: rates, ratios to one process, overhead per variant, the targets."""
    one, ref = results["1 process"], results["reference"]
    lines = [
        "## Sweep throughput",
        "",
        "    python -m bench.sweep",
        "",
        f"A {one.get('variants', 500)}-variant sweep of the bundled scenario (50 travel caps x 10 release "
        "caps), each configuration one `secondment sweep --fresh` process. Sweep phase: variants solved and "
        "stored, as the command reports it (once they are prepared; a Dask cluster's workers are warmed "
        "meanwhile); wall: the whole process (start-up, preparing, outputs).",
        "",
        "| where | sweep phase s | variants/s | ratio to 1 process | process wall s | solve in worker: "
        "wall ms / CPU ms | load average |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("1 process", "jobs 2", "Dask, 2 workers"):
        row = results[name]
        if "error" in row:
            lines.append(f"| {name} | failed: {' '.join(row['error'])} | | | {row['wall_s']:.1f} | | |")
            continue
        ratio = row["rate"] / one["rate"] if "rate" in one else float("nan")
        lines.append(
            f"| {name} | {row['sweep_s']:.1f} | {row['rate']:.1f} | {ratio:.2f} | {row['wall_s']:.1f} | "
            f"{1000 * row['worker_wall_s']:.0f} / {1000 * row['worker_cpu_s']:.0f} | {row['load']:.1f} |"
        )
    overhead = one["sweep_s"] / one["variants"] - ref["per_variant_s"] if "rate" in one else float("nan")
    lines += [
        "",
        f"One in-process `optimizer.solve` of a variant (mean over {ref['variants']}): "
        f"{1000 * ref['per_variant_s']:.1f} ms; the 1-process sweep spends "
        f"{1000 * one.get('sweep_s', float('nan')) / one.get('variants', 1):.1f} ms a variant, so the "
        "sweep's "
        f"overhead is {1000 * overhead:+.1f} ms a variant (sending, solving with the "
        "eligibility derived from the base's pairs, storing its record; below zero when the warm "
        "eligibility saves more than the rest costs).",
        f"The three tables are byte-identical: {results['same_table']}. A worker's solve taking more wall "
        "than CPU time is time spent waiting for a core: on a machine busy with other work (load average "
        f"above its {os.cpu_count()} cores) the parallel rates fall with it.",
        "",
    ]
    for name, target in TARGETS.items():
        row = results[name]
        ratio = row.get("rate", float("nan")) / one.get("rate", float("nan"))
        lines.append(f"- {name}: {ratio:.2f}x the 1-process rate (target >= {target}x)")
    lines += [
        "",
        "The machine running this may be shared with other work: its absolute rates move with the load,",
        "the ratios (measured minutes apart in one run) much less. The figures are re-measured on a quiet",
        "machine before a release.",
    ]
    return "\n".join(lines) + "\n"


def main(out: Path = ROOT / "bench" / "RESULTS.md") -> None:
    """Measure and update RESULTS.md's sweep section (and the sweep entry of RESULTS.json)."""
    results = measure()
    put_section(out, SECTION, section(results))
    raw = out.with_suffix(".json")
    figures = json.loads(raw.read_text(encoding="utf-8")) if raw.exists() else {}
    figures["sweep"] = results
    raw.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
