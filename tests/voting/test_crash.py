"""A crash in the middle of voting loses no acknowledged ballot and doubles none.

A real server (`pb run`) takes the ballots of many concurrent code voters and is killed with SIGKILL while they
vote; then it is started again. Every submission the voter saw acknowledged (the 303 to the receipt page) must
be in the database with the choices sent and the receipt shown, and no voter may have two records or ballots.
The voters whose submission was cut off try again after the restart, as people would.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb.eligibility.models import VotingCode
from pb.processes.models import Process, VotingMethod
from pb.voting.models import Ballot, VoterRecord
from pb.voting.secrecy import Keys, new_code, receipt_hash
from pb.voting.services import decode_choices
from tests.conftest import csrf_token_in, free_port
from tests.voting_support import budgets, district, make_voting_process, project_ids

SECRET = "crash-test-secret-key-0123456789abcdefghij"
VOTERS = 100
CONCURRENCY = 24
# The server is killed once this many ballots have been acknowledged: mid-run, with others in flight.
KILL_AFTER = 30
RECEIPT = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


@dataclass
class Server:
    url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pb.cli", "run", "--port", self.url.rsplit(":", 1)[1]],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        # Generous: on a busy CI machine importing the app alone can take many seconds.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Voter:
    code: str
    code_id: int
    choices: list[int]
    acknowledged: bool = False
    receipt: str | None = None
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {
        **os.environ,
        "PB_DATABASE_URL": database_url,
        "PB_SECRET_KEY": SECRET,
        "PB_BASE_URL": f"http://127.0.0.1:{port}",
        "PB_SESSION_DIR": str(tmp_path / "sessions"),
        "PB_MAIL_DIR": str(tmp_path / "mail"),
    }
    env.pop("PB_REDIS_URL", None)
    found = Server(f"http://127.0.0.1:{port}", env, tmp_path / "server.log")
    yield found
    found.stop()


def arrange(db: Session) -> tuple[Process, int, list[Voter]]:
    process = make_voting_process(db)
    process.voting_methods = [VotingMethod.CODE]
    citywide, _ = budgets(process)
    keys = Keys(SECRET)
    ids = sorted(project_ids(db, citywide).values())
    codes = [new_code() for _ in range(VOTERS)]
    rows = [
        VotingCode(
            process_id=process.id, district_id=district(db, "keskusta").id, code_hash=keys.voting_code(code), serial=n
        )
        for n, code in enumerate(codes, start=1)
    ]
    db.add_all(rows)
    db.commit()
    # Every ballot is a different valid choice within the budget: one or two of the three cheapest projects.
    options = [[ids[0]], [ids[1]], [ids[2]], [ids[0], ids[1]], [ids[0], ids[2]], [ids[1], ids[2]]]
    voters = [
        Voter(code, row.id, options[n % len(options)]) for n, (code, row) in enumerate(zip(codes, rows, strict=True))
    ]
    return process, citywide.id, voters


async def vote(url: str, budget_id: int, voter: Voter, acknowledged: list[Voter]) -> None:
    """The code, then the ballot; a transport error (the server died) leaves the voter unacknowledged."""
    prefix = "/processes/omabudjetti-2026/vote"
    async with httpx.AsyncClient(base_url=url, cookies=voter.cookies, timeout=20) as client:
        try:
            # The form token lives in the session: taken from each page as a browser would.
            token = csrf_token_in((await client.get(f"{prefix}/code")).text)
            entered = await client.post(f"{prefix}/code", data={"code": voter.code, "_csrf_token": token})
            if entered.status_code != 303:
                return
            token = csrf_token_in((await client.get(f"{prefix}/{budget_id}")).text)
            form = {"project": [str(p) for p in voter.choices], "_csrf_token": token}
            cast = await client.post(f"{prefix}/{budget_id}/cast", data=form)
            if cast.status_code != 303:
                return
            voter.acknowledged = True
            acknowledged.append(voter)
            done = await client.get(cast.headers["location"])
            found = RECEIPT.search(done.text)
            voter.receipt = found.group(0) if found else None
        except httpx.TransportError:
            pass
        finally:
            voter.cookies = httpx.Cookies(client.cookies)


async def load_until_killed(server: Server, budget_id: int, voters: list[Voter]) -> list[Voter]:
    acknowledged: list[Voter] = []
    queue = list(voters)

    async def worker() -> None:
        while queue:
            await vote(server.url, budget_id, queue.pop(), acknowledged)

    async def killer() -> None:
        while len(acknowledged) < KILL_AFTER and queue:
            await asyncio.sleep(0.01)
        # SIGKILL: no shutdown hook runs, open transactions and half-sent responses are cut off.
        await asyncio.to_thread(server.kill)

    await asyncio.gather(killer(), *(worker() for _ in range(CONCURRENCY)))
    return acknowledged


async def retry(server: Server, budget_id: int, voters: list[Voter]) -> None:
    """Those not acknowledged vote again (a few rounds: on SQLite a busy database may refuse a ballot)."""
    acknowledged: list[Voter] = []
    for _ in range(5):
        queue = [voter for voter in voters if not voter.acknowledged]

        async def worker(queue: list[Voter] = queue) -> None:
            while queue:
                await vote(server.url, budget_id, queue.pop(), acknowledged)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


def check_every_acknowledged_ballot_is_stored_once(
    db: Session, process: Process, budget_id: int, voters: list[Voter]
) -> None:
    keys = Keys(SECRET)
    db.expire_all()
    for voter in voters:
        assert voter.acknowledged, f"the voter of code {voter.code_id} never got their ballot in"
        ballot = db.scalar(
            select(Ballot).where(
                Ballot.budget_id == budget_id,
                Ballot.link == keys.ballot_link(budget_id, keys.code_voter(voter.code_id)),
            )
        )
        assert ballot is not None, f"an acknowledged ballot is missing (code {voter.code_id})"
        assert decode_choices(ballot.choices) == {project: 1 for project in voter.choices}
        if voter.receipt is not None:
            assert ballot.receipt_hash == receipt_hash(voter.receipt)
    receipts = [voter.receipt for voter in voters if voter.receipt is not None]
    # Nearly every voter saw their receipt (those cut off between the 303 and the receipt page may not have).
    assert len(receipts) >= len(voters) - CONCURRENCY
    records = db.scalars(
        select(func.count())
        .select_from(VoterRecord)
        .where(VoterRecord.process_id == process.id)
        .group_by(VoterRecord.voter_key)
    ).all()
    assert len(records) == len(voters) and set(records) == {1}
    ballots = db.scalar(select(func.count()).select_from(Ballot).where(Ballot.budget_id == budget_id))
    assert ballots == len(voters)


def crash_and_recover(db: Session, server: Server) -> None:
    process, budget_id, voters = arrange(db)
    server.start()
    acknowledged = asyncio.run(load_until_killed(server, budget_id, voters))
    assert KILL_AFTER <= len(acknowledged) < len(voters), "the kill should land mid-run"
    server.start()
    asyncio.run(retry(server, budget_id, voters))
    check_every_acknowledged_ballot_is_stored_once(db, process, budget_id, voters)


@pytest.mark.postgres
def test_a_server_killed_mid_vote_loses_no_acknowledged_ballot_on_postgresql(
    database_url: str, db: Session, server: Server
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL run (PB_TEST_DATABASE_URL) has this test")
    crash_and_recover(db, server)


def test_a_server_killed_mid_vote_loses_no_acknowledged_ballot_on_sqlite(
    database_url: str, db: Session, server: Server
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite run has this test")
    crash_and_recover(db, server)
