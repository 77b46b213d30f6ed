"""Retention (issue 6, Data rights and retention): notes and input after a closed assignment's period, invitations
never accepted, experts whose registry consent ended, ledger lines after the bookkeeping period; each run in the
audit trail. And the expert's own data as JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.models import (
    AssignmentStatus,
    CoordinatorNote,
    Expert,
    ExpertConsent,
    ExpertIdentity,
    ExpertInput,
    ExpertStatus,
    LedgerEntry,
    LedgerKind,
    Payee,
    Summary,
)
from tests.conftest import FormClient
from tests.experts.personas import EEVA, ELIAS, KAISA
from tests.experts.support import EEVA_INPUT, ELIAS_INPUT, KAISA_NOTE, Arranged, audit


def ledger_line(db: Session, arranged: Arranged, earned_on: date) -> LedgerEntry:
    entry = LedgerEntry(
        group_id=arranged.group.id,
        expert_id=arranged.eeva.id,
        kind=LedgerKind.EXPENSE,
        payee=Payee.EXPERT,
        description="Bussi",
        earned_on=earned_on,
        amount_cents=500,
    )
    db.add(entry)
    db.commit()
    return entry


def test_retention_deletes_what_is_past_its_period_and_logs_it(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    today = date.today()
    # A closed assignment past the one-year period, with a published summary that stays.
    group.assignment.status = AssignmentStatus.CLOSED
    group.assignment.closed_at = datetime.now(UTC) - timedelta(days=400)
    db.merge(group.assignment)
    db.add(Summary(assignment_id=group.assignment.id, status="published", themes="Teemat", revision=1))
    # An invitation never accepted, long ago.
    stale = Expert(group_id=group.group.id, pseudonym="KA-STALE1", invited_at=datetime.now(UTC) - timedelta(days=200))
    db.add(stale)
    db.flush()
    db.add(ExpertIdentity(expert_id=stale.id, email="never@example.fi"))
    # Elias's registry consent ended 100 days ago and was not renewed.
    registry = db.scalars(
        select(ExpertConsent).where(ExpertConsent.expert_id == group.elias.id, ExpertConsent.purpose == "registry")
    ).one()
    registry.expires_on = today - timedelta(days=100)
    db.commit()
    old = ledger_line(db, group, date(today.year - 7, 12, 31))
    kept = ledger_line(db, group, date(today.year - 6, 1, 1))
    old_id, kept_id, stale_id = old.id, kept.id, stale.id

    client.log_in(KAISA)
    assert client.submit("/coordinator/retention").status_code == 303

    db.expire_all()
    assert db.scalars(select(ExpertInput)).all() == []
    assert db.scalars(select(CoordinatorNote)).all() == []
    assert db.scalars(select(Summary)).one().themes == "Teemat"
    assert db.get(Expert, stale_id) is None
    elias = db.get(Expert, group.elias.id)
    assert elias is not None and elias.status == ExpertStatus.WITHDRAWN
    assert db.get(ExpertIdentity, group.elias.id) is None
    eeva = db.get(Expert, group.eeva.id)
    assert eeva is not None and eeva.status == ExpertStatus.ACTIVE  # her consent holds
    assert db.get(LedgerEntry, old_id) is None and db.get(LedgerEntry, kept_id) is not None
    event = audit(db, "experts.retention_applied")[-1]
    assert event.after == {
        "notes_deleted": 1,
        "inputs_deleted": 2,
        "lapsed_withdrawn": 1,
        "invitations_deleted": 1,
        "ledger_deleted": 1,
    }
    assert [item.object_id for item in audit(db, "experts.withdrawn")] == [str(group.elias.id)]


def test_nothing_within_its_period_is_deleted(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    client.submit("/coordinator/retention")
    db.expire_all()
    assert len(db.scalars(select(ExpertInput)).all()) == 2
    assert len(db.scalars(select(CoordinatorNote)).all()) == 1
    assert db.get(ExpertIdentity, group.elias.id) is not None


def test_the_settings_are_saved_and_checked(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    bad = client.submit("/coordinator/settings", {"earnings_limit": "abc", "alert_percent": "120"})
    assert bad.status_code == 422
    for field in ("earnings_limit", "alert_percent", "invitation_days", "input_retention_days"):
        assert f'id="{field}-error"' in bad.text
    good = {
        "earnings_limit": "12 000,00",
        "alert_percent": "75",
        "invitation_days": "7",
        "input_retention_days": "30",
        "lapsed_retention_days": "60",
        "ledger_retention_years": "6",
    }
    assert client.submit("/coordinator/settings", good).status_code == 303
    page = client.get("/coordinator/settings").text
    assert 'value="12000,00"' in page and 'value="30"' in page
    assert audit(db, "experts.settings_saved")[-1].after["earnings_limit_cents"] == 1_200_000  # type: ignore[index]


def test_an_expert_downloads_their_own_data_without_anyone_elses(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(EEVA)
    response = client.get("/experts/data?lang=en")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    data = json.loads(response.content)
    assert data["format"] == "pb-lived-experience-data"
    (entry,) = data["entries"]
    assert entry["pseudonym"] == "KA-EEVA22" and entry["contact"]["email"] == EEVA.email
    assert {consent["purpose"] for consent in entry["consents"]} == {"registry", "contact", "named"}
    assert entry["assignments"][0]["input"][0]["text"] == EEVA_INPUT
    assert entry["assignments"][0]["sessions"][0]["attended"] is True
    text = response.content.decode()
    assert ELIAS_INPUT not in text and KAISA_NOTE not in text and ELIAS.email not in text
    assert set(data["readme"]) == {"about", "entries", "others"}
    assert audit(db, "experts.own_data_exported")
