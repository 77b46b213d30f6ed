"""`pb sortition FOLDER --seed SEED [--json]`: select a citizens' panel from files in the shared format.

Runs the feasibility check, LEXIMIN, the rounding to a published lottery of 10,000 panels and the public
draw with SEED as the random value; prints the selected ids and every person's selection probability.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from pb.sortition.draw import LOTTERY_SIZE, digests, draw, round_to_lottery
from pb.sortition.feasibility import check
from pb.sortition.leximin import InfeasibleQuotasError, Progress, find_leximin
from pb.sortition.models import InstanceError, load_instance
from pb.sortition.panels import SolverError

EXIT_BAD_INPUT = 2
EXIT_SOLVER = 1


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.command("sortition")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--seed", required=True, help="Public random value, entered after the lottery digest is published.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def sortition(folder: Path, seed: str, as_json: bool) -> None:
    """Select a panel by LEXIMIN from FOLDER (people.csv, quotas.csv, instance.json)."""
    try:
        instance = load_instance(folder)
    except InstanceError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    if not seed.strip():
        _fail("--seed must not be empty", EXIT_BAD_INPUT)
    report = check(instance)
    if not report.feasible:
        fixes = "; ".join(r.describe() for r in report.relaxations) or "none found"
        _fail(
            f"the quotas cannot all be met: {'; '.join(report.conflicts)}. Smallest relaxation: {fixes}",
            EXIT_BAD_INPUT,
        )

    def show(p: Progress) -> None:
        if not as_json:
            click.echo(f"[{p.seconds:6.1f} s] {p.message} ({p.fixed_groups}/{p.groups} groups fixed)", err=True)

    try:
        result = find_leximin(instance, progress=show)
        lottery = round_to_lottery(result)
    except InfeasibleQuotasError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except SolverError as exc:
        _fail(f"solver failed: {exc}", EXIT_SOLVER)
    chosen = draw(lottery, seed)
    probabilities = result.probability_by_id()
    warnings = [
        f"{len(f.person_ids)} people with {f.reason} (probability between {f.low:.3f} and {f.high:.3f})"
        for f in report.forced
    ]
    document: dict[str, Any] = {
        "instance": instance.name,
        "pool_size": len(instance.people),
        "panel_size": instance.panel_size,
        "selected": list(chosen.selected),
        "probabilities": probabilities,
        "min_probability": result.min_probability,
        "algorithm": result.run_info["algorithm"],
        "solver": result.run_info["solver"],
        "versions": result.run_info["versions"],
        "run": {k: v for k, v in result.run_info.items() if k not in ("algorithm", "solver", "versions")},
        "digests": {**digests(instance), "lottery_sha256": lottery.digest},
        "lottery": {
            "panels": LOTTERY_SIZE,
            "rounding": lottery.rounding_method,
            "max_probability_change": lottery.max_change,
            "index": chosen.index,
            "random_value": chosen.random_value,
        },
        "warnings": warnings,
    }
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(f"instance: {instance.name} ({len(instance.people)} people, panel of {instance.panel_size})")
    click.echo(f"algorithm: {document['algorithm']}")
    click.echo(f"solver: {document['solver']}; versions: {json.dumps(document['versions'])}")
    for name, value in document["digests"].items():
        click.echo(f"{name}: {value}")
    click.echo(
        f"lottery: {LOTTERY_SIZE} panels, rounding by {lottery.rounding_method}, "
        f"largest change of a chance {100 * lottery.max_change:.4f} percentage points"
    )
    click.echo(f"random value {chosen.random_value!r} -> panel {chosen.index}")
    for w in warnings:
        click.echo(f"warning: {w}")
    click.echo(f"min probability: {result.min_probability:.6f}")
    click.echo("selected: " + " ".join(chosen.selected))
    click.echo("probabilities:")
    for pid, p in probabilities.items():
        click.echo(f"{pid}\t{p:.6f}")
