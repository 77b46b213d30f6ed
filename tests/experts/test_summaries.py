"""Anonymised summaries: the re-identification check on the draft, the sign-off by every expert whose input is
used (tied to the exact text), publishing, and the summary PDF for decision makers read back with pypdf."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.models import Attendance, SignOff, Summary, SummaryStatus
from tests.conftest import FormClient
from tests.experts.personas import DORA, EEVA, ELIAS, KAISA, KARL, VILLE
from tests.experts.support import (
    EEVA_INPUT,
    ELIAS_INPUT,
    KAISA_NOTE,
    Arranged,
    add_expert,
    audit,
    invite,
    pdf_text,
)
from tests.personas import AINO, Persona

DRAFT = {
    "themes": "Puhelinjonot ovat pitkiä.\n\nTakaisinsoitto auttaisi.",
    "recommendations": "Takaisinsoitto kaikkiin jonoihin.",
    "quotes": "”Odotin tunnin.”",
}


def as_(client: FormClient, persona: Persona) -> FormClient:
    client.cookies.clear()
    client.log_in(persona)
    return client


def draft(client: FormClient, arranged: Arranged, **overrides: str) -> None:
    as_(client, KAISA)
    response = client.submit(f"/coordinator/assignments/{arranged.assignment.id}/summary", {**DRAFT, **overrides})
    assert response.status_code == 303, response.text


def summary_of(db: Session) -> Summary:
    db.expire_all()
    return db.scalars(select(Summary)).one()


def sign(client: FormClient, persona: Persona, summary: Summary, decision: str = "approved", comment: str = "") -> Any:
    as_(client, persona)
    answer = {"decision": decision, "comment": comment, "content_sha256": summary.content_sha256}
    return client.submit(f"/experts/summaries/{summary.id}", answer)


def publish(client: FormClient, arranged: Arranged, reviewed: bool = False) -> Any:
    as_(client, KAISA)
    return client.submit(
        f"/coordinator/assignments/{arranged.assignment.id}/summary/publish", {"reviewed": "yes"} if reviewed else {}
    )


def ask(client: FormClient, arranged: Arranged) -> None:
    as_(client, KAISA)
    response = client.submit(f"/coordinator/assignments/{arranged.assignment.id}/summary/signoff")
    assert response.status_code == 303


def test_the_check_warns_about_names_contact_details_and_small_counts_in_the_draft(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group, quotes="”Eevan mielestä kolme viikkoa oli liikaa, soita 040 123 4567.”")
    summary = summary_of(db)
    kinds = {(item["kind"], item["excerpt"]) for item in summary.check_warnings}
    assert ("name", "Eevan") in kinds
    assert ("contact", "040 123 4567") in kinds
    assert ("small_count", "kolme") in kinds
    assert ("small_group", "2") in kinds  # two experts took part
    page = client.get(f"/coordinator/assignments/{group.assignment.id}/summary").text
    assert "“Eevan” looks like the name of someone in the registry." in page


def test_publishing_waits_for_every_expert_whose_input_is_used(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    assert publish(client, group, reviewed=True).status_code == 422  # nobody asked yet
    summary = summary_of(db)
    # Before being asked, the experts do not see the draft.
    assert as_(client, EEVA).get(f"/experts/summaries/{summary.id}").status_code == 404
    ask(client, group)
    assert sign(client, EEVA, summary).status_code == 303
    blocked = publish(client, group, reviewed=True)
    assert blocked.status_code == 422 and "Not every expert whose input is used has signed off" in blocked.text
    assert sign(client, ELIAS, summary, "changes", "Poista lainaus.").status_code == 303
    assert publish(client, group, reviewed=True).status_code == 422
    assert sign(client, ELIAS, summary).status_code == 303
    published = publish(client, group, reviewed=True)
    assert published.status_code == 303
    summary = summary_of(db)
    assert summary.status == SummaryStatus.PUBLISHED and summary.participant_count == 2
    event = audit(db, "experts.summary_published")[-1]
    assert event.after is not None and sorted(event.after["signed_off_by"]) == sorted([group.eeva.id, group.elias.id])
    # Published means fixed: a draft saved from a page opened earlier is refused, with the reason shown.
    as_(client, KAISA)
    late = client.submit(f"/coordinator/assignments/{group.assignment.id}/summary", DRAFT)
    assert late.status_code == 422 and 'id="themes-error"' in late.text


def test_changing_the_text_asks_everyone_again(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    draft(client, group, themes="Puhelinjonot ovat pitkiä, ja se uuvuttaa.")
    assert publish(client, group, reviewed=True).status_code == 422
    ask(client, group)
    # The earlier approvals were of another text: they no longer count.
    assert publish(client, group, reviewed=True).status_code == 422
    summary = summary_of(db)
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    assert publish(client, group, reviewed=True).status_code == 303


def test_an_answer_counts_only_for_the_text_the_expert_read(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    read = summary.content_sha256
    assert "Takaisinsoitto auttaisi." in as_(client, EEVA).get(f"/experts/summaries/{summary.id}").text
    # The coordinator edits the text and asks again while Eeva is reading the first version.
    draft(client, group, quotes="”Odotin puhelimessa pitkään.”")
    ask(client, group)
    as_(client, EEVA)
    stale = client.submit(f"/experts/summaries/{summary.id}", {"decision": "approved", "content_sha256": read})
    assert stale.status_code == 422 and 'id="decision-error"' in stale.text
    assert "Odotin puhelimessa pitkään." in stale.text  # the new text is shown to read
    assert db.scalars(select(SignOff)).all() == []
    current = summary_of(db).content_sha256
    assert current != read and sign(client, EEVA, summary_of(db)).status_code == 303
    assert [answer.content_sha256 for answer in db.scalars(select(SignOff))] == [current]


def test_warnings_must_be_gone_through_before_publishing(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    assert summary.check_warnings  # two people took part: fewer than five
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    unticked = publish(client, group)
    assert unticked.status_code == 422 and 'id="reviewed-error"' in unticked.text
    assert publish(client, group, reviewed=True).status_code == 303


def test_an_expert_who_leaves_takes_their_words_out_of_the_draft_first(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    as_(client, ELIAS).submit(f"/experts/{group.elias.id}/leave", {"confirm": "yes"})
    blocked = publish(client, group, reviewed=True)
    assert blocked.status_code == 422 and "has left the registry" in blocked.text
    draft(client, group, quotes="")
    ask(client, group)
    sign(client, EEVA, summary_of(db))
    assert publish(client, group, reviewed=True).status_code == 303


def test_an_expert_who_takes_back_their_input_sends_the_draft_back_for_revision(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    ask(client, group)
    sign(client, ELIAS, summary_of(db))
    as_(client, EEVA).submit(f"/experts/assignments/{group.eeva_invitation.id}/input/{group.eeva_input.id}/delete")
    blocked = publish(client, group, reviewed=True)
    assert blocked.status_code == 422 and "taken back their input" in blocked.text
    # Edited and asked again, only Elias's input is used: his answer is the one needed.
    draft(client, group, quotes="")
    ask(client, group)
    assert as_(client, EEVA).get(f"/experts/summaries/{summary_of(db).id}").status_code == 404
    sign(client, ELIAS, summary_of(db))
    assert publish(client, group, reviewed=True).status_code == 303


@pytest.fixture
def published(client: FormClient, db: Session, group: Arranged, people: dict[str, User]) -> Summary:
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    assert publish(client, group, reviewed=True).status_code == 303
    return summary_of(db)


def test_the_pdf_for_decision_makers_has_what_was_asked_themes_and_names_only_with_consent(
    client: FormClient, db: Session, group: Arranged, published: Summary
) -> None:
    as_(client, DORA)
    response = client.get(f"/expert-summaries/{published.id}/pdf?lang=en")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Summary of the lived-experience experts' views" in text
    assert "Ajanvarauksen sujuvuus" in text and "Miten ajanvaraus sujuu?" in text
    assert "Puhelinjonot ovat pitkiä." in text and "Takaisinsoitto kaikkiin jonoihin." in text
    assert "Odotin tunnin." in text  # the anonymised quote
    # Two took part: no exact number under five.
    assert "Fewer than five lived-experience experts took part" in text
    # Eeva consented to be named, Elias did not; nothing confidential is in it.
    assert EEVA.name in text and ELIAS.name not in text
    for secret in (EEVA_INPUT, ELIAS_INPUT, KAISA_NOTE, "KA-EEVA22"):
        assert secret not in text

    # Eeva withdraws her consent to be named: the next PDF leaves her name out at once.
    as_(client, EEVA).submit(f"/experts/{group.eeva.id}/consents/named/withdraw")
    again = as_(client, DORA).get(f"/expert-summaries/{published.id}/pdf?lang=en")
    assert EEVA.name not in pdf_text(again.content)


def test_from_five_people_up_the_summary_gives_the_exact_number(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    for number in range(3):
        expert = add_expert(
            db, group.group, None, f"Osallistuja {number}", f"osallistuja{number}@example.fi", [], group.texts
        )
        invite(db, group.assignment, expert)
        db.add(Attendance(session_id=group.session.id, expert_id=expert.id, attended=True, minutes=90))
    db.commit()
    draft(client, group)
    ask(client, group)
    summary = summary_of(db)
    assert not [item for item in summary.check_warnings if item["kind"] == "small_group"]
    # Only the two who wrote input sign off; all five who attended are counted.
    sign(client, EEVA, summary)
    sign(client, ELIAS, summary)
    assert publish(client, group, reviewed=True).status_code == 303
    page = as_(client, DORA).get(f"/expert-summaries/{summary.id}?lang=en").text
    assert "5 lived-experience experts took part." in page and "Fewer than five" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [(DORA, 200), (VILLE, 200), (KAISA, 200), (AINO, 404), (KARL, 404), (EEVA, 404)],
    ids=["requester", "council-member", "coordinator", "resident", "other-coordinator", "expert"],
)
def test_published_summaries_are_for_decision_makers(
    client: FormClient, published: Summary, persona: Persona, status: int
) -> None:
    assert as_(client, persona).get(f"/expert-summaries/{published.id}").status_code == status


def test_a_draft_is_not_readable_as_a_published_summary(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    draft(client, group)
    summary = summary_of(db)
    for persona in (DORA, VILLE, KAISA):
        assert as_(client, persona).get(f"/expert-summaries/{summary.id}").status_code == 404
