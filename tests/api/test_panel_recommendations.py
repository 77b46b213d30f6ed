"""A panel's recommendations and the council's answers in the open data API: what the panel's public page shows,
once it shows it, and nobody's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.panels.work_models import CouncilResponse, ResponseUpdate
from pb.settings import Settings
from tests.api.panel_support import (
    COMMENT_SECRET,
    EARLIER_WORDING,
    MEMBER_NAMES,
    MINORITY,
    PROGRESS,
    REASONING,
    Finished,
    finished_panel,
)
from tests.api.support import BASE, Api, arrange
from tests.conftest import FormClient
from tests.personas import ALL, ANNA


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


async def arrange_finished(
    db: Session, settings: Settings, personas: dict[str, User], *, published: bool = True
) -> Finished:
    """The API tests' round and recruiting panel, and beside them a finished panel (the council's answers are
    recorded by Anna, the admin)."""
    arranged = await arrange(db, settings, personas)
    facilitator = db.get_one(User, arranged.panel.facilitators[0].user_id)
    return finished_panel(db, facilitator, personas[ANNA.email], published=published)


def moment(days_from_now: float) -> str:
    return (utcnow() + timedelta(days=days_from_now)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_a_published_recommendation_comes_with_the_councils_answer_and_its_progress(
    api: Api, client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    finished = await arrange_finished(db, settings, personas)
    slug = finished.panel.slug

    panel = api.data(f"{BASE}/panels/{slug}")
    items = api.data(panel["links"]["recommendations"].removeprefix("http://testserver.local"))

    assert panel["recommendations_published"] is True and panel["response_published_at"] is not None
    assert [(item["number"], item["title"]) for item in items] == [
        (1, "Penkkejä torille"),
        (2, "Pyöräparkki asemalle"),
    ]
    benches = items[0]
    assert benches["id"] == finished.benches.id and benches["panel"] == slug
    assert benches["body"] == "Penkkejä torille: lopullinen teksti." and benches["versions"] == 2
    # The page's distribution, every count as shown there: 5, 4, 4, 4, 2, 1 -> 4 of 6 agree or strongly agree.
    assert benches["support"] == {
        "votes": 6,
        "distribution": {"strongly_disagree": 1, "disagree": 1, "neither": 0, "agree": 3, "strongly_agree": 1},
        "share": pytest.approx(4 / 6),
        "level": "supported",
    }
    assert benches["minority_statements"] == [{"text": MINORITY}]
    answer = benches["council_response"]
    assert answer["decision"] == "partly" and answer["reasoning"] == REASONING
    assert answer["responsible_body"] == "Kaupunkiympäristö" and answer["deadline"] == "2026-12-31"
    assert answer["decision_reference"] == "Kvalt 12.5.2026 § 45"
    assert answer["published_at"] == panel["response_published_at"]
    assert answer["progress"] == [{"on": "2026-09-01", "text": PROGRESS}]
    assert items[1]["council_response"]["decision"] == "rejected" and items[1]["support"]["level"] == "strong"
    assert benches["links"]["page"] == f"http://testserver.local/panels/{slug}#recommendation-{finished.benches.id}"
    # The same rule as the panel's public page, which shows the same answer.
    assert REASONING in client.get(f"/panels/{slug}?lang=en").text


async def test_answers_are_found_by_decision_and_by_when_they_changed(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    finished = await arrange_finished(db, settings, personas)
    path = f"{BASE}/panels/{finished.panel.slug}/recommendations"
    assert [item["title"] for item in api.data(f"{path}?decision=partly")] == ["Penkkejä torille"]
    assert api.data(f"{path}?decision=unanswered") == []
    assert api.data(f"{path}?updated_since={moment(-1)}") == []

    answer = db.scalars(select(CouncilResponse).where(CouncilResponse.recommendation_id == finished.bicycles.id)).one()
    answer.updates.append(ResponseUpdate(on=utcnow().date(), text="Paikka etsitään uudelleen."))
    db.commit()

    changed = api.data(f"{path}?updated_since={moment(-1)}")
    assert [item["title"] for item in changed] == ["Pyöräparkki asemalle"]
    assert changed[0]["council_response"]["updated_at"] > changed[0]["council_response"]["published_at"]
    page = api.get(f"{path}?limit=1&offset=1").json()
    assert page["meta"]["total"] == 2 and [item["number"] for item in page["data"]] == [2]
    assert page["meta"]["license"]["identifier"] == "CC-BY-4.0"
    wrong = api.get(f"{path}?decision=maybe&updated_since=yesterday")
    assert wrong.status_code == 400
    assert [item["parameter"] for item in wrong.json()["errors"]] == ["decision", "updated_since"]


async def test_an_unchanged_list_is_not_sent_again_and_may_be_cached(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    finished = await arrange_finished(db, settings, personas)
    path = f"{BASE}/panels/{finished.panel.slug}/recommendations"
    first = api.get(path)
    assert first.headers["cache-control"] == "public, max-age=60"
    assert api.get(path, headers={"If-None-Match": first.headers["etag"]}).status_code == 304


async def test_draft_recommendations_and_unpublished_answers_are_not_published(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    finished = await arrange_finished(db, settings, personas, published=False)
    path = f"{BASE}/panels/{finished.panel.slug}/recommendations"
    # Final recommendations are public; the council's recorded answers are not, until it publishes them.
    items = api.data(path)
    assert [item["council_response"] for item in items] == [None, None]
    assert REASONING not in api.get(path).text and PROGRESS not in api.get(path).text
    assert [item["number"] for item in api.data(f"{path}?decision=unanswered")] == [1, 2]
    assert api.data(f"{BASE}/panels/{finished.panel.slug}")["response_published_at"] is None

    # While the members still vote, the recommendations are drafts: the public page shows none of them.
    finished.panel.recommendations_stage = "voting"
    db.commit()
    assert api.data(path) == []
    assert "Penkkejä torille" not in api.get(path).text
    assert api.data(f"{BASE}/panels/{finished.panel.slug}")["recommendations_published"] is False

    # An unpublished panel, and one that does not exist, have nothing at all.
    finished.panel.recommendations_stage = "final"
    finished.panel.is_published = False
    db.commit()
    assert api.get(path).status_code == 404
    assert api.get(f"{BASE}/panels/tuleva-raati/recommendations").status_code == 404
    assert api.get(f"{BASE}/panels/Not%20a%20slug/recommendations").status_code == 404


async def test_no_answer_names_a_member_or_shows_their_comments_or_earlier_wordings(
    api: Api, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    finished = await arrange_finished(db, settings, personas)
    secrets = [*MEMBER_NAMES, EARLIER_WORDING, COMMENT_SECRET, "Fanni Fasilitaattori", "fanni@example.fi"]
    secrets += [member.pseudonym for member in finished.members]
    secrets += [persona.email for persona in ALL] + [persona.name for persona in ALL]
    for path in (
        f"{BASE}/panels",
        f"{BASE}/panels/{finished.panel.slug}",
        f"{BASE}/panels/{finished.panel.slug}/recommendations",
    ):
        text = api.get(path).text
        for secret in secrets:
            assert secret not in text, (path, secret)
