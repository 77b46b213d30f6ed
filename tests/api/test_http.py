"""The open data API's HTTP contract: ETags and 304, caching, paging with links.next, 400 for bad parameters,
404 (never 500) for anything that is not there, and the per-address rate limit with 429 and Retry-After."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.api import controllers
from pb.settings import Settings
from pb.web.shell import PbApp
from pb.web.throttle import Limit, MemoryCounters
from tests.api.support import BASE, Api, add_proposal, arrange
from tests.conftest import FormClient, make_process


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


async def test_an_unchanged_answer_is_not_sent_again(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arranged = await arrange(db, settings, personas)
    for path in (
        f"{BASE}/processes",
        f"{BASE}/results/{arranged.records[arranged.citywide.id].id}",
        f"{BASE}/openapi.json",
    ):
        first = api.get(path)
        tag = first.headers["etag"]
        assert tag.startswith('"') and first.headers["cache-control"].startswith("public")
        again = api.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["etag"] == tag
        # RFC 9110 13.1.2: If-None-Match compares weakly and takes a list.
        assert api.get(path, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
        assert api.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    proposal = f"{BASE}/proposals/{arranged.published.id}"
    tag = api.get(proposal).headers["etag"]
    arranged.published.support_count += 1
    db.commit()
    changed = api.get(proposal, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag


async def test_answers_can_be_used_from_any_site_and_errors_are_not_cached(
    api: Api, db: Session, personas: dict[str, User]
) -> None:
    response = api.get(f"{BASE}/processes")
    assert response.headers["access-control-allow-origin"] == "*"
    missing = api.get(f"{BASE}/processes/no-such-round")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["meta"]["license"]["identifier"] == "CC-BY-4.0"


async def test_following_links_next_walks_every_item_once(api: Api, db: Session, personas: dict[str, User]) -> None:
    process = make_process(db, open_phase="proposals")
    author = personas["aino@example.fi"]
    made = [add_proposal(db, process, author, title=f"Ehdotus {number}", body="Teksti.").id for number in range(7)]
    path: str | None = f"{BASE}/proposals?process={process.slug}&limit=3"
    seen: list[int] = []
    pages = 0
    while path is not None:
        body = api.get(path).json()
        assert body["meta"]["total"] == 7 and body["meta"]["limit"] == 3
        seen += [item["id"] for item in body["data"]]
        following = body["links"]["next"]
        path = following.removeprefix("http://testserver.local") if following else None
        pages += 1
    assert seen == made
    assert pages == 3
    last = api.get(f"{BASE}/proposals?process={process.slug}&limit=3&offset=6").json()
    assert [item["id"] for item in last["data"]] == made[6:] and last["links"]["next"] is None
    assert api.data(f"{BASE}/proposals?offset=100") == []


@pytest.mark.parametrize(
    ("query", "wrong"),
    [
        ("limit=0", ["limit"]),
        ("limit=201", ["limit"]),
        ("limit=ten&offset=-1", ["limit", "offset"]),
        ("offset=99999999999", ["offset"]),
        ("status=draft", ["status"]),
        ("district=north", ["district"]),
        ("theme=0", ["theme"]),
        ("process=Not%20A%20Slug", ["process"]),
        ("updated_since=yesterday", ["updated_since"]),
        ("updated_since=2026-02-30", ["updated_since"]),
        ("updated_since=2026-05-01T12:00Z", ["updated_since"]),
        ("limit=", ["limit"]),
        ("limit=5&limit=6", ["limit"]),
    ],
)
def test_a_wrong_parameter_is_named_in_a_400(api: Api, personas: dict[str, User], query: str, wrong: list[str]) -> None:
    response = api.get(f"{BASE}/proposals?{query}")
    assert response.status_code == 400, response.text
    assert [error["parameter"] for error in response.json()["errors"]] == wrong


def test_a_date_time_with_an_offset_is_understood_even_with_an_unencoded_plus(
    api: Api, personas: dict[str, User]
) -> None:
    assert api.get(f"{BASE}/proposals?updated_since=2026-05-01T12:00:00+02:00").status_code == 200
    assert api.get(f"{BASE}/proposals?updated_since=2026-05-01t12:00:00.1234567z").status_code == 200
    # Year 1 in Finland began in year 0 in UTC, which Python cannot hold: it means "since ever".
    assert api.get(f"{BASE}/proposals?updated_since=0001-01-01T00:00:00%2B14:00").status_code == 200
    assert api.get(f"{BASE}/proposals?updated_since=0001-01-01").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/0",
        "/proposals/99999999999999999999999",
        "/proposals/-1",
        "/proposals/1e3",
        "/projects/2147483648",
        "/results/abc",
        "/results/9/ballots.pb",
        "/budgets/1",
        "/budgets/1/ballots",
        "/processes/%C3%A4%C3%A4",
        "/processes/UPPER",
        "/processes/x/bulk.zip",
        "/panels/nobody",
    ],
)
def test_anything_that_is_not_there_is_a_404_problem(api: Api, personas: dict[str, User], path: str) -> None:
    response = api.get(BASE + path)
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_retry_after_counts_down_to_the_end_of_the_addresss_window(
    app: PbApp, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(controllers, "API_LIMIT", Limit("api-test", 2, 2, 120))
    clock = [1000.0]
    counters = app.state.services.throttle.backend
    assert isinstance(counters, MemoryCounters)
    counters.clock = lambda: clock[0]
    for _ in range(2):
        assert api.get(f"{BASE}/processes").status_code == 200
    clock[0] = 1100.5  # the window opened at 1000 and ends at 1120
    assert api.get(f"{BASE}/processes").headers["retry-after"] == "20"
    clock[0] = 1120.0  # over: the address starts a new window
    assert api.get(f"{BASE}/processes").status_code == 200


def test_too_many_requests_from_one_address_get_429_with_retry_after(
    api: Api, client: FormClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(controllers, "API_LIMIT", Limit("api-test", 3, 3, 120))
    for _ in range(3):
        assert api.get(f"{BASE}/processes").status_code == 200
    refused = api.get(f"{BASE}/processes")
    assert refused.status_code == 429
    assert 119 <= int(refused.headers["retry-after"]) <= 120
    assert refused.json()["status"] == 429
    # Every API address counts against the same limit; the site's pages do not.
    assert api.get(f"{BASE}/panels").status_code == 429
    assert client.get("/processes").status_code == 200
