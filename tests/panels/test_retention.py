"""Deleting the pool's personal data: the people not on the panel some days after the draw, the members some days
after the panel closes. A walk over every table of the schema checks that nothing of theirs is left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.db import utcnow
from pb.panels.cli import panels as panels_command
from pb.panels.models import Panel, PanelSelection, Registration
from pb.panels.selection import instance_of
from pb.panels.work_models import PanelMember
from pb.sortition.draw import digests
from tests.conftest import FormClient, add_persona
from tests.panels.selection_support import PEOPLE, Pooled, drawn
from tests.personas import AINO


def traces(engine: Engine, strings: list[str]) -> list[str]:
    """Every cell of every table that holds one of ``strings`` (case-insensitive)."""
    found = []
    wanted = [value.lower() for value in strings if value]
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    cell = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    found += [f"{table}.{column} holds {s!r}" for s in wanted if s in cell.lower()]
    return found


def personal(pooled: Pooled, registration_ids: set[int]) -> list[str]:
    """The names, contact details and street addresses the people gave or the register held."""
    by_id = {r.id: r for r in pooled.registrations}
    street = {r.name: person[5] for r, person in zip(pooled.registrations, PEOPLE, strict=True)}
    found: list[str] = []
    for registration_id in registration_ids:
        registration = by_id[registration_id]
        found += [registration.name, registration.email, registration.phone, street[registration.name]]
    return [value for value in found if value]


def test_the_data_of_people_not_on_the_panel_goes_after_the_period_and_the_members_after_closing(
    client: FormClient, db: Session, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    on_panel = {p.registration_id for p in selection.people if p.on_panel and p.registration_id}
    others = {r.id for r in pooled.registrations} - on_panel
    # Aila and Oskari share a flat: a member's street address is an outsider's too, so streets are checked later.
    outsiders = [s for s in personal(pooled, others) if s not in personal(pooled, on_panel)]
    members = personal(pooled, on_panel)
    everyone = personal(pooled, {r.id for r in pooled.registrations})
    assert traces(engine, outsiders), "the walk should find the people before the deletion"
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/purge").status_code == 303
    assert db.scalars(select(Registration)).all() != [], "nothing is due on the day of the draw"

    selection.drawn_at = utcnow() - timedelta(days=31)
    db.commit()
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/purge").status_code == 303

    assert traces(engine, outsiders) == []
    assert {r.id for r in db.scalars(select(Registration))} == on_panel
    assert any(trace.startswith("panel_registrations.name") for trace in traces(engine, members))
    db.expire_all()
    # The published selection can still be recomputed from what stays (pseudonymous).
    kept = db.get(PanelSelection, selection.id)
    assert kept is not None and digests(instance_of(kept))["instance_sha256"] == kept.instance_sha256

    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/close").status_code == 303
    db.expire_all()
    panel = db.get(Panel, pooled.panel.id)
    assert panel is not None and panel.closed_at is not None
    panel.closed_at = utcnow() - timedelta(days=366)
    db.commit()
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/purge").status_code == 303

    assert traces(engine, everyone) == []
    assert all(member.display_name == "" for member in db.scalars(select(PanelMember)))
    actions = [event.action for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("panel.unselected_data_deleted") == 1 and actions.count("panel.member_data_deleted") == 1


def test_the_nightly_command_deletes_what_is_due(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    pooled.panel.unselected_retention_days = 0
    db.commit()

    result = CliRunner().invoke(panels_command, ["purge"], env={"PB_DATABASE_URL": database_url})

    assert result.exit_code == 0, result.output
    assert "raati-2026: unselected:" in result.output
    kept = {p.registration_id for p in selection.people if p.on_panel}
    db.expire_all()
    assert {r.id for r in db.scalars(select(Registration))} == kept


def test_the_retention_periods_are_set_on_the_panels_page_and_residents_cannot(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = drawn(client, db, database_url, monkeypatch)
    refused = client.submit(
        f"/facilitator/panels/{pooled.panel.id}/retention",
        {"unselected_retention_days": "x", "member_retention_days": "90"},
    )
    assert refused.status_code == 422 and "Enter a whole number" in refused.text

    saved = client.submit(
        f"/facilitator/panels/{pooled.panel.id}/retention",
        {"unselected_retention_days": "14", "member_retention_days": "90"},
    )

    assert saved.status_code == 303
    db.refresh(pooled.panel)
    assert (pooled.panel.unselected_retention_days, pooled.panel.member_retention_days) == (14, 90)
    add_persona(db, AINO)
    client.log_in(AINO)
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/purge").status_code == 403
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/close").status_code == 403
