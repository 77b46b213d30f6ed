"""`pb experts retention` applies the retention periods from the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.cli import experts
from pb.experts.models import AssignmentStatus, ExpertInput
from tests.experts.support import Arranged, audit


def test_the_command_deletes_input_past_its_period_and_logs_the_run(
    db: Session, database_url: str, group: Arranged, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    group.assignment.status = AssignmentStatus.CLOSED
    group.assignment.closed_at = datetime.now(UTC) - timedelta(days=366)
    db.merge(group.assignment)
    db.commit()
    monkeypatch.setenv("PB_DATABASE_URL", database_url)
    result = CliRunner().invoke(experts, ["retention"])
    assert result.exit_code == 0, result.output
    assert "inputs_deleted: 2" in result.output
    db.expire_all()
    assert db.scalars(select(ExpertInput)).all() == []
    event = audit(db, "experts.retention_applied")[-1]
    assert event.actor_id is None and event.client_address == "cli"
