from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.app import create_app
from pb.cli import main
from pb.settings import Settings
from tests.conftest import FormClient, count


def test_without_smtp_emails_are_written_to_the_mail_folder(settings: Settings, tmp_path: Path) -> None:
    offline = replace(settings, smtp_host=None, mail_dir=tmp_path / "outbox")
    with FormClient(app=create_app(offline), base_url="http://testserver.local") as client:
        client.submit(
            "/register",
            {
                "email": "uusi@example.fi",
                "display_name": "Uusi",
                "password": "pitkä salasana 1",
                "password_again": "pitkä salasana 1",
                "language": "fi",
                "accept_terms": "yes",
            },
        )
    written = list((tmp_path / "outbox").glob("*.eml"))
    assert len(written) == 1
    assert "To: uusi@example.fi" in written[0].read_text(encoding="utf-8")


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "PB_DATABASE_URL": database_url,
        "PB_SESSION_DIR": str(tmp_path / "sessions"),
        "PB_ARGON2_TIME_COST": "1",
        "PB_ARGON2_MEMORY_COST_KIB": "8",
        "PB_ARGON2_PARALLELISM": "1",
    }


def test_the_first_admin_is_created_from_the_command_line(cli_env: dict[str, str], db: Session) -> None:
    result = CliRunner().invoke(
        main,
        ["user", "create", "--email", "Paakayttaja@Example.fi", "--role", "admin", "--password-stdin"],
        input="erittäin pitkä salasana\n",
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User).where(User.email == "paakayttaja@example.fi")).one()
    assert user.role_names == {Role.RESIDENT, Role.ADMIN}
    assert user.email_verified_at is not None


def test_creating_a_user_with_bad_input_says_what_is_wrong(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    bad_role = runner.invoke(
        main,
        ["user", "create", "--email", "a@example.fi", "--role", "king", "--password-stdin"],
        input="pitkä salasana 123\n",
        env=cli_env,
    )
    assert bad_role.exit_code != 0 and "roles are:" in bad_role.output
    short = runner.invoke(
        main, ["user", "create", "--email", "a@example.fi", "--password-stdin"], input="x\n", env=cli_env
    )
    assert short.exit_code != 0 and "10 characters" in short.output


def test_the_demo_loads_one_account_per_role_and_keeps_data_when_asked_to(cli_env: dict[str, str], db: Session) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["demo"], env=cli_env).exit_code == 0
    roles = {role for user in db.scalars(select(User)) for role in user.role_names}
    assert roles == set(Role)
    from pb.proposals.models import Proposal, ProposalStatus

    assert {proposal.status for proposal in db.scalars(select(Proposal))} == set(ProposalStatus)
    assert count(db, "comments") > 0 and count(db, "reports") > 0 and count(db, "ballot_projects") > 0
    assert count(db, "reviews") > 0
    again = runner.invoke(main, ["demo", "--if-empty"], env=cli_env)
    assert again.exit_code == 0 and "not loaded" in again.output
    assert runner.invoke(main, ["db", "upgrade"], env=cli_env).exit_code == 0


def test_the_command_line_refuses_a_public_address_without_a_secret_key(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={**cli_env, "PB_BASE_URL": "https://pb.example.fi"})
    assert result.exit_code != 0 and "PB_SECRET_KEY" in result.output
