"""The list and the proposal page ask the database a fixed number of questions, however many items they show
(issue 3's benchmark goal: the query count does not grow with the number of items shown)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.processes.models import Process
from pb.web.shell import PbApp
from tests.conftest import FormClient
from tests.personas import AINO
from tests.proposals.conftest import add_proposal


@contextmanager
def counting_queries(app: PbApp) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(app: PbApp, client: FormClient, url: str) -> int:
    with counting_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_list_asks_the_same_number_of_queries_for_two_or_twenty_proposals(
    app: PbApp, client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    centre = process.districts[0].district_id
    for number in range(2):
        add_proposal(db, process, personas[AINO.email], title=f"A{number}", district_id=centre)
    for sort in ("random", "newest"):
        url = f"/processes/{process.slug}/proposals?sort={sort}&q=a"
        few = queries_for(app, client, url)
        for number in range(18):
            add_proposal(db, process, personas[AINO.email], title=f"A{number}x", theme_id=process.themes[0].id)
        many = queries_for(app, client, url)
        assert few == many, f"{sort}: {few} queries for 2 proposals, {many} for 20"
