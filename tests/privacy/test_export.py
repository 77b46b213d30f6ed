"""Downloading one's own data (issue 7: "a resident downloads everything pb holds about them (JSON, with a readme
explaining each field)"; GDPR Art. 15 and 20), and nobody else's."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.privacy.export import ANOTHER_PERSON, README_TEXTS
from pb.settings import Settings
from pb.voting.models import Ballot
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, SIXTEN
from tests.privacy.support import SIXTEN_TEXT, arrange


def download(client: FormClient, language: str = "en") -> tuple[Any, dict[str, Any]]:
    response = client.get(f"/account/data?lang={language}")
    assert response.status_code == 200, response.text
    return response, json.loads(response.content)


def test_the_download_holds_ainos_account_content_and_participation(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    _response, data = download(client)

    assert data["account"]["email"] == AINO.email and data["account"]["display_name"] == AINO.name
    assert [role["role"] for role in data["roles"]] == ["resident"]
    titles = {item["title"]: item for item in data["proposals"]}
    assert set(titles) == {"Penkit rantaan", "Luonnos: kukkapenkki", "Yhteinen ehdotus"}, "drafts included"
    assert titles["Penkit rantaan"]["images"][0]["data_base64"] == "cG5n"
    assert [item["title"] for item in data["coauthorships"]] == ["Sixtens förslag"]
    assert {item["body"] for item in data["comments"]} == {"Hyvä idea, Sixten.", "Lisään tähän suunnitelman."}
    assert [item["comment_id"] for item in data["comment_upvotes"]] == [history.sixten_comment.id]
    assert [item["title"] for item in data["supports"]] == ["Sixtens förslag"]
    assert [item["title"] for item in data["follows"]] == ["Sixtens förslag"]
    assert {item["details"] for item in data["reports_made"]} == {
        "Aino: tämä on sivuraiteella.",
        "Aino ilmoittaa Sixtenistä.",
    }
    assert {(item["target_type"], item["reason"]) for item in data["reports_about_you"]} == {
        ("comment", "spam"),
        ("user", "offensive"),
    }
    assert [block["reason"] for block in data["blocks"]] == ["Kolme varoitusta."]
    assert data["notification_settings"] == {"proposal_status": True, "new_comments": True, "ballot_summary": False}
    [proof] = data["eligibility_proofs"]
    assert len(proof["person_key"]) == 64 and proof["birth_date"] == "1990-05-15"
    [voted] = data["voting_participation"]
    assert (voted["budget_id"], voted["channel"]) == (history.round.citywide.id, "online")
    assert [entry["action"] for entry in data["audit_log"]] == ["user.roles_changed"]


def test_the_download_names_nobody_else(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arrange(db, settings, personas, client)
    response, data = download(client)
    text = response.content.decode()

    for other in (SIXTEN, ANNA):
        assert other.email not in text and other.name not in text
    assert "naapuri@example.fi" not in text, "an address Aino invited is that person's data"
    assert "Sixten anmäler" not in text and "Sixten: reklam" not in text, "reporters' words are theirs"
    assert SIXTEN_TEXT not in text, "another person's proposal text"
    assert "10.0.0.9" not in text, "a staff member's network address"
    shared = next(item for item in data["proposals"] if item["title"] == "Yhteinen ehdotus")
    assert shared["coauthors"] == [{"who": ANOTHER_PERSON, "accepted": True}]
    reported_user = next(item for item in data["reports_made"] if item["target_type"] == "user")
    assert reported_user["target_id"] == ANOTHER_PERSON
    assert all(item["reported_by"] == ANOTHER_PERSON for item in data["reports_about_you"])
    assert all(entry["done_by"] == ANOTHER_PERSON for entry in data["audit_log"])
    assert str(personas[SIXTEN.email].id) not in {entry["object_id"] for entry in data["audit_log"]}


def test_the_download_holds_no_ballot_and_the_readme_says_why(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    history = arrange(db, settings, personas, client)
    response, data = download(client)
    text = response.content.decode()

    ballot = db.scalar(select(Ballot).where(Ballot.budget_id == history.round.citywide.id))
    assert ballot is not None
    assert ballot.id not in text and ballot.link not in text
    assert hashlib.sha256(history.receipt.encode()).hexdigest() not in text and history.receipt not in text
    assert '"choices"' not in text, "no ballot choices under any key"
    assert "secrecy of the vote" in data["readme"]["ballots"]


def test_every_part_of_the_download_is_explained_in_the_readme(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    arrange(db, settings, personas, client)
    _response, data = download(client)
    metadata = {"format", "version", "generated_at", "service", "language", "readme"}
    assert set(data) - metadata <= set(data["readme"]), "a section without an explanation"
    assert set(data["readme"]) == set(README_TEXTS)
    assert "Esimerkkilä" in data["readme"]["about"]


def test_the_readme_is_in_the_language_of_the_page(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    _response, finnish = download(client, "fi")
    _response, english = download(client, "en")
    assert finnish["language"] == "fi" and english["language"] == "en"
    assert english["readme"]["ballots"] == README_TEXTS["ballots"]


def test_the_file_is_an_attachment_that_no_cache_keeps(client: FormClient, personas: dict[str, User]) -> None:
    client.log_in(SIXTEN)
    response, data = download(client)
    assert response.headers["content-disposition"].startswith('attachment; filename="pb-my-data-')
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"].startswith("application/json")
    assert data["account"]["email"] == SIXTEN.email and data["proposals"] == []


def test_an_anonymous_visitor_is_sent_to_log_in(client: FormClient) -> None:
    response = client.get("/account/data", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
