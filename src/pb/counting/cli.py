"""`pb tally FILE.pb`: count a Pabulib file with one of pb's rules, or all of them side by side.

Registered in the main CLI group as `pb tally` (`from pb.counting.cli import tally`).
"""

from __future__ import annotations

import json
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from pb.counting.election import Election, Outcome
from pb.counting.mes import Prepared, prepare
from pb.counting.pabulib import Number, PabulibError, PabulibFile, ballot_digest, read_pabulib
from pb.counting.rules import CLI_NAMES, RULES, count
from pb.counting.ties import TieOrder

# Progress lines go to stderr once a count has run this long, so small files stay quiet.
PROGRESS_AFTER_SECONDS = 2.0


def _number(value: Number | Fraction | None) -> str | None:
    """Exact text for money and endowments: `1399/3`, never a float."""
    return None if value is None else str(value)


class _Progress:
    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.start = time.monotonic()
        self.last = self.start

    def __call__(self, runs: int, endowment: Fraction) -> None:
        now = time.monotonic()
        if now - self.start >= PROGRESS_AFTER_SECONDS and now - self.last >= 1.0:
            self.last = now
            click.echo(f"{self.rule}: {runs} MES runs, endowment {float(endowment):.2f} per voter", err=True)


def _count(name: str, election: Election, ties: TieOrder, prepared: Prepared) -> Outcome | str:
    rule = CLI_NAMES[name]
    try:
        return count(rule, election, ties, prepared, _Progress(name))
    except ValueError as error:  # a rule that does not apply to these ballots (Phragmén on points)
        return str(error)


def _as_dict(outcome: Outcome, election: Election) -> dict[str, Any]:
    return {
        "selected": list(outcome.selected),
        "total_cost": _number(outcome.total_cost),
        "budget": _number(election.budget),
        "endowment": _number(outcome.endowment),
        "mes_runs": outcome.mes_runs,
        "ties": [
            {"step": tie.step, "tied": list(tie.tied), "chosen": tie.chosen, "criterion": tie.criterion}
            for tie in outcome.ties
        ],
    }


@click.command("tally")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rule",
    "rule_name",
    type=click.Choice(list(CLI_NAMES)),
    default="mes",
    show_default=True,
    help="Counting rule; mes is the Method of Equal Shares completed as equalshares.net does.",
)
@click.option(
    "--ties",
    type=click.Choice(["default", "pabutools"]),
    default="default",
    show_default=True,
    help="default: lower cost, then more votes, then the file's project order as the lot; "
    "pabutools: project ids as strings.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--compare", is_flag=True, help="Count with every rule and show the outcomes side by side.")
def tally(file: Path, rule_name: str, ties: TieOrder, as_json: bool, compare: bool) -> None:
    """Count the Pabulib file FILE and print the funded projects."""
    try:
        data = read_pabulib(file)
    except PabulibError as error:
        click.echo(f"Error: {file}: {error}", err=True)
        sys.exit(2)
    election = Election.from_pabulib(data)
    prepared = prepare(election)
    digest = ballot_digest(data)
    names = list(CLI_NAMES) if compare else [rule_name]
    outcomes = {name: _count(name, election, ties, prepared) for name in names}
    if as_json:
        body: dict[str, Any] = {
            "file": file.name,
            "digest": digest,
            "ties_order": ties,
            "vote_type": election.vote_type,
            "voters": election.n_voters,
            "budget": _number(election.budget),
        }
        if compare:
            body["rules"] = {
                name: ({"error": outcome} if isinstance(outcome, str) else _as_dict(outcome, election))
                for name, outcome in outcomes.items()
            }
        else:
            outcome = outcomes[rule_name]
            if isinstance(outcome, str):
                raise click.ClickException(outcome)
            body["rule"] = rule_name
            body.update(_as_dict(outcome, election))
        click.echo(json.dumps(body, indent=1, ensure_ascii=False))
        return
    click.echo(_header(data, election, digest))
    if compare:
        _print_comparison(data, election, outcomes)
    else:
        outcome = outcomes[rule_name]
        if isinstance(outcome, str):
            raise click.ClickException(outcome)
        _print_outcome(data, election, rule_name, ties, outcome)


def _header(data: PabulibFile, election: Election, digest: str) -> str:
    description = data.meta_map.get("description", "")
    return (
        f"{description}\n{election.vote_type} ballots, {len(election.projects)} projects, "
        f"{election.n_voters} voters, budget {election.budget}\nballot digest {digest}"
    )


def _print_outcome(data: PabulibFile, election: Election, name: str, ties: TieOrder, outcome: Outcome) -> None:
    names = {project.project_id: project.get("name") for project in data.projects}
    supporters = election.supporters()
    click.echo(f"\nRule: {name} ({RULES[CLI_NAMES[name]].summary}); ties: {ties}")
    click.echo(f"Funded ({len(outcome.selected)}, in order of selection):")
    for position, project_id in enumerate(outcome.selected, 1):
        index = election.index(project_id)
        cost = election.projects[index].cost
        click.echo(
            f"  {position:>3}. {project_id:<12} cost {cost!s:>12}  votes {supporters[index]:>7}  "
            f"{names.get(project_id, '')[:60]}"
        )
    share = float(Fraction(outcome.total_cost) / Fraction(election.budget)) if election.budget else 0.0
    click.echo(f"Money used: {outcome.total_cost} of {election.budget} ({share:.1%})")
    if outcome.endowment is not None:
        click.echo(
            f"Final endowment per voter: {outcome.endowment} (~{float(outcome.endowment):.2f}); "
            f"MES runs: {outcome.mes_runs}"
        )
    click.echo(f"Ties resolved: {len(outcome.ties)}")
    for tie in outcome.ties:
        click.echo(f"  step {tie.step}: {', '.join(tie.tied)} -> {tie.chosen} ({tie.criterion})")


def _print_comparison(data: PabulibFile, election: Election, outcomes: dict[str, Outcome | str]) -> None:
    names = list(outcomes)
    width = max(len(name) for name in names)
    click.echo("")
    for name in names:
        outcome = outcomes[name]
        if isinstance(outcome, str):
            click.echo(f"{name:<{width}}  n/a: {outcome}")
        else:
            click.echo(
                f"{name:<{width}}  {len(outcome.selected):>3} funded, money used {outcome.total_cost!s:>12}, "
                f"ties {len(outcome.ties)}"
            )
    click.echo("\nproject".ljust(14) + " ".join(f"{name[:10]:>10}" for name in names))
    funded = {name: set(o.selected) if not isinstance(o, str) else set() for name, o in outcomes.items()}
    for project in election.projects:
        marks = " ".join(f"{'x' if project.project_id in funded[name] else '.':>10}" for name in names)
        if project.project_id in set().union(*funded.values()):
            click.echo(f"{project.project_id[:13]:<13}{marks}")
