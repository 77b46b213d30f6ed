"""The moderators' queue and decisions: hide, restore, dismiss, block and unblock, each in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.comments.models import Comment
from pb.db import utcnow
from pb.moderation.models import Report, UserBlock
from pb.proposals.models import Proposal
from tests.comments.factories import add_comment
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, MIRJA, RIIKKA, SIXTEN


def report(
    db: Session, target_type: str, target_id: int, reporter: User, reason: str = "spam", details: str = ""
) -> None:
    db.add(
        Report(target_type=target_type, target_id=target_id, reporter_id=reporter.id, reason=reason, details=details)
    )
    db.commit()


def audit(db: Session, action: str) -> AuditEvent:
    db.expire_all()
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()


def test_residents_are_refused_the_queue_and_anonymous_visitors_are_sent_to_log_in(
    client: FormClient, personas: dict[str, User], proposal: Proposal
) -> None:
    response = client.get("/moderation", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    client.log_in(AINO)
    assert client.get("/moderation").status_code == 403
    assert client.get(f"/moderation/proposal/{proposal.id}").status_code == 403
    assert client.submit(f"/moderation/proposal/{proposal.id}/hide", {"reason": "x"}).status_code == 403
    client.log_in(RIIKKA)  # a reviewer is staff, but not a moderator
    assert client.get("/moderation").status_code == 403


def test_the_queue_groups_open_reports_by_target_with_counts_and_reasons(
    client: FormClient, personas: dict[str, User], moderator: User, proposal: Proposal, db: Session
) -> None:
    aino, sixten = personas[AINO.email], personas[SIXTEN.email]
    comment = add_comment(db, proposal, sixten, "Epäilyttävä linkki")
    report(db, "comment", comment.id, aino, "spam", "Mainos")
    report(db, "comment", comment.id, personas[RIIKKA.email], "offensive")
    report(db, "proposal", proposal.id, aino, "off_topic")
    client.log_in(MIRJA)
    page = client.get("/moderation").text
    assert page.index(f'href="/moderation/comment/{comment.id}"') < page.index(
        f'href="/moderation/proposal/{proposal.id}"'
    )
    assert "2 reports" in page and "1 report" in page
    assert "Epäilyttävä linkki" in page and "Mainos" in page
    assert "Spam or advertising (1)" in page and "Offensive, hateful or threatening (1)" in page
    detail = client.get(f"/moderation/comment/{comment.id}")
    assert detail.status_code == 200 and f'href="/proposals/{proposal.id}#comment-{comment.id}"' in detail.text


def test_an_admin_may_moderate_too(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    assert client.get("/moderation").status_code == 200


def test_a_moderator_hides_a_comment_with_a_public_reason_and_the_audit_log_records_it(
    client: FormClient, personas: dict[str, User], moderator: User, proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Solvaus")
    report(db, "comment", comment.id, personas[AINO.email])
    client.log_in(MIRJA)
    missing = client.submit(f"/moderation/comment/{comment.id}/hide", {"reason": " "})
    assert missing.status_code == 422 and 'id="hide-reason-error"' in missing.text
    response = client.submit(f"/moderation/comment/{comment.id}/hide", {"reason": "Loukkaa toista asukasta"})
    assert response.status_code == 303
    db.expire_all()
    hidden = db.get_one(Comment, comment.id)
    assert hidden.hidden_at is not None and hidden.hidden_reason == "Loukkaa toista asukasta"
    assert db.get_one(Proposal, proposal.id).comment_count == 0
    assert db.scalars(select(Report)).one().resolution == "hidden"
    event = audit(db, "comment.hidden")
    assert event.actor_id == moderator.id and event.object_type == "comment" and event.object_id == str(comment.id)
    assert event.before == {"hidden_at": None, "hidden_reason": None}
    assert event.after is not None and event.after["hidden_reason"] == "Loukkaa toista asukasta"
    page = client.get(f"/proposals/{proposal.id}/comments").text
    assert "Solvaus" not in page and "Loukkaa toista asukasta" in page
    assert "There are no open reports." in client.get("/moderation").text


def test_a_moderator_restores_hidden_content_with_a_reason(
    client: FormClient, personas: dict[str, User], moderator: User, proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Ihan asiallinen")
    comment.hidden_at, comment.hidden_reason = utcnow(), "Automaattisesti piilotettu"
    proposal.comment_count = 0
    db.commit()
    report(db, "comment", comment.id, personas[AINO.email])
    client.log_in(MIRJA)
    assert client.submit(f"/moderation/comment/{comment.id}/restore", {"reason": ""}).status_code == 422
    response = client.submit(f"/moderation/comment/{comment.id}/restore", {"reason": "Ei riko sääntöjä"})
    assert response.status_code == 303
    db.expire_all()
    restored = db.get_one(Comment, comment.id)
    assert restored.hidden_at is None and restored.hidden_reason is None
    assert db.get_one(Proposal, proposal.id).comment_count == 1
    event = audit(db, "comment.restored")
    assert event.before is not None and event.before["hidden_reason"] == "Automaattisesti piilotettu"
    assert event.after is not None and event.after["reason"] == "Ei riko sääntöjä"
    assert "Ihan asiallinen" in client.get(f"/proposals/{proposal.id}/comments").text


def test_a_moderator_hides_and_restores_a_proposal(
    client: FormClient, personas: dict[str, User], moderator: User, proposal: Proposal, db: Session
) -> None:
    client.log_in(MIRJA)
    client.submit(f"/moderation/proposal/{proposal.id}/hide", {"reason": "Mainos"})
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).hidden_reason == "Mainos"
    assert audit(db, "proposal.hidden").actor_id == moderator.id
    client.submit(f"/moderation/proposal/{proposal.id}/restore", {"reason": "Korjattu"})
    db.expire_all()
    assert db.get_one(Proposal, proposal.id).hidden_at is None
    assert audit(db, "proposal.restored").actor_id == moderator.id


def test_dismissing_closes_the_reports_and_leaves_the_content(
    client: FormClient, personas: dict[str, User], moderator: User, proposal: Proposal, db: Session
) -> None:
    comment = add_comment(db, proposal, personas[SIXTEN.email], "Kärkevä mutta asiallinen")
    report(db, "comment", comment.id, personas[AINO.email])
    client.log_in(MIRJA)
    assert client.submit(f"/moderation/comment/{comment.id}/dismiss").status_code == 303
    db.expire_all()
    assert db.get_one(Comment, comment.id).hidden_at is None
    stored = db.scalars(select(Report)).one()
    assert stored.resolution == "dismissed" and stored.resolved_by_id == moderator.id
    assert audit(db, "comment.reports_dismissed").after == {"open_reports": 0}


def test_a_moderator_blocks_and_unblocks_a_user_and_the_block_stops_posting(
    client: FormClient,
    another_client: FormClient,
    personas: dict[str, User],
    moderator: User,
    proposal: Proposal,
    db: Session,
) -> None:
    sixten = personas[SIXTEN.email]
    report(db, "user", sixten.id, personas[AINO.email], "offensive")
    client.log_in(MIRJA)
    assert client.submit(f"/moderation/user/{sixten.id}/block", {"reason": ""}).status_code == 422
    assert client.submit(f"/moderation/user/{sixten.id}/hide", {"reason": "x"}).status_code == 404
    assert client.submit(f"/moderation/user/{sixten.id}/block", {"reason": "Toistuvat solvaukset"}).status_code == 303
    db.expire_all()
    block = db.scalars(select(UserBlock)).one()
    assert (block.user_id, block.reason, block.blocked_by_id, block.lifted_at) == (
        sixten.id,
        "Toistuvat solvaukset",
        moderator.id,
        None,
    )
    assert db.scalars(select(Report)).one().resolution == "blocked"
    blocked = audit(db, "user.blocked")
    assert blocked.before == {"blocked": False} and blocked.after is not None and blocked.after["blocked"] is True
    assert "Toistuvat solvaukset" in client.get("/moderation").text

    another_client.log_in(SIXTEN)
    assert another_client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei"}).status_code == 403

    assert client.submit(f"/moderation/user/{sixten.id}/unblock", {"reason": "Sovittu"}).status_code == 303
    db.expire_all()
    lifted = db.scalars(select(UserBlock)).one()
    assert lifted.lifted_at is not None and lifted.lift_reason == "Sovittu" and lifted.lifted_by_id == moderator.id
    unblocked = audit(db, "user.unblocked")
    assert unblocked.before == {"blocked": True, "reason": "Toistuvat solvaukset"}
    assert unblocked.after == {"blocked": False, "reason": "Sovittu"}
    assert another_client.submit(f"/proposals/{proposal.id}/comments", {"body": "Hei"}).status_code == 303


def test_a_moderator_cannot_block_themselves(
    client: FormClient, personas: dict[str, User], moderator: User, db: Session
) -> None:
    client.log_in(MIRJA)
    assert client.submit(f"/moderation/user/{moderator.id}/block", {"reason": "Kokeilu"}).status_code == 422
    assert db.scalars(select(UserBlock)).all() == []
