"""The thread on a proposal page: its tree, stances, placeholders, and a query count that does not grow."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.comments import services
from pb.comments.models import CommentVote
from pb.db import Database, utcnow
from pb.proposals.models import Proposal
from pb.web.shell import PbApp
from tests.comments.factories import add_comment, log_in_in_english
from tests.conftest import FormClient
from tests.personas import AINO, SIXTEN


def thread_of(app: PbApp, proposal_id: int, viewer_id: int | None) -> dict[str, Any]:
    """Call the service directly, on a database connection of its own (the app's pool belongs to its loop)."""

    async def load() -> dict[str, Any]:
        database = Database.connect(app.state.settings.database_url)
        try:
            async with database.sessionmaker() as db:
                proposal = await db.get_one(Proposal, proposal_id)
                viewer = await db.get(User, viewer_id) if viewer_id else None
                return await services.thread_context(db, proposal, viewer)
        finally:
            await database.engine.dispose()

    return asyncio.run(load())


def test_the_thread_is_a_tree_in_the_order_comments_were_posted(
    app: PbApp, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    aino, sixten = personas[AINO.email], personas[SIXTEN.email]
    first = add_comment(db, proposal, aino, "1", minutes_ago=50)
    second = add_comment(db, proposal, sixten, "2", minutes_ago=40)
    reply = add_comment(db, proposal, sixten, "1.1", parent=first, minutes_ago=30)
    deeper = add_comment(db, proposal, aino, "1.1.1", parent=reply, minutes_ago=20)
    deepest = add_comment(db, proposal, sixten, "1.1.1.1", parent=deeper, minutes_ago=10)
    context = thread_of(app, proposal.id, aino.id)
    roots = context["comments_thread"]
    assert [node.id for node in roots] == [first.id, second.id]
    assert [node.id for node in roots[0].replies] == [reply.id]
    assert [node.id for node in roots[0].replies[0].replies] == [deeper.id]
    assert [node.id for node in roots[0].replies[0].replies[0].replies] == [deepest.id]
    assert roots[0].author_name == AINO.name and roots[1].author_name == SIXTEN.name
    assert context["comments_count"] == 5


def test_each_comment_shows_its_stance_and_the_summary_counts_them(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    aino = personas[AINO.email]
    add_comment(db, proposal, aino, "Puolesta", stance="for")
    add_comment(db, proposal, aino, "Puolesta 2", stance="for")
    add_comment(db, proposal, aino, "Vastaan", stance="against")
    page = client.get(f"/proposals/{proposal.id}/comments?lang=en").text
    assert page.count('class="tag stance stance-for">In favour<') == 2
    assert page.count('class="tag stance stance-against">Against<') == 1
    assert "3 comments" in page and "2 in favour, 1 against, 0 neutral" in page


def test_the_stance_radios_are_grouped_with_a_legend(
    client: FormClient, personas: dict[str, User], proposal: Proposal
) -> None:
    log_in_in_english(client, AINO)
    page = client.get(f"/proposals/{proposal.id}/comments").text
    form = page[page.index('<form id="comment-form"') :]
    assert "<fieldset" in form and "<legend>Your stance</legend>" in form
    for value in ("for", "against", "neutral"):
        assert f'<label for="comment-stance-{value}">' in form


def test_a_deleted_comment_leaves_a_placeholder_and_its_replies_stay(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    top = add_comment(db, proposal, personas[AINO.email], "Poistettava teksti")
    add_comment(db, proposal, personas[SIXTEN.email], "Vastaus jää", parent=top)
    top.deleted_at, top.body = utcnow(), ""
    db.commit()
    page = client.get(f"/proposals/{proposal.id}/comments?lang=en").text
    assert "This comment has been deleted by its author." in page
    assert "Vastaus jää" in page
    assert f'id="comment-{top.id}-replies"' in page


def test_a_hidden_comment_is_replaced_by_a_notice_with_the_reason(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    hidden = add_comment(db, proposal, personas[AINO.email], "Loukkaus")
    hidden.hidden_at, hidden.hidden_reason = utcnow(), "Loukkaa toista asukasta"
    db.commit()
    page = client.get(f"/proposals/{proposal.id}/comments?lang=en").text
    assert "Loukkaus" not in page
    assert "This comment has been hidden by moderation." in page and "Loukkaa toista asukasta" in page


def test_comment_text_is_sanitised_markdown(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    add_comment(db, proposal, personas[AINO.email], "**tärkeä** <script>alert(1)</script> [linkki](https://example.fi)")
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert "<strong>tärkeä</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'rel="nofollow ugc noopener"' in page


def count_queries(app: PbApp, client: FormClient, path: str) -> int:
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return len(statements)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_thread_takes_the_same_number_of_queries_for_5_and_for_50_comments(
    app: PbApp, client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session, signed_in: bool
) -> None:
    aino, sixten = personas[AINO.email], personas[SIXTEN.email]
    if signed_in:
        client.log_in(AINO)
    path = f"/proposals/{proposal.id}/comments"
    client.get(path)  # warm up: the first request of a client sets cookies

    def grow_to(total: int) -> None:
        current = len(thread_of(app, proposal.id, None)["comments_thread"])
        parent = None
        for number in range(current, total):
            comment = add_comment(db, proposal, sixten if number % 2 else aino, f"#{number}", parent=parent)
            if number % 3 == 0:
                db.add(CommentVote(comment_id=comment.id, user_id=aino.id))
                db.commit()
            parent = comment if number % 4 and comment.depth < 3 else None

    grow_to(5)
    with_5 = count_queries(app, client, path)
    grow_to(50)
    with_50 = count_queries(app, client, path)
    assert with_5 == with_50, (with_5, with_50)
    assert with_50 <= 16  # the session, the proposal loader (process, phases...) and four for the thread
