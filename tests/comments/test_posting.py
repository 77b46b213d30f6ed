"""Posting comments and replies: by full page (303 back to the comment) and with htmx (the fragment in place)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.comments.models import Comment
from pb.db import utcnow
from pb.moderation.models import UserBlock
from pb.proposals.models import Proposal, ProposalStatus
from tests.comments.factories import add_comment, log_in_in_english, make_proposal
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, PEKKA, SIXTEN


def comments_of(db: Session, proposal: Proposal) -> list[Comment]:
    db.expire_all()
    return list(db.scalars(select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.id)))


def test_a_verified_resident_posts_a_comment_without_javascript_and_returns_to_it(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    log_in_in_english(client, AINO)
    response = client.submit(f"/proposals/{proposal.id}/comments", {"body": "Kannatan!", "stance": "for"})
    assert response.status_code == 303
    [comment] = comments_of(db, proposal)
    assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    assert (comment.body, comment.stance, comment.author_id, comment.depth) == (
        "Kannatan!",
        "for",
        personas[AINO.email].id,
        0,
    )
    assert db.get_one(Proposal, proposal.id).comment_count == 1
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert f'id="comment-{comment.id}"' in page and "Kannatan!" in page


def test_posting_with_htmx_answers_with_the_new_comment_and_a_fresh_form(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    log_in_in_english(client, AINO)
    response = client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hieno idea", "stance": "for"}, htmx=True)
    assert response.status_code == 200
    [comment] = comments_of(db, proposal)
    assert response.headers["hx-retarget"] == "#comment-list"
    assert response.headers["hx-reswap"] == "beforeend"
    assert response.text.lstrip().startswith(f'<li class="comment comment-depth-0" id="comment-{comment.id}"')
    assert 'id="comment-form-slot" hx-swap-oob="true"' in response.text
    assert 'id="comments-status" hx-swap-oob="innerHTML"' in response.text
    assert "<html" not in response.text


def test_an_empty_comment_is_refused_with_a_message_next_to_the_field_both_ways(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    log_in_in_english(client, AINO)
    full = client.submit(f"/proposals/{proposal.id}/comments", {"body": "  ", "stance": "for"})
    assert full.status_code == 422
    assert 'id="comment-body-error"' in full.text and "<html" in full.text
    fragment = client.submit(f"/proposals/{proposal.id}/comments", {"body": "", "stance": "maybe"}, htmx=True)
    assert fragment.status_code == 422
    assert fragment.headers["hx-retarget"] == "#comment-form-slot"
    assert 'id="comment-body-error"' in fragment.text and 'id="comment-stance-error"' in fragment.text
    assert "<html" not in fragment.text
    assert comments_of(db, proposal) == []


def test_replies_nest_three_levels_deep_by_full_page(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    top = add_comment(db, proposal, personas[SIXTEN.email], "Alku")
    log_in_in_english(client, AINO)
    parent = top
    for level in range(1, 4):
        response = client.submit(f"/comments/{parent.id}/reply", {"body": f"Taso {level}", "stance": "against"})
        assert response.status_code == 303
        reply = comments_of(db, proposal)[-1]
        assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{reply.id}"
        assert (reply.parent_id, reply.depth) == (parent.id, level)
        parent = reply
    page = client.get(f"/proposals/{proposal.id}/comments").text
    # Each reply is inside the list of replies of its parent.
    for comment in comments_of(db, proposal)[1:]:
        assert f'id="comment-{comment.parent_id}-replies">' in page
        assert page.index(f'id="comment-{comment.parent_id}-replies"') < page.index(f'id="comment-{comment.id}"')
    assert db.get_one(Proposal, proposal.id).comment_count == 4


def test_a_reply_to_the_deepest_level_joins_that_level(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    sixten = personas[SIXTEN.email]
    chain = [add_comment(db, proposal, sixten, "0")]
    for _ in range(3):
        chain.append(add_comment(db, proposal, sixten, "x", parent=chain[-1]))
    assert chain[-1].depth == 3
    log_in_in_english(client, AINO)
    client.submit(f"/comments/{chain[-1].id}/reply", {"body": "Syvä", "stance": "neutral"})
    reply = comments_of(db, proposal)[-1]
    assert (reply.parent_id, reply.depth) == (chain[-2].id, 3)


def test_replying_with_htmx_shows_the_form_in_place_and_appends_the_reply_to_the_parent(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    top = add_comment(db, proposal, personas[SIXTEN.email], "Alku")
    log_in_in_english(client, AINO)
    form = client.get(f"/comments/{top.id}/reply", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.text
    assert f'hx-post="/comments/{top.id}/reply"' in form.text
    full_form = client.get(f"/comments/{top.id}/reply")
    assert "<html" in full_form.text and "hx-post" not in full_form.text.split("<main")[1].split("</form>")[0]
    response = client.submit(f"/comments/{top.id}/reply", {"body": "Samaa mieltä", "stance": "for"}, htmx=True)
    assert response.status_code == 200
    reply = comments_of(db, proposal)[-1]
    assert response.headers["hx-retarget"] == f"#comment-{top.id}-replies"
    assert response.headers["hx-reswap"] == "beforeend"
    assert f'id="comment-{reply.id}"' in response.text
    assert f'id="comment-{top.id}-reply-slot" class="reply-slot" hx-swap-oob="true"' in response.text
    invalid = client.submit(f"/comments/{top.id}/reply", {"body": ""}, htmx=True)
    assert invalid.status_code == 422
    assert invalid.headers["hx-retarget"] == f"#comment-{top.id}-reply-slot"
    assert f'id="reply-{top.id}-body-error"' in invalid.text


def test_a_reply_without_javascript_with_errors_comes_back_as_a_full_page(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    top = add_comment(db, proposal, personas[SIXTEN.email], "Alku")
    log_in_in_english(client, AINO)
    response = client.submit(f"/comments/{top.id}/reply", {"body": "", "stance": "for"})
    assert response.status_code == 422
    assert "<html" in response.text and f'id="reply-{top.id}-body-error"' in response.text


def test_an_unverified_user_cannot_comment(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    log_in_in_english(client, PEKKA)
    assert "Confirm your email address to comment." in client.get(f"/proposals/{proposal.id}/comments").text
    response = client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei", "stance": "for"})
    assert response.status_code == 403
    assert "Confirm your email address to comment." in response.text
    assert comments_of(db, proposal) == []


def test_a_blocked_user_cannot_comment_or_reply(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    top = add_comment(db, proposal, personas[SIXTEN.email])
    db.add(UserBlock(user_id=personas[AINO.email].id, reason="Häiriköinti", blocked_by_id=personas[ANNA.email].id))
    db.commit()
    log_in_in_english(client, AINO)
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert "blocked from posting" in page and 'id="comment-form"' not in page
    assert client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei", "stance": "for"}).status_code == 403
    assert client.submit(f"/comments/{top.id}/reply", {"body": "Hei", "stance": "for"}).status_code == 403
    assert len(comments_of(db, proposal)) == 1


def test_a_lifted_block_lets_the_user_comment_again(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    db.add(UserBlock(user_id=personas[AINO.email].id, reason="x", lifted_at=utcnow(), lift_reason="Sovittu"))
    db.commit()
    log_in_in_english(client, AINO)
    assert client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei", "stance": "for"}).status_code == 303


def test_comments_are_closed_on_withdrawn_and_hidden_proposals(
    client: FormClient, personas: dict[str, User], process: Any, db: Session
) -> None:
    sixten = personas[SIXTEN.email]
    withdrawn = make_proposal(db, process, sixten, status=ProposalStatus.WITHDRAWN)
    hidden = make_proposal(db, process, sixten)
    hidden.hidden_at, hidden.hidden_reason = utcnow(), "Loukkaava"
    db.commit()
    log_in_in_english(client, AINO)
    for closed in (withdrawn, hidden):
        assert "Comments are closed" in client.get(f"/proposals/{closed.id}/comments").text
        response = client.submit(f"/proposals/{closed.id}/comments", {"body": "Hei", "stance": "for"})
        assert response.status_code == 403


def test_someone_elses_draft_cannot_be_commented_and_does_not_reveal_itself(
    client: FormClient, personas: dict[str, User], process: Any, db: Session
) -> None:
    draft = make_proposal(db, process, personas[SIXTEN.email], status=ProposalStatus.DRAFT)
    log_in_in_english(client, AINO)
    assert client.get(f"/proposals/{draft.id}/comments").status_code == 404
    assert client.submit(f"/proposals/{draft.id}/comments", {"body": "Hei"}).status_code == 404


def test_an_anonymous_visitor_reads_the_thread_but_is_sent_to_log_in_to_post(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    add_comment(db, proposal, personas[SIXTEN.email], "Julkinen kommentti")
    page = client.get(f"/proposals/{proposal.id}/comments?lang=en")
    assert page.status_code == 200 and "Julkinen kommentti" in page.text
    assert "Log in to comment." in page.text
    response = client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei"})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_followers_who_asked_for_comment_emails_get_one_and_the_commenter_does_not(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session, mailbox: Any
) -> None:
    from pb.proposals.models import Follow

    db.add(Follow(proposal_id=proposal.id, user_id=personas[ANNA.email].id, notify_comments=True))
    db.add(Follow(proposal_id=proposal.id, user_id=personas[SIXTEN.email].id, notify_comments=False))
    db.add(Follow(proposal_id=proposal.id, user_id=personas[AINO.email].id, notify_comments=True))
    db.commit()
    client.log_in(AINO)
    client.submit(f"/proposals/{proposal.id}/comments", {"body": "Uusi näkökulma", "stance": "for"})
    [comment] = comments_of(db, proposal)
    message = mailbox.last_to(ANNA.email)
    body = message.get_payload(decode=True).decode()
    assert "Uusi näkökulma" in body and AINO.name in body
    assert f"/proposals/{proposal.id}#comment-{comment.id}" in body
    assert mailbox.to(SIXTEN.email) == [] and mailbox.to(AINO.email) == []
