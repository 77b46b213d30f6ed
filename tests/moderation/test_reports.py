"""Residents report proposals, comments and users, once each; three reporters hide content until a moderator decides."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.comments.models import Comment
from pb.moderation.models import Report
from pb.moderation.services import AUTO_HIDDEN_REASON, AUTO_HIDE_THRESHOLD
from pb.proposals.models import Proposal
from tests.comments.factories import add_comment, log_in_in_english
from tests.conftest import FormClient
from tests.moderation.conftest import REPORTERS
from tests.personas import AINO, SIXTEN


def reports(db: Session) -> list[Report]:
    db.expire_all()
    return list(db.scalars(select(Report).order_by(Report.id)))


def test_a_signed_in_user_reports_a_comment_with_a_reason_and_returns_to_it(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Asiaton")
    log_in_in_english(client, AINO)
    thread = client.get(f"/proposals/{proposal.id}/comments").text
    assert f'href="/report/comment/{comment.id}"' in thread
    assert f'href="/report/user/{personas[SIXTEN.email].id}?next=' in thread
    form = client.get(f"/report/comment/{comment.id}")
    assert form.status_code == 200 and "<legend>Why are you reporting this?</legend>" in form.text
    response = client.submit(f"/report/comment/{comment.id}", {"reason": "offensive", "details": "Haukkuu"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    [report] = reports(db)
    assert (report.target_type, report.target_id, report.reason, report.details) == (
        "comment",
        comment.id,
        "offensive",
        "Haukkuu",
    )
    assert report.reporter_id == personas[AINO.email].id and report.resolved_at is None


def test_a_proposal_and_a_user_can_be_reported_too(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    client.log_in(AINO)
    assert client.submit(f"/report/proposal/{proposal.id}", {"reason": "spam"}).status_code == 303
    sixten = personas[SIXTEN.email]
    assert client.submit(f"/report/user/{sixten.id}", {"reason": "other", "details": "Trolli"}).status_code == 303
    assert [(r.target_type, r.target_id) for r in reports(db)] == [("proposal", proposal.id), ("user", sixten.id)]


def test_a_user_reports_the_same_thing_only_once(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    log_in_in_english(client, AINO)
    client.submit(f"/report/comment/{comment.id}", {"reason": "spam"})
    again = client.submit(f"/report/comment/{comment.id}", {"reason": "offensive"})
    assert again.status_code == 303
    assert len(reports(db)) == 1
    assert "You have already reported this." in client.get(f"/report/comment/{comment.id}").text


def test_a_report_needs_a_known_reason_and_details_for_something_else(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    log_in_in_english(client, AINO)
    missing = client.submit(f"/report/proposal/{proposal.id}", {"reason": "boring"})
    assert missing.status_code == 422 and 'id="reason-error"' in missing.text
    other = client.submit(f"/report/proposal/{proposal.id}", {"reason": "other", "details": " "})
    assert other.status_code == 422 and 'id="details-error"' in other.text
    assert reports(db) == []


def test_unknown_targets_are_not_found_and_anonymous_visitors_log_in_first(
    client: FormClient, personas: dict[str, User], proposal: Proposal
) -> None:
    response = client.get(f"/report/proposal/{proposal.id}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    client.log_in(AINO)
    assert client.get("/report/proposal/9999").status_code == 404
    assert client.get(f"/report/planet/{proposal.id}").status_code == 404
    assert client.submit("/report/comment/9999", {"reason": "spam"}).status_code == 404


def test_content_reported_by_three_different_people_is_hidden_until_a_moderator_decides(
    client: FormClient, personas: dict[str, User], reporters: list[User], proposal: Proposal, db: Session
) -> None:
    assert AUTO_HIDE_THRESHOLD == 3
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Roskapostia")
    for number, persona in enumerate(REPORTERS, start=1):
        client.log_in(persona)
        client.submit(f"/report/comment/{comment.id}", {"reason": "spam"})
        db.expire_all()
        hidden = db.get_one(Comment, comment.id).hidden_at is not None
        assert hidden == (number == 3), number
    db.expire_all()
    stored = db.get_one(Comment, comment.id)
    assert stored.hidden_reason == AUTO_HIDDEN_REASON
    assert db.get_one(Proposal, proposal.id).comment_count == 0
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "comment.hidden_automatically")).one()
    assert event.actor_id is None and event.object_id == str(comment.id)
    page = client.get(f"/proposals/{proposal.id}/comments?lang=en").text
    assert "Roskapostia" not in page and AUTO_HIDDEN_REASON in page


def test_one_person_reporting_again_and_again_does_not_hide_anything(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    client.log_in(AINO)
    for _ in range(4):
        client.submit(f"/report/proposal/{proposal.id}", {"reason": "spam"})
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).hidden_at is None


def test_a_proposal_reported_by_three_people_is_hidden(
    client: FormClient, personas: dict[str, User], reporters: list[User], proposal: Proposal, db: Session
) -> None:
    for persona in REPORTERS:
        client.log_in(persona)
        client.submit(f"/report/proposal/{proposal.id}", {"reason": "offensive"})
    db.expire_all()
    hidden = db.get_one(Proposal, proposal.id)
    assert hidden.hidden_at is not None and hidden.hidden_reason == AUTO_HIDDEN_REASON


def test_reporting_users_never_hides_or_blocks_them_automatically(
    client: FormClient, personas: dict[str, User], reporters: list[User], db: Session
) -> None:
    from pb.moderation.models import UserBlock

    sixten = personas[SIXTEN.email]
    for persona in REPORTERS:
        client.log_in(persona)
        client.submit(f"/report/user/{sixten.id}", {"reason": "offensive"})
    assert len(reports(db)) == 3
    assert db.scalars(select(UserBlock)).all() == []


def test_after_reporting_a_comments_author_the_reporter_returns_to_the_comment(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email])
    sixten = personas[SIXTEN.email]
    client.log_in(AINO)
    thread = client.get(f"/proposals/{proposal.id}/comments").text
    link = f"/report/user/{sixten.id}?next=/proposals/{proposal.id}%23comment-{comment.id}"
    assert f'href="{link}"' in thread
    form = client.get(link).text
    assert f'name="next" value="/proposals/{proposal.id}#comment-{comment.id}"' in form
    response = client.submit(
        f"/report/user/{sixten.id}", {"reason": "spam", "next": f"/proposals/{proposal.id}#comment-{comment.id}"}
    )
    assert response.headers["location"] == f"/proposals/{proposal.id}#comment-{comment.id}"
    elsewhere = client.submit(f"/report/user/{sixten.id}", {"reason": "spam", "next": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/"


def test_the_number_of_reports_that_hides_content_is_a_setting(settings: object, db: Session) -> None:
    from dataclasses import replace

    from pb.app import create_app
    from tests.comments.factories import make_proposal
    from tests.conftest import FormClient as Client
    from tests.conftest import add_persona, make_process
    from tests.personas import AINO, SIXTEN

    strict = replace(settings, auto_hide_reports=1)  # type: ignore[type-var]
    author = add_persona(db, SIXTEN)
    add_persona(db, AINO)
    proposal = make_proposal(db, make_process(db, open_phase="proposals"), author)
    with Client(app=create_app(strict), base_url="http://testserver.local") as client:
        client.log_in(AINO)
        client.submit(f"/report/proposal/{proposal.id}", {"reason": "spam", "details": ""})
    db.refresh(proposal)
    assert proposal.hidden_at is not None
