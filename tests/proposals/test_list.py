"""The list of a process's proposals: filters, full-text search (same results on SQLite and PostgreSQL),
the four orders, pagination, and htmx updating the list in place."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.processes.models import Process
from pb.proposals.listing import PAGE_SIZE
from pb.proposals.models import ProposalStatus
from pb.proposals.search import postgresql_tsquery, query_words, sqlite_match
from tests.conftest import FormClient
from tests.personas import AINO, SIXTEN
from tests.proposals.conftest import add_proposal

TITLE = re.compile(r'<h2 class="proposal-card-title"><a href="/proposals/\d+">([^<]+)</a></h2>')


def titles(client: FormClient, process: Process, **params: str) -> list[str]:
    response = client.get(f"/processes/{process.slug}/proposals", params=params)
    assert response.status_code == 200, response.text
    return TITLE.findall(response.text)


@pytest.fixture
def variety(db: Session, process: Process, personas: dict[str, User]) -> Process:
    aino = personas[AINO.email]
    centre = process.districts[0].district_id
    sports, nature = (theme.id for theme in process.themes)
    add_proposal(db, process, aino, title="Skeittipuisto", district_id=centre, theme_id=sports, support_count=5)
    add_proposal(db, process, aino, title="Uimaranta", theme_id=nature, comment_count=7, published_days_ago=0)
    add_proposal(db, process, aino, title="Kuntoportaat", district_id=centre, theme_id=sports, published_days_ago=3)
    add_proposal(db, process, aino, title="Perutu", status=ProposalStatus.WITHDRAWN)
    add_proposal(db, process, aino, title="Toteutuskelpoinen", status=ProposalStatus.FEASIBLE, published_days_ago=5)
    add_proposal(db, process, aino, title="Luonnos", status=ProposalStatus.DRAFT)
    return process


def test_the_list_shows_public_proposals_but_not_drafts_or_withdrawn_ones(client: FormClient, variety: Process) -> None:
    assert sorted(titles(client, variety)) == ["Kuntoportaat", "Skeittipuisto", "Toteutuskelpoinen", "Uimaranta"]


def test_the_list_filters_by_district_theme_and_status(client: FormClient, variety: Process) -> None:
    centre = str(variety.districts[0].district_id)
    nature = str(variety.themes[1].id)
    assert sorted(titles(client, variety, district=centre)) == ["Kuntoportaat", "Skeittipuisto"]
    assert sorted(titles(client, variety, district="city")) == ["Toteutuskelpoinen", "Uimaranta"]
    assert titles(client, variety, theme=nature) == ["Uimaranta"]
    assert titles(client, variety, status="withdrawn") == ["Perutu"]
    assert titles(client, variety, status="feasible") == ["Toteutuskelpoinen"]
    assert titles(client, variety, status="draft") != ["Luonnos"]  # not a filter anybody can choose
    # Unknown values in the address mean "all", not an error.
    assert len(titles(client, variety, district="x'--", theme="99", status="<b>", sort="zzz", page="-1")) == 4


def test_the_list_sorts_by_newest_support_and_discussion(client: FormClient, variety: Process) -> None:
    assert titles(client, variety, sort="newest") == ["Uimaranta", "Skeittipuisto", "Kuntoportaat", "Toteutuskelpoinen"]
    assert titles(client, variety, sort="supported")[0] == "Skeittipuisto"
    assert titles(client, variety, sort="discussed")[0] == "Uimaranta"


def test_the_random_order_is_stable_for_a_visitor_and_differs_between_visitors(
    client: FormClient, another_client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    for number in range(PAGE_SIZE + 10):
        add_proposal(db, process, personas[AINO.email], title=f"Ehdotus {number:02d}")
    client.log_in(AINO)
    first = titles(client, process) + titles(client, process, page="2")
    again = titles(client, process) + titles(client, process, page="2")
    assert first == again, "paging must not reshuffle"
    assert sorted(first) == sorted(f"Ehdotus {number:02d}" for number in range(PAGE_SIZE + 10))
    another_client.log_in(SIXTEN)
    assert titles(another_client, process) != first[:PAGE_SIZE]
    # An anonymous visitor gets the day's order (no session is started for it), the same on every request.
    anonymous = titles(client.__class__(app=client.app, base_url="http://testserver.local"), process)
    assert anonymous == titles(client.__class__(app=client.app, base_url="http://testserver.local"), process)


def test_the_list_is_split_into_pages_with_links_that_keep_the_filters(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    for number in range(PAGE_SIZE + 3):
        add_proposal(db, process, personas[AINO.email], title=f"Ehdotus {number:02d}", published_days_ago=number)
    first = client.get(f"/processes/{process.slug}/proposals", params={"sort": "newest", "q": "ehdotus"})
    assert len(TITLE.findall(first.text)) == PAGE_SIZE
    assert 'href="/processes/omabudjetti-2026/proposals?q=ehdotus&amp;sort=newest&amp;page=2" rel="next"' in first.text
    assert titles(client, process, sort="newest", q="ehdotus", page="2") == ["Ehdotus 20", "Ehdotus 21", "Ehdotus 22"]
    # A page past the end shows the last page.
    assert titles(client, process, sort="newest", page="99") == ["Ehdotus 20", "Ehdotus 21", "Ehdotus 22"]


def test_with_htmx_only_the_list_is_sent_and_without_it_the_whole_page(client: FormClient, variety: Process) -> None:
    url = f"/processes/{variety.slug}/proposals"
    fragment = client.get(url, params={"sort": "newest"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<h1" not in fragment.text
    assert fragment.text.lstrip().startswith('<p class="result-count">')
    assert fragment.headers["vary"] == "HX-Request"
    full = client.get(url, params={"sort": "newest"})
    assert "<html" in full.text and 'id="proposal-list"' in full.text and 'role="search"' in full.text
    assert full.headers["vary"] == "HX-Request"
    assert TITLE.findall(fragment.text) == TITLE.findall(full.text)
    # Going back in history and boosted links need the whole page, even from htmx.
    for header in ("HX-History-Restore-Request", "HX-Boosted"):
        restored = client.get(url, headers={"HX-Request": "true", header: "true"})
        assert "<html" in restored.text


def test_the_filter_form_and_page_links_update_the_list_in_place_and_the_address(
    client: FormClient, variety: Process
) -> None:
    page = client.get(f"/processes/{variety.slug}/proposals").text
    assert 'method="get"' in page
    assert 'hx-target="#proposal-list"' in page and 'hx-push-url="true"' in page


# --- full-text search: the same expectations on SQLite (FTS5) and PostgreSQL (tsvector) ------------------------


@pytest.fixture
def texts(db: Session, process: Process, personas: dict[str, User]) -> Process:
    aino = personas[AINO.email]
    add_proposal(db, process, aino, title="Äänekäs skeittiramppi", summary="Lautailijoille", body="Betonista.")
    add_proposal(db, process, aino, title="Hiljainen lukunurkkaus", summary="Kirjastoon", body="Aanestys ensin.")
    add_proposal(db, process, aino, title="Öljyvärimaalaus", summary="Taidetta", body="Seinään maalattu.")
    add_proposal(db, process, aino, title="Bänkar vid stranden", summary="Sittplatser", body="Åtta bänkar.")
    add_proposal(db, process, aino, title="Piilotettu", summary="Salaisuus", body="Skeitti", hidden_reason="x")
    return process


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("skeitti", ["Äänekäs skeittiramppi"]),  # a prefix of a word
        ("SKEITTI", ["Äänekäs skeittiramppi"]),  # case does not matter
        ("ääne", ["Äänekäs skeittiramppi"]),  # ä is its own letter...
        ("aane", ["Hiljainen lukunurkkaus"]),  # ...so "aane" finds only "Aanestys"
        ("ÄÄNEKÄS", ["Äänekäs skeittiramppi"]),
        ("öljy", ["Öljyvärimaalaus"]),
        ("åtta", ["Bänkar vid stranden"]),
        ("bänk strand", ["Bänkar vid stranden"]),  # every word must begin a word
        ("bänk metsä", []),
        ("ramppi", []),  # the middle of a word is not a beginning
        ("kirjasto", ["Hiljainen lukunurkkaus"]),  # the summary is searched
        ("maalattu", ["Öljyvärimaalaus"]),  # and the body
        ("salaisuus", []),  # hidden proposals cannot be found by their hidden text
    ],
)
def test_search_finds_proposals_whose_words_begin_with_every_query_word(
    client: FormClient, texts: Process, query: str, expected: list[str]
) -> None:
    assert sorted(titles(client, texts, q=query)) == sorted(expected)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "skeitti*",
        "NEAR(a b)",
        "title:skeitti",
        "a AND OR NOT",
        "x & y | !z",
        "<->",
        "'",
        "-skeitti",
        "^",
        "(",
        ":*",
    ],
)
def test_search_syntax_typed_by_people_never_breaks_the_list(client: FormClient, texts: Process, query: str) -> None:
    found = titles(client, texts, q=query)
    if query_words(query) == ["skeitti"]:
        assert found == ["Äänekäs skeittiramppi"]


def test_a_query_without_letters_lists_everything(client: FormClient, texts: Process) -> None:
    page = client.get(f"/processes/{texts.slug}/proposals", params={"q": "!!! ---"}).text
    assert page.count('<li class="proposal-card">') == 5  # the hidden one is listed with its notice


def test_query_words_are_plain_letters_and_digits() -> None:
    words = query_words('Bänk" OR näkö* title:x_y NEAR(a b) 2026')
    assert words == ["bänk", "or", "näkö", "title", "x", "y", "near", "a", "b"][:8]
    assert sqlite_match(["bänk", "or"]) == '"bänk"* "or"*'
    assert postgresql_tsquery(["bänk", "or"]) == "bänk:* & or:*"
