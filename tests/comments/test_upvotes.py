"""Up-votes on comments: once per user, taken back on request, counted in the same transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.comments.models import Comment, CommentVote
from pb.db import utcnow
from pb.proposals.models import Proposal
from tests.comments.factories import add_comment
from tests.conftest import FormClient
from tests.personas import AINO, PEKKA, SIXTEN


def votes(db: Session, comment: Comment) -> tuple[int, int]:
    """The stored count and the number of vote rows."""
    db.expire_all()
    rows = db.scalar(select(func.count()).select_from(CommentVote).where(CommentVote.comment_id == comment.id))
    return db.get_one(Comment, comment.id).upvote_count, int(rows or 0)


def test_an_upvote_counts_once_however_often_it_is_sent(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    client.log_in(AINO)
    for _ in range(3):
        response = client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"})
        assert response.status_code == 303
        assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    assert votes(db, comment) == (1, 1)


def test_an_upvote_can_be_taken_back(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    client.log_in(AINO)
    client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"})
    client.submit(f"/comments/{comment.id}/upvote", {"vote": "undo"})
    client.submit(f"/comments/{comment.id}/upvote", {"vote": "undo"})
    assert votes(db, comment) == (0, 0)


def test_upvoting_with_htmx_answers_with_the_pressed_button_and_the_new_count(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    client.log_in(AINO)
    client.get("/?lang=en")
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert 'aria-pressed="false"' in page and "0 up-votes" in page
    response = client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"}, htmx=True)
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith(f'<div class="comment-votes" id="comment-{comment.id}-votes">')
    assert 'aria-pressed="true"' in response.text and "1 up-vote" in response.text
    assert 'name="vote" value="undo"' in response.text
    again = client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"}, htmx=True)
    assert again.status_code == 200 and "1 up-vote" in again.text
    undone = client.submit(f"/comments/{comment.id}/upvote", {"vote": "undo"}, htmx=True)
    assert 'aria-pressed="false"' in undone.text and "0 up-votes" in undone.text
    assert votes(db, comment) == (0, 0)


def test_a_vote_the_database_already_has_is_not_an_error(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    """The unique constraint decides a race between two clicks: the loser's insert fails quietly."""
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    db.add(CommentVote(comment_id=comment.id, user_id=personas[AINO.email].id, created_at=utcnow()))
    comment.upvote_count = 1
    db.commit()
    client.log_in(AINO)
    assert client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"}).status_code == 303
    assert client.submit(f"/comments/{comment.id}/upvote", {"vote": "up"}, htmx=True).status_code == 200
    assert votes(db, comment) == (1, 1)


def test_nobody_upvotes_their_own_comment_and_unverified_users_cannot_upvote(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    own = add_comment(db, proposal, personas[AINO.email])
    client.log_in(AINO)
    assert client.submit(f"/comments/{own.id}/upvote", {"vote": "up"}).status_code == 403
    other = add_comment(db, proposal, personas[SIXTEN.email])
    client.log_in(PEKKA)
    assert client.submit(f"/comments/{other.id}/upvote", {"vote": "up"}).status_code == 403
    assert votes(db, own) == (0, 0) and votes(db, other) == (0, 0)
