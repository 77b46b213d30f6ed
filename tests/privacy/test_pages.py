"""The privacy notice and the accessibility statement (issue 7), and the inventories that keep the notice true:
every table has a place in pb.privacy.retention, and every category there has a deletion step."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.app import create_app
from pb.db import Base
from pb.experts.models import RegistrySettings
from pb.privacy import accessibility
from pb.privacy.deletion import STEPS
from pb.privacy.retention import CATEGORIES, NOT_PERSONAL
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("path", ["/privacy", "/accessibility", "/privacy/account-deleted"])
def test_the_public_pages_render_in_each_language(client: FormClient, path: str, language: str) -> None:
    response = client.get(f"{path}?lang={language}")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert response.text.count("<h1") == 1


def test_every_page_links_to_the_notice_and_the_statement_in_its_footer(client: FormClient) -> None:
    footer = client.get("/").text.split('<footer class="site-footer">')[1]
    assert 'href="/privacy"' in footer and 'href="/accessibility"' in footer


def test_the_notice_describes_every_category_with_the_periods_the_code_uses(settings: Settings) -> None:
    two_days = replace(settings, session_max_age_seconds=2 * 86_400)
    with FormClient(app=create_app(two_days), base_url="http://testserver.local") as client:
        page = client.get("/privacy?lang=en").text
    for category in CATEGORIES:
        assert f'id="category-{category.key}"' in page
    assert "or 2 days after it was last saved" in page
    assert "a password-reset link for 60 minutes" in page and "works for 72 hours" in page
    assert "No retention period has been set yet" in page
    assert "Act on Information Management in Public Administration 906/2019, section 17" in page


def test_the_notice_names_the_expert_registrys_periods_that_retention_applies(client: FormClient, db: Session) -> None:
    assert "fee lines 6 years from the end of the year" in client.get("/privacy?lang=en").text
    # The registry's settings page saves these; pb.experts.retention.apply_retention deletes by them.
    db.add(RegistrySettings(lapsed_retention_days=45, input_retention_days=200, ledger_retention_years=7))
    db.commit()
    page = client.get("/privacy?lang=en").text
    assert "and 45 days after it ends without being renewed" in page
    assert "until 200 days after the assignment closes" in page
    assert "fee lines 7 years from the end of the year" in page


def test_the_statement_names_the_standard_the_checks_the_limits_and_the_authority(client: FormClient) -> None:
    page = client.get("/accessibility?lang=en").text
    assert "WCAG 2.1 AA" in page and "partially meets" in page
    assert "axe-core" in page and "keyboard" in page
    assert accessibility.AUTHORITY_URL in page
    assert "registry office" in page, "without a configured address the page says where feedback goes"


def test_the_account_page_links_to_the_residents_own_data(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(AINO)
    page = client.get("/account").text
    for link in ("/account/data", "/account/notifications", "/account/delete", "/privacy"):
        assert f'href="{link}"' in page


def test_every_table_has_one_place_in_the_retention_settings(engine: Engine) -> None:
    placed = [table for category in CATEGORIES for table in category.tables] + list(NOT_PERSONAL)
    assert len(placed) == len(set(placed)), "a table in two places"
    modelled = set(Base.metadata.tables)
    # The migrated database: also what only migrations create (e.g. alembic_version), minus search indexes,
    # which copy proposals and go with them (SQLite's FTS5 table and its shadow tables).
    migrated = {name for name in inspect(engine).get_table_names() if not name.startswith("proposals_fts")}
    assert sorted((modelled | migrated) - set(placed)) == [], "tables the privacy notice does not cover"
    assert sorted(set(placed) - modelled - migrated) == [], "tables that no longer exist"


def test_every_retention_category_has_exactly_one_deletion_step() -> None:
    assert sorted(key for key, _fate, _step in STEPS) == sorted(category.key for category in CATEGORIES)
    promised = {category.key: category.on_deletion for category in CATEGORIES}
    assert {key: fate for key, fate, _step in STEPS} == promised
