"""Benchmark: server time and SQL queries of the busiest participatory-budgeting pages.

Fills a fresh database with 2,000 proposals and 50,000 comments (one proposal has 500), then requests, in
process, the proposal list (plain, filtered by district, full-text searched, sorted) and the proposal page with
500 comments, and prints p50/p95 server time and the number of SQL statements per page, on SQLite and, when it
answers, PostgreSQL. Goal (issue 3): p95 under 100 ms, and a query count that does not grow with the items shown.

    .venv/bin/python bench/pages.py [--postgres postgresql://postgres@127.0.0.1:5432/pb_bench] [--repeat 30]
"""

from __future__ import annotations

import sys
from pathlib import Path

# The benchmark builds its data with the test suite's fixtures (tests/ is not an installed package).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import event, insert, text
from sqlalchemy.orm import Session

from pb.app import create_app
from pb.comments.models import Comment
from pb.db import make_sync_engine, utcnow
from pb.migrate import reset
from pb.proposals.models import Proposal
from pb.settings import Settings

WORDS = [
    "puisto",
    "leikkipaikka",
    "valaistus",
    "pyörätie",
    "kirjasto",
    "uimaranta",
    "penkki",
    "puu",
    "kukka",
    "koira",
    "skeittipaikka",
    "kuntosali",
    "nuoret",
    "lapset",
    "vanhukset",
    "esteettömyys",
    "katu",
    "silta",
    "ranta",
    "metsä",
    "polku",
    "laituri",
    "grilli",
    "park",
    "lekplats",
    "belysning",
    "cykelväg",
    "bibliotek",
    "strand",
    "bänk",
    "träd",
    "hund",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def fill(database_url: str, proposals: int = 2_000, comments: int = 50_000, seed: int = 1) -> dict[str, Any]:
    reset(database_url)
    rng = random.Random(seed)
    engine = make_sync_engine(database_url)
    from tests.conftest import make_process  # the same fixture data the tests use
    from tests.personas import ALL

    with Session(engine, expire_on_commit=False) as db:
        from tests.conftest import add_persona

        users = [add_persona(db, persona) for persona in ALL]
        process = make_process(db, slug="bench", open_phase="proposals")
        district_ids = [item.district_id for item in process.districts] + [None]
        now = utcnow()
        rows = [
            {
                "process_id": process.id,
                "author_id": users[i % len(users)].id,
                "title": sentence(rng, 4)[:150],
                "summary": sentence(rng, 15),
                "body": sentence(rng, 120),
                "language": "fi",
                "district_id": rng.choice(district_ids),
                "theme_id": rng.choice(process.themes).id,
                "status": "published",
                "support_count": rng.randint(0, 300),
                "comment_count": 0,
                "created_at": now - timedelta(minutes=i),
                "published_at": now - timedelta(minutes=i),
                "updated_at": now,
                "is_plan": False,
                "address": "",
                "author_cost_cents": rng.randint(1, 500) * 100_000,
            }
            for i in range(proposals)
        ]
        db.execute(insert(Proposal), rows)
        db.commit()
        ids = list(db.scalars(text("SELECT id FROM proposals ORDER BY id")))
        busy = ids[0]
        counts: dict[int, int] = {}
        comment_rows = []
        for index in range(comments):
            proposal_id = busy if index < 500 else rng.choice(ids[1:])
            counts[proposal_id] = counts.get(proposal_id, 0) + 1
            comment_rows.append(
                {
                    "proposal_id": proposal_id,
                    "author_id": users[index % len(users)].id,
                    "depth": 0,
                    "stance": rng.choice(["for", "against", "neutral"]),
                    "body": sentence(rng, 30),
                    "upvote_count": rng.randint(0, 20),
                    "created_at": now - timedelta(seconds=index),
                }
            )
        for start in range(0, len(comment_rows), 5_000):
            db.execute(insert(Comment), comment_rows[start : start + 5_000])
        for proposal_id, count in counts.items():
            db.execute(text("UPDATE proposals SET comment_count = :c WHERE id = :i"), {"c": count, "i": proposal_id})
        db.commit()
        first_district = process.districts[0].district_id
    engine.dispose()
    return {"busy": busy, "district": first_district}


def measure(database_url: str, repeat: int, work: Path) -> None:
    started = time.perf_counter()
    ids = fill(database_url)
    print(f"  filled in {time.perf_counter() - started:.1f} s")
    settings = Settings(database_url=database_url, session_dir=work / "sessions", mail_dir=work / "mail")
    app = create_app(settings)
    statements = {"count": 0}

    def count(*_: Any) -> None:
        statements["count"] += 1

    event.listen(app.state.db.engine.sync_engine, "before_cursor_execute", count)
    pages = {
        "proposal list": "/processes/bench/proposals",
        "list, one district": f"/processes/bench/proposals?district={ids['district']}",
        "list, searched": "/processes/bench/proposals?q=puisto+valai",
        "list, most supported": "/processes/bench/proposals?sort=supported",
        "list, page 20": "/processes/bench/proposals?page=20",
        "proposal with 500 comments": f"/proposals/{ids['busy']}",
    }
    with TestClient(app=app, base_url="http://testserver.local") as client:
        print(f"  {'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'status':>7}")
        for name, path in pages.items():
            client.get(path)  # warm caches, as a running server would have them
            times = []
            for _ in range(repeat):
                statements["count"] = 0
                begun = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - begun) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"  {name:<30} {statistics.median(times):>8.1f} {p95:>8.1f} {statements['count']:>8} "
                f"{response.status_code:>7}"
            )


def main() -> None:
    import logging

    # The test client logs every request; a benchmark of server time should not time the log handler.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/pb_bench")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-postgres", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print("SQLite")
        measure(f"sqlite:///{work / 'bench.db'}", arguments.repeat, work)
        if not arguments.skip_postgres:
            print("PostgreSQL")
            measure(arguments.postgres, arguments.repeat, work)


if __name__ == "__main__":
    main()
