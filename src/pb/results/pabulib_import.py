"""Reading an uploaded Pabulib file as a past election: what the pages show about it, and its count by every rule.

Pure functions over bytes and pb.counting's data (no web, no database). The database keeps the file's original
bytes and what `summarise` returns; counting always re-parses the bytes (`count_every_rule`), so an outcome on the
page is exactly what `pb tally FILE --rule RULE --ties default` prints for the downloaded file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pb.counting.election import Election
from pb.counting.pabulib import PabulibFile, ballot_digest, format_number, parse_pabulib
from pb.counting.rules import CLI_NAMES, count
from pb.counting.ties import TieOrder

# Ties as `pb tally --ties default` breaks them: lower cost, more votes, then the order of PROJECTS in the file.
TIE_ORDER: TieOrder = "default"
# The largest shared Pabulib file (Kraków 2024, 98,000 voters) is 4 MB; twice that leaves room and keeps a
# careless upload from filling the database.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_TITLE = 300
# Pabulib META `rule` (pabulib.org/format) -> the `pb tally --rule` that counts the same way, where one does.
RULE_OF_FILE = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "equalshares": "mes-uncompleted",
    "equalshares/add1": "mes",
}
DEFAULT_RULE = "mes"
# The META keys shown first on an election's page (pabulib.org/format's obligatory and common keys).
META_SHOWN_FIRST = (
    "description",
    "country",
    "unit",
    "subunit",
    "district",
    "instance",
    "date_begin",
    "date_end",
    "vote_type",
    "rule",
    "budget",
    "currency",
    "num_projects",
    "num_votes",
)


@dataclass(frozen=True)
class ImportedFile:
    """What pb stores besides the bytes: digests and the metadata the pages list, all read from the file."""

    file_digest: str  # SHA-256 of the bytes as uploaded
    ballot_digest: str  # pb.counting.pabulib.ballot_digest, what `pb tally --json` prints as "digest"
    title: str
    vote_type: str
    budget: str  # exact, as format_number writes it
    currency: str
    voters: int
    meta: list[list[str]]
    # [{"id", "name", "cost" (exact text), "voters", "points" (exact text)}] in the file's order.
    projects: list[dict[str, Any]]
    withdrawn: int
    file_rule: str  # the `pb tally --rule` matching the file's META rule, or pb's default


def summarise(source: bytes, file_name: str = "") -> ImportedFile:
    """Parses the bytes (raising pb.counting.pabulib.PabulibError naming the line) and describes the election."""
    data = parse_pabulib(source)
    election = election_of(data)
    supporters = election.supporters()
    scores = election.scores()
    meta = data.meta_map
    title = (meta.get("description", "").strip() or file_name.removesuffix(".pb") or "Pabulib")[:MAX_TITLE]
    return ImportedFile(
        file_digest=hashlib.sha256(source).hexdigest(),
        ballot_digest=ballot_digest(data),
        title=title,
        vote_type=data.vote_type,
        budget=format_number(data.budget),
        currency=meta.get("currency", "").strip()[:10],
        voters=len(data.votes),
        meta=[[key, value] for key, value in data.meta],
        projects=[
            {
                "id": project.project_id,
                "name": project.get("name"),
                "cost": format_number(project.cost),
                "voters": supporters[index],
                "points": format_number(scores[index]),
            }
            for index, project in enumerate(data.projects)
        ],
        withdrawn=len(data.withdrawn),
        file_rule=RULE_OF_FILE.get(meta.get("rule", "").strip(), DEFAULT_RULE),
    )


def election_of(data: PabulibFile) -> Election:
    """The election as `pb tally` reads a file: the lot is the order of PROJECTS."""
    return Election.from_pabulib(data, lot_order=[project.project_id for project in data.projects])


def rules_for(election: Election) -> list[str]:
    """The `pb tally` rules that count this election; the threshold rule only when the file sets a threshold
    (without one it is plain greedy)."""
    return [name for name in CLI_NAMES if name != "greedy-threshold" or election.score_threshold is not None]


def count_every_rule(source: bytes) -> dict[str, dict[str, Any]]:
    """rule -> {"selected": [project ids in selection order], "total_cost": exact text} or {"error": why the rule
    does not apply}. Runs in a worker process: bytes in, plain data out."""
    election = election_of(parse_pabulib(source))
    outcomes: dict[str, dict[str, Any]] = {}
    for rule in rules_for(election):
        try:
            outcome = count(CLI_NAMES[rule], election, TIE_ORDER)
        except ValueError as error:  # e.g. Phragmén on points ballots
            outcomes[rule] = {"error": str(error)}
        else:
            outcomes[rule] = {"selected": list(outcome.selected), "total_cost": format_number(outcome.total_cost)}
    return outcomes
