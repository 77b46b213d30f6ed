"""A group's setup (issue 6, Registry): the group itself, the list of experience areas its coordinators keep
(service areas, retired but never taken from those who chose them), the consent texts in versions, and who
coordinates it (an administrator who adds themselves is in the audit log)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.models import (
    ConsentPurpose,
    ConsentText,
    ExperienceArea,
    ExpertConsent,
    ExpertGroup,
    ExpertGroupCoordinator,
)
from tests.conftest import FormClient
from tests.experts.personas import EEVA, ELIAS, KAISA
from tests.experts.support import Arranged, another_assignment, audit, profile
from tests.personas import AINO, ANNA, Persona


def as_(client: FormClient, persona: Persona) -> FormClient:
    client.cookies.clear()
    client.log_in(persona)
    return client


def test_a_coordinator_sets_up_a_group_with_areas_and_consent_texts(
    client: FormClient, db: Session, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    unnamed = client.submit("/coordinator/groups", {"name_fi": "", "name_sv": "Barnskydd"})
    assert unnamed.status_code == 422 and 'id="name_fi-error"' in unnamed.text
    created = client.submit("/coordinator/groups", {"name_fi": "Lastensuojelu", "name_sv": "Barnskydd"})
    assert created.status_code == 303
    group = db.scalars(select(ExpertGroup).where(ExpertGroup.name_fi == "Lastensuojelu")).one()
    assert created.headers["location"] == f"/coordinator/groups/{group.id}"
    # The coordinator who creates a group coordinates it.
    coordinators = db.scalars(select(ExpertGroupCoordinator).where(ExpertGroupCoordinator.group_id == group.id))
    assert [item.user_id for item in coordinators] == [people[KAISA.email].id]

    base = f"/coordinator/groups/{group.id}"
    nameless = client.submit(f"{base}/areas", {"area_fi": "", "area_en": "Foster care"})
    assert nameless.status_code == 422 and 'id="area_fi-error"' in nameless.text
    assert client.submit(f"{base}/areas", {"area_fi": "Sijaishuolto", "area_en": "Foster care"}).status_code == 303
    assert client.submit(f"{base}/areas", {"area_fi": "Jälkihuolto"}).status_code == 303
    areas = db.scalars(select(ExperienceArea).where(ExperienceArea.group_id == group.id)).all()
    assert [(area.name_fi, area.name_en, area.position) for area in areas] == [
        ("Sijaishuolto", "Foster care", 0),
        ("Jälkihuolto", "", 1),
    ]

    empty = client.submit(f"{base}/consent-texts", {"purpose": "registry", "consent_fi": ""})
    assert empty.status_code == 422 and 'id="registry-consent_fi-error"' in empty.text
    unknown = client.submit(f"{base}/consent-texts", {"purpose": "diagnosis", "consent_fi": "Teksti"})
    assert unknown.status_code == 422
    for text in ("Ensimmäinen teksti.", "Toinen teksti."):
        saved = client.submit(f"{base}/consent-texts", {"purpose": "registry", "consent_fi": text})
        assert saved.status_code == 303
    versions = db.scalars(
        select(ConsentText).where(ConsentText.group_id == group.id).order_by(ConsentText.version)
    ).all()
    assert [(text.purpose, text.version, text.text_fi) for text in versions] == [
        ("registry", 1, "Ensimmäinen teksti."),
        ("registry", 2, "Toinen teksti."),
    ]
    assert [event.after["version"] for event in audit(db, "experts.consent_text_published")] == [1, 2]  # type: ignore[index]
    assert len(audit(db, "experts.area_added")) == 2 and audit(db, "experts.group_created")


def test_a_retired_area_is_no_longer_offered_but_experts_who_chose_it_keep_it(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    substance = group.areas[1]  # Eeva chose it; Elias did not
    as_(client, KAISA)
    retired = client.submit(f"/coordinator/groups/{group.group.id}/areas/{substance.id}/retire")
    assert retired.status_code == 303
    second = another_assignment(db, group.group)
    find = client.get(f"/coordinator/assignments/{second.id}").text
    assert f'id="area-{substance.id}"' not in find and f'id="area-{group.areas[0].id}"' in find

    # Eeva still has it, and may keep it when she saves her details.
    as_(client, EEVA)
    page = client.get(f"/experts/{group.eeva.id}/profile").text
    assert f'id="area-{substance.id}" name="areas" value="{substance.id}" checked' in page
    kept = client.submit(f"/experts/{group.eeva.id}/profile", profile([group.areas[0].id, substance.id]))
    assert kept.status_code == 303, kept.text
    # Elias is no longer offered it, and cannot choose it by posting its number.
    as_(client, ELIAS)
    assert f'id="area-{substance.id}"' not in client.get(f"/experts/{group.elias.id}/profile").text
    refused = client.submit(f"/experts/{group.elias.id}/profile", profile([group.areas[0].id, substance.id]))
    assert refused.status_code == 422 and 'id="areas-error"' in refused.text


def test_a_new_version_of_a_consent_text_keeps_the_consent_given_and_asks_again(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    client.submit(
        f"/coordinator/groups/{group.group.id}/consent-texts", {"purpose": "contact", "consent_fi": "Uusi teksti."}
    )
    second = another_assignment(db, group.group)
    # The consent given to version 1 still holds: Eeva can still be found for assignments.
    assert EEVA.name in client.get(f"/coordinator/assignments/{second.id}?searched=1").text

    as_(client, EEVA)
    page = client.get(f"/experts/{group.eeva.id}/consents?lang=en").text
    assert "The text has changed since you agreed." in page and "Uusi teksti." in page
    agreed = client.submit(f"/experts/{group.eeva.id}/consents/contact", {"agree": "yes", "version": "2"})
    assert agreed.status_code == 303
    db.expire_all()
    consents = db.scalars(
        select(ExpertConsent)
        .where(ExpertConsent.expert_id == group.eeva.id, ExpertConsent.purpose == ConsentPurpose.CONTACT)
        .order_by(ExpertConsent.id)
    ).all()
    # The record keeps both: version 1, ended when version 2 was agreed to, and version 2 in force.
    assert [(consent.consent_text.version, consent.withdrawn_at is None) for consent in consents] == [
        (1, False),
        (2, True),
    ]


def test_an_administrator_sees_a_groups_people_only_after_adding_themselves_which_is_logged(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    registry = f"/coordinator/groups/{group.group.id}/experts"
    as_(client, ANNA)
    assert client.get(registry).status_code == 404
    # Only someone with the coordinator or administrator role can be added.
    resident = client.submit(f"/coordinator/groups/{group.group.id}/coordinators", {"email": AINO.email})
    assert resident.status_code == 422 and 'id="email-error"' in resident.text
    added = client.submit(f"/coordinator/groups/{group.group.id}/coordinators", {"email": ANNA.email})
    assert added.status_code == 303
    event = audit(db, "experts.coordinator_added")[-1]
    assert (event.actor_id, event.object_id, event.after) == (
        people[ANNA.email].id,
        str(group.group.id),
        {"user_id": people[ANNA.email].id},
    )
    assert client.get(registry).status_code == 200
    assert [event.actor_id for event in audit(db, "experts.registry_viewed")] == [people[ANNA.email].id]
