"""Authors edit their comments for 15 minutes (marked "edited") and delete them (a placeholder stays)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.comments.models import Comment
from pb.db import utcnow
from pb.proposals.models import Proposal
from tests.comments.factories import add_comment, log_in_in_english
from tests.conftest import FormClient
from tests.personas import AINO, SIXTEN


def reload(db: Session, comment: Comment) -> Comment:
    db.expire_all()
    return db.get_one(Comment, comment.id)


def test_the_author_edits_a_fresh_comment_and_it_is_marked_edited(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[AINO.email], "Kirjoitusvirhe", minutes_ago=5)
    log_in_in_english(client, AINO)
    form = client.get(f"/comments/{comment.id}/edit")
    assert form.status_code == 200 and "Kirjoitusvirhe" in form.text
    response = client.submit(f"/comments/{comment.id}/edit", {"body": "Korjattu", "stance": "against"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    saved = reload(db, comment)
    assert (saved.body, saved.stance) == ("Korjattu", "against")
    assert saved.edited_at is not None
    assert "(edited)" in client.get(f"/proposals/{proposal.id}/comments").text


def test_editing_with_htmx_swaps_the_form_in_and_the_saved_text_back(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[AINO.email], "Vanha", minutes_ago=1)
    log_in_in_english(client, AINO)
    form = client.get(f"/comments/{comment.id}/edit", headers={"HX-Request": "true"})
    assert form.text.lstrip().startswith(f'<div id="comment-{comment.id}-content"')
    assert f'hx-post="/comments/{comment.id}/edit"' in form.text and "<html" not in form.text
    response = client.submit(f"/comments/{comment.id}/edit", {"body": "Uusi", "stance": "for"}, htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article id="comment-{comment.id}-content"')
    assert "Uusi" in response.text and "(edited)" in response.text
    cancel = client.get(f"/comments/{comment.id}", headers={"HX-Request": "true"})
    assert cancel.text.lstrip().startswith(f'<article id="comment-{comment.id}-content"')
    assert (
        client.get(f"/comments/{comment.id}", follow_redirects=False)
        .headers["location"]
        .endswith(f"#comment-{comment.id}")
    )


def test_a_comment_cannot_be_edited_after_15_minutes(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[AINO.email], "Alkuperäinen", minutes_ago=1)
    log_in_in_english(client, AINO)
    assert f'href="/comments/{comment.id}/edit"' in client.get(f"/proposals/{proposal.id}/comments").text
    # Move the comment back in time rather than the clock forward.
    db.execute(update(Comment).where(Comment.id == comment.id).values(created_at=utcnow() - timedelta(minutes=16)))
    db.commit()
    assert f'href="/comments/{comment.id}/edit"' not in client.get(f"/proposals/{proposal.id}/comments").text
    for htmx in (False, True):
        response = client.submit(f"/comments/{comment.id}/edit", {"body": "Myöhässä", "stance": "for"}, htmx=htmx)
        assert response.status_code == 422
        assert "only in the first 15 minutes" in response.text
        assert "Myöhässä" in response.text  # the text is not lost
    saved = reload(db, comment)
    assert saved.body == "Alkuperäinen" and saved.edited_at is None


def test_only_the_author_may_edit_or_delete(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Sixtenin", minutes_ago=1)
    client.log_in(AINO)
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.submit(f"/comments/{comment.id}/edit", {"body": "Kaapattu"}).status_code == 403
    assert client.submit(f"/comments/{comment.id}/delete").status_code == 403
    assert reload(db, comment).body == "Sixtenin"


def test_deleting_asks_first_then_leaves_a_placeholder_and_uncounts_the_comment(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[AINO.email], "Pois tämä")
    reply = add_comment(db, proposal, personas[SIXTEN.email], "Vastaus", parent=comment)
    log_in_in_english(client, AINO)
    confirm = client.get(f"/comments/{comment.id}/delete")
    assert confirm.status_code == 200 and "Pois tämä" in confirm.text
    response = client.submit(f"/comments/{comment.id}/delete")
    assert response.status_code == 303
    assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    deleted = reload(db, comment)
    assert deleted.deleted_at is not None and deleted.body == ""
    assert db.get_one(Proposal, proposal.id).comment_count == 1
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert "This comment has been deleted by its author." in page and "Pois tämä" not in page
    assert "Vastaus" in page and f'id="comment-{reply.id}"' in page
    # Deleting twice changes nothing, and the count stays right.
    client.submit(f"/comments/{comment.id}/delete")
    assert db.get_one(Proposal, proposal.id).comment_count == 1
