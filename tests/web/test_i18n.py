from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pb import i18n
from tests.conftest import FormClient


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sv-FI,sv;q=0.9,en;q=0.5", "sv"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "fi"),
        ("de;q=1.0, sv;q=0.2", "sv"),
        ("", "fi"),
        ("garbage;;q=x,,", "fi"),
    ],
)
def test_the_language_is_negotiated_from_the_browser(header: str, expected: str) -> None:
    assert i18n.negotiate(header, "fi") == expected


def test_the_chosen_language_is_remembered_across_pages_in_the_session(client: FormClient) -> None:
    chosen = client.get("/?lang=sv")
    assert '<html lang="sv">' in chosen.text
    # Kept in the session (choosing is the visitor's own act), not in a cookie of its own (issue 7).
    assert list(client.cookies.keys()) == ["pb_session"]
    for path in ("/login", "/processes", "/no-such-page"):
        assert '<html lang="sv">' in client.get(path).text, path
    assert '<html lang="en">' in client.get("/processes?lang=en").text
    assert '<html lang="en">' in client.get("/").text


def test_the_browser_language_is_used_when_nothing_was_chosen(client: FormClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in page.text
    assert "set-cookie" not in page.headers


def test_choosing_the_language_a_visitor_already_gets_starts_no_session(client: FormClient) -> None:
    page = client.get("/?lang=fi")
    assert '<html lang="fi">' in page.text
    assert "set-cookie" not in page.headers


def test_a_signed_in_user_gets_their_preferred_language_until_they_choose_another(
    client: FormClient, personas: dict[str, object]
) -> None:
    from tests.personas import ANNA

    client.get("/?lang=sv")
    client.log_in(ANNA)  # prefers English; a choice made before logging in does not outlast the login
    assert '<html lang="en">' in client.get("/processes", headers={"Accept-Language": "fi"}).text
    assert '<html lang="fi">' in client.get("/processes?lang=fi").text
    assert '<html lang="fi">' in client.get("/account").text


def test_dates_and_money_are_written_the_way_each_language_writes_them() -> None:
    moment = datetime(2026, 3, 31, 21, 30, tzinfo=UTC)  # 1 April 00:30 in Helsinki
    assert i18n.format_date(moment, "fi") == "1. huhtikuuta 2026"
    assert i18n.format_date(moment, "sv") == "1 april 2026"
    assert i18n.format_euros(1234567, "fi") == "12\xa0345,67\xa0€"
    assert i18n.format_euros(1234567, "sv") == "12\xa0345,67\xa0€"
    assert i18n.format_number(1500000, "en") in {"1,500,000", "1\xa0500\xa0000"}


def test_switching_language_keeps_the_pages_other_parameters(client: FormClient) -> None:
    page = client.get("/processes?q=puisto&page=2&lang=fi").text
    assert 'href="/processes?q=puisto&amp;page=2&amp;lang=sv"' in page


def test_texts_inside_shared_macros_follow_the_page_language(
    client: FormClient, db: object, personas: dict[str, object]
) -> None:
    from sqlalchemy.orm import Session

    from tests.comments.factories import add_comment, make_proposal
    from tests.conftest import make_process
    from tests.personas import AINO, SIXTEN

    assert isinstance(db, Session)
    proposal = make_proposal(db, make_process(db), personas[SIXTEN.email])  # type: ignore[arg-type]
    add_comment(db, proposal, personas[SIXTEN.email])  # type: ignore[arg-type]
    client.log_in(AINO)
    english = client.get(f"/proposals/{proposal.id}?lang=en").text
    assert "Report proposal" in english and "Report comment" in english and "Up-vote" in english
    swedish = client.get(f"/proposals/{proposal.id}?lang=sv").text
    assert "Report comment" not in swedish and "Ilmoita" not in swedish
