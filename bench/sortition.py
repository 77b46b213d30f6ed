"""Benchmark: pb's LEXIMIN against sortition-algorithms' maximin with an open solver, in the same run.

    .venv/bin/python bench/sortition.py [--timeout 300] [--instances a,b] [--shared ../shared/sortition]

Each run happens in its own subprocess with a timeout, so the benchmark always finishes. The library
(GPL-3.0, a dev dependency used only here) runs its maximin with `solver_backend="highspy"` (HiGHS); its
LEXIMIN needs Gurobi for the linear programs, which pb must not use, so it is not run here. Figures: wall
seconds and CPU seconds of the selection itself (loading excluded), the minimum selection probability,
and the ratios library / pb.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "sortition"


def run_pb(folder: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "src"))
    from pb.sortition.leximin import find_leximin
    from pb.sortition.models import load_instance

    instance = load_instance(folder)
    wall, cpu = time.perf_counter(), time.process_time()
    result = find_leximin(instance)
    return {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "min_probability": result.min_probability,
        "panels": len(result.panel_probabilities),
        "steps": result.run_info["steps"],
        "pricing_rounds": result.run_info["pricing_rounds"],
        "lp_seconds": result.run_info["lp_seconds"],
        "pricing_seconds": result.run_info["pricing_seconds"],
        "algorithm": result.run_info["algorithm"],
        "versions": result.run_info["versions"],
    }


def run_library(folder: Path) -> dict[str, Any]:
    import csv

    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.features import read_in_features
    from sortition_algorithms.people import read_in_people
    from sortition_algorithms.settings import Settings

    meta = json.loads((folder / "instance.json").read_text(encoding="utf-8"))
    with (folder / "quotas.csv").open(encoding="utf-8") as f:
        quota_rows = [
            {"feature": r["category"], "value": r["value"], "min": r["min"], "max": r["max"]} for r in csv.DictReader(f)
        ]
    features, _, _ = read_in_features(["feature", "value", "min", "max"], quota_rows, meta["panel_size"])
    with (folder / "people.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        head = list(reader.fieldnames or [])
        body = list(reader)
    address = list(meta.get("address_columns", []))
    settings = Settings(
        id_column=meta["id_column"],
        columns_to_keep=address,
        check_same_address=bool(address),
        check_same_address_columns=address,
        solver_backend="highspy",
    )
    people, _ = read_in_people(head, body, features, settings)
    wall, cpu = time.perf_counter(), time.process_time()
    committees, probabilities, _ = find_distribution_maximin(
        features, people, meta["panel_size"], address, solver_backend="highspy"
    )
    marginal: dict[str, float] = dict.fromkeys(people, 0.0)
    for committee, p in zip(committees, probabilities, strict=True):
        for pid in committee:
            marginal[pid] += p
    return {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "min_probability": min(marginal.values()),
        "panels": len(committees),
        "algorithm": "maximin (sortition-algorithms find_distribution_maximin)",
        "versions": {"sortition-algorithms": version("sortition-algorithms"), "highspy": version("highspy")},
    }


def in_subprocess(kind: str, folder: Path, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", kind, str(folder)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": timeout}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": f"error: {tail}", "seconds": time.perf_counter() - started}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return {"status": "ok", **json.loads(lines[-1])}


def fmt(result: dict[str, Any], key: str, spec: str) -> str:
    return format(result[key], spec) if result.get("status") == "ok" else str(result.get("status"))


@click.command()
@click.option("--timeout", default=300.0, show_default=True, help="Seconds allowed per run.")
@click.option("--instances", default="", help="Comma-separated instance names (default: all).")
@click.option("--shared", type=click.Path(path_type=Path), default=DEFAULT_SHARED, show_default=True)
@click.option("--worker", type=click.Choice(["pb", "library"]), hidden=True)
@click.argument("folder", required=False, type=click.Path(path_type=Path))
def main(timeout: float, instances: str, shared: Path, worker: str | None, folder: Path | None) -> None:
    if worker is not None and folder is not None:
        print(json.dumps(run_pb(folder) if worker == "pb" else run_library(folder)))
        return
    names = [n for n in instances.split(",") if n] or sorted(
        p.name for p in shared.iterdir() if (p / "instance.json").is_file()
    )
    print(
        f"{'instance':28} {'pb s':>8} {'pb cpu':>8} {'pb min':>8} {'lib s':>8} {'lib cpu':>8} {'lib min':>8} "
        f"{'ratio s':>8} {'ratio cpu':>9}"
    )
    rows = []
    for name in names:
        ours = in_subprocess("pb", shared / name, timeout)
        theirs = in_subprocess("library", shared / name, timeout)
        both = ours.get("status") == "ok" and theirs.get("status") == "ok"
        ratio = f"{theirs['seconds'] / ours['seconds']:8.1f}" if both else f"{'-':>8}"
        ratio_cpu = f"{theirs['cpu_seconds'] / ours['cpu_seconds']:9.1f}" if both else f"{'-':>9}"
        if not both and ours.get("status") == "ok" and theirs.get("status") == "timeout":
            ratio = f"{'>' + format(timeout / ours['seconds'], '.1f'):>8}"
        print(
            f"{name:28} {fmt(ours, 'seconds', '8.2f'):>8} {fmt(ours, 'cpu_seconds', '8.2f'):>8} "
            f"{fmt(ours, 'min_probability', '8.5f'):>8} {fmt(theirs, 'seconds', '8.2f'):>8} "
            f"{fmt(theirs, 'cpu_seconds', '8.2f'):>8} {fmt(theirs, 'min_probability', '8.5f'):>8} {ratio} {ratio_cpu}",
            flush=True,
        )
        rows.append({"instance": name, "pb": ours, "library_maximin_highs": theirs})
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
