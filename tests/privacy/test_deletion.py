"""Deleting one's account (issue 7): the resident's proposals and comments stay, shown as by a former user, or are
removed, as they choose; their ballots stay counted and cannot be traced back; afterwards no table holds their
personal data (a walk over the whole schema), except the audit log's account number, which the privacy notice
names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.comments.models import Comment
from pb.eligibility.models import CensusEntry, EligibilityProof
from pb.moderation.models import Report
from pb.privacy import deletion
from pb.privacy.retention import Category, Fate
from pb.proposals.models import Proposal
from pb.settings import Settings
from pb.voting.models import Ballot, VoterRecord
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, SIXTEN
from tests.privacy.support import arrange
from tests.voting_support import AINO_IN_CENSUS

# The one place pb keeps a deleted account's number, by law and by trigger (pb.privacy.retention "audit_log").
KEPT_ACCOUNT_NUMBERS = {("audit_events", "actor_id"), ("audit_events", "object_id")}


def delete(client: FormClient, content: str, password: str = AINO.password) -> Any:
    return client.submit("/account/delete", {"content": content, "password": password})


def traces_of(engine: Engine, user_id: int, strings: list[str]) -> list[str]:
    """Every cell of every table (virtual and index tables included) that holds one of ``strings`` or refers to
    the account: its foreign keys to users, and the references by number that have no foreign key."""
    found = []
    inspector = inspect(engine)
    wanted = [value.lower() for value in strings]
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            user_columns = {
                column
                for key in inspector.get_foreign_keys(table)
                if key["referred_table"] == "users"
                for column in key["constrained_columns"]
            }
            if table == "users":
                user_columns.add("id")
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    if column in user_columns and value == user_id:
                        found.append(f"{table}.{column} refers to the account")
                    cell = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    found += [f"{table}.{column} holds {s!r}" for s in wanted if s in cell.lower()]
                by_number = {
                    ("audit_events", "actor_id"): row.get("actor_id") if table == "audit_events" else None,
                    ("audit_events", "object_id"): (
                        row.get("object_id") if table == "audit_events" and row.get("object_type") == "user" else None
                    ),
                    ("reports", "target_id"): (
                        row.get("target_id") if table == "reports" and row.get("target_type") == "user" else None
                    ),
                }
                for (name, column), value in by_number.items():
                    if value is not None and str(value) == str(user_id) and (name, column) not in KEPT_ACCOUNT_NUMBERS:
                        found.append(f"{name}.{column} refers to the account by number")
    return found


@pytest.mark.parametrize("content", ["keep", "remove"])
def test_after_deletion_no_table_holds_ainos_personal_data(
    client: FormClient, db: Session, engine: Engine, settings: Settings, personas: dict[str, User], content: str
) -> None:
    history = arrange(db, settings, personas, client)
    aino_id = history.aino.id
    strings = [AINO.email, AINO.name, AINO_IN_CENSUS.identifier, "Aino ilmoittaa", "Aino: tämä"]
    assert len(traces_of(engine, aino_id, strings)) > 10, "the walk should find Aino before the deletion"

    response = delete(client, content)
    assert response.status_code == 303 and response.headers["location"] == "/privacy/account-deleted"

    assert traces_of(engine, aino_id, strings) == []
    # Sixten's data is untouched: only what was Aino's went.
    assert len(traces_of(engine, history.sixten.id, [SIXTEN.email, SIXTEN.name])) > 5


def test_kept_proposals_and_comments_show_a_former_user(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    published_id, draft_id, body = history.published.id, history.draft.id, history.published.body
    delete(client, "keep")
    db.expire_all()

    published = db.get_one(Proposal, published_id)
    assert published.author_id is None and published.body == body
    assert db.get(Proposal, draft_id) is None, "a draft nobody else can open goes in any case"
    reply = db.get_one(Comment, history.aino_reply.id)
    assert reply.author_id is None and reply.body == "Lisään tähän suunnitelman."
    page = client.get(f"/proposals/{published_id}?lang=en").text
    assert "Lisään tähän suunnitelman." in page and "Former user" in page and AINO.name not in page


def test_removed_content_is_gone_and_the_counts_follow(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    published_id, draft_id, sixten_reply_id = history.published.id, history.draft.id, history.sixten_reply.id
    aino_reply_id = history.aino_reply.id
    delete(client, "remove")
    db.expire_all()

    assert db.get(Proposal, published_id) is None
    assert db.get(Proposal, draft_id) is None
    # Sixten's reply to Aino's removed proposal went with the proposal; his own proposal stays.
    assert db.get(Comment, sixten_reply_id) is None
    sixtens = db.get_one(Proposal, history.sixtens.id)
    assert (sixtens.support_count, sixtens.comment_count) == (0, 1)
    placeholder = db.get_one(Comment, history.aino_comment.id)
    assert (placeholder.body, placeholder.author_id) == ("", None) and placeholder.deleted_at is not None
    assert db.get_one(Comment, history.sixten_comment.id).upvote_count == 0
    assert db.scalars(select(Report.reason).where(Report.target_id == aino_reply_id)).all() == []
    page = client.get(f"/proposals/{history.sixtens.id}?lang=en").text
    assert "Tack för stödet!" in page and "Hyvä idea" not in page


def test_a_proposal_with_co_authors_stays_with_them(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    delete(client, "remove")
    db.expire_all()

    shared = db.get_one(Proposal, history.shared.id)
    assert shared.author_id is None
    client.log_in(SIXTEN)
    page = client.get(f"/proposals/{history.shared.id}?lang=en").text
    assert "For the authors" in page and SIXTEN.name in page and "Former user" in page


def test_ballots_stay_counted_and_the_voter_record_keeps_only_the_keyed_hash(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    budget = history.round.citywide
    ballots_before = db.scalars(select(Ballot.choices).where(Ballot.budget_id == budget.id)).all()
    delete(client, "remove")
    db.expire_all()

    assert db.scalars(select(Ballot.choices).where(Ballot.budget_id == budget.id)).all() == ballots_before
    [record] = db.scalars(select(VoterRecord).where(VoterRecord.budget_id == budget.id)).all()
    census_key = db.scalar(select(CensusEntry.person_key))
    assert record.voter_key == census_key
    assert db.scalars(select(EligibilityProof)).all() == [], "the only join between the account and the key"


def test_deletion_ends_every_session_of_the_account(
    client: FormClient, another_client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    another_client.log_in(AINO)
    assert delete(client, "keep").status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert another_client.get("/account", follow_redirects=False).status_code == 303
    assert client.submit("/login", {"email": AINO.email, "password": AINO.password}).status_code == 422


def test_the_deletion_is_logged_without_a_name_or_address(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    aino_id = personas[AINO.email].id
    client.log_in(AINO)
    delete(client, "remove")
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.deleted")).all()
    assert (event.actor_id, event.object_id, event.client_address) == (aino_id, str(aino_id), None)
    assert event.after == {
        "content": "remove",
        "proposals_removed": 0,
        "proposals_kept": 0,
        "comments_removed": 0,
        "comments_kept": 0,
    }


@pytest.mark.parametrize(
    ("form", "field"),
    [({"content": "remove", "password": "wrong password"}, "password"), ({"password": AINO.password}, "content")],
)
def test_a_wrong_password_or_no_choice_deletes_nothing(
    client: FormClient, db: Session, personas: dict[str, User], form: dict[str, str], field: str
) -> None:
    client.log_in(AINO)
    response = client.submit("/account/delete?lang=en", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and 'class="error-summary"' in response.text
    assert db.scalar(select(User.id).where(User.email == AINO.email)) is not None


def test_a_staff_account_is_not_deleted_here(client: FormClient, db: Session, personas: dict[str, User]) -> None:
    client.log_in(ANNA)
    page = client.get("/account/delete?lang=en")
    assert "Staff accounts cannot be deleted here" in page.text and 'name="password"' not in page.text
    assert client.submit("/account/delete", {"content": "keep", "password": ANNA.password}).status_code == 422
    assert db.scalar(select(User.id).where(User.email == ANNA.email)) is not None


def test_deletion_refuses_to_run_when_the_privacy_notice_promises_another_fate(
    client: FormClient, db: Session, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    promised = dict(deletion.BY_KEY)
    original = promised["eligibility"]
    promised["eligibility"] = Category(**{**original.__dict__, "on_deletion": Fate.KEPT})
    monkeypatch.setattr(deletion, "BY_KEY", promised)
    client.log_in(AINO)
    # UnexpectedFate: a server error rather than a deletion the privacy notice does not describe.
    assert client.submit("/account/delete", {"content": "keep", "password": AINO.password}).status_code == 500
    assert db.scalar(select(User.id).where(User.email == AINO.email)) is not None
