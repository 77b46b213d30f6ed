"""The registry: an invitation by email, the expert's own consents and profile, withdrawing a consent (effective
at once) and leaving the registry (contact data and input deleted, the rest kept under the pseudonym only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.models import (
    AssignmentInvitation,
    ConsentPurpose,
    Expert,
    ExpertConsent,
    ExpertIdentity,
    ExpertInput,
    ExpertPaymentDetails,
    ExpertStatus,
    InvitationResponse,
    Summary,
)
from tests.conftest import FormClient, Mailbox
from tests.experts.personas import EEVA, ELIAS, KAISA
from tests.experts.support import Arranged, add_expert, another_assignment, audit, invite, profile
from tests.personas import AINO


def test_an_invited_resident_joins_gives_consent_and_fills_in_their_own_profile(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User], mailbox: Mailbox
) -> None:
    client.log_in(KAISA)
    sent = client.submit(f"/coordinator/groups/{group.group.id}/experts", {"email": AINO.email, "language": "fi"})
    assert sent.status_code == 303, sent.text
    link = mailbox.link_in_last_to(AINO.email)
    token_path = re.sub(r"^https?://[^/]+", "", link)
    assert token_path.startswith("/experts/join/")
    invited = db.scalars(select(ExpertIdentity).where(ExpertIdentity.email == AINO.email)).one()
    # Only the hash of the emailed token is stored.
    assert invited.invitation_hash and invited.invitation_hash not in link

    client.cookies.clear()
    client.log_in(AINO)
    assert client.get(token_path).status_code == 200
    joined = client.submit(token_path)
    assert joined.status_code == 303
    expert_id = invited.expert_id
    assert joined.headers["location"] == f"/experts/{expert_id}/consents"
    # The link works once.
    assert client.get(token_path).status_code == 404

    # Without the registry consent, the profile cannot be saved.
    blocked = client.submit(f"/experts/{expert_id}/profile", profile([group.areas[0].id]))
    assert blocked.status_code == 422
    consent = client.submit(f"/experts/{expert_id}/consents/registry", {"agree": "yes", "version": "1"})
    assert consent.headers["location"] == f"/experts/{expert_id}/profile"
    saved = client.submit(f"/experts/{expert_id}/profile", profile([group.areas[0].id, group.areas[2].id]))
    assert saved.status_code == 303, saved.text

    db.expire_all()
    expert = db.get(Expert, expert_id)
    assert expert is not None and expert.status == ExpertStatus.ACTIVE
    assert expert.area_ids == {group.areas[0].id, group.areas[2].id}
    assert expert.languages == ["fi", "sv"] and expert.availability == ["weekday_evening"]
    identity = db.get(ExpertIdentity, expert_id)
    assert identity is not None and identity.user_id == people[AINO.email].id and identity.phone == "040 765 4321"
    payment = db.get(ExpertPaymentDetails, expert_id)
    assert payment is not None and payment.withholding_basis_points == 2550
    consent_row = db.scalars(select(ExpertConsent).where(ExpertConsent.expert_id == expert_id)).one()
    assert (consent_row.purpose, consent_row.consent_text_id) == ("registry", group.texts[ConsentPurpose.REGISTRY].id)
    # The audit log records the steps by number, without the address or the name.
    events = audit(db, "experts.invited") + audit(db, "experts.profile_saved")
    assert events and all(AINO.email not in str(event.after) and "Aino" not in str(event.after) for event in events)


def test_the_profile_form_names_each_problem_and_has_no_diagnosis_field(
    client: FormClient, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(EEVA)
    page = client.get(f"/experts/{group.eeva.id}/profile").text
    # Data minimisation (GDPR Art. 5(1)(c)): exactly these fields, and none about health.
    form = page[page.index('action="/experts/') :]
    names = set(re.findall(r'name="([a-z_]+)"', form))
    assert names == {
        "_csrf_token", "name", "email", "phone", "preferred_language", "areas", "trained", "training_details",
        "languages", "other_languages", "availability", "remote_ok", "unavailable_until", "access_needs",
        "fee_preference", "withholding", "association_name", "has_earnings_limit", "earnings_limit",
    }  # fmt: skip
    bad = client.submit(
        f"/experts/{group.eeva.id}/profile",
        profile([], email="not-an-address", withholding="140", fee_preference="association", association_name=""),
    )
    assert bad.status_code == 422
    for field in ("areas", "email", "association_name"):
        assert f'id="{field}-error"' in bad.text, field


def test_an_area_from_another_group_cannot_be_chosen(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    from pb.experts.models import ExperienceArea

    foreign = ExperienceArea(group_id=group.other_group.id, name_fi="Sijaishuolto")
    db.add(foreign)
    db.commit()
    client.log_in(EEVA)
    response = client.submit(f"/experts/{group.eeva.id}/profile", profile([foreign.id], name=EEVA.name))
    assert response.status_code == 422 and 'id="areas-error"' in response.text


def test_withdrawing_the_contact_consent_takes_the_expert_out_of_searches_at_once(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    area = group.areas[0].id
    client.log_in(KAISA)
    before = client.get(f"/coordinator/assignments/{group.assignment.id}?searched=1&area={area}")
    newcomer = add_expert(db, group.group, None, "Noora Uusi", "noora@example.fi", [group.areas[0]], group.texts)
    pending = invite(db, group.assignment, newcomer, accepted=False)
    assert "Noora Uusi" not in before.text  # not in the registry yet when searched

    client.cookies.clear()
    client.log_in(EEVA)
    withdrawn = client.submit(f"/experts/{group.eeva.id}/consents/contact/withdraw")
    assert withdrawn.status_code == 303

    # A third expert who can be contacted is found; Eeva, who withdrew, is not offered for a new assignment.
    other = add_expert(db, group.group, None, "Olli Haettava", "olli@example.fi", [group.areas[0]], group.texts)
    second = another_assignment(db, group.group)
    client.cookies.clear()
    client.log_in(KAISA)
    found = client.get(f"/coordinator/assignments/{second.id}?searched=1&area={area}").text
    assert "Olli Haettava" in found and ELIAS.name in found
    assert EEVA.name not in found
    # Inviting her by posting her number anyway is refused: consent is checked again when inviting. The search
    # results come back with the message beside them, and the others ticked stay ticked.
    refused = client.submit(
        f"/coordinator/assignments/{second.id}/invitations?searched=1&area={area}",
        {"expert": [str(group.eeva.id), str(other.id)]},
    )
    assert refused.status_code == 422 and 'id="expert-error"' in refused.text
    assert f'value="{other.id}" checked' in refused.text and EEVA.name not in refused.text
    assert db.scalars(select(AssignmentInvitation).where(AssignmentInvitation.assignment_id == second.id)).all() == []
    assert other.id != pending.id


def test_withdrawing_the_contact_consent_cancels_invitations_not_yet_answered(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    invitation = db.get(AssignmentInvitation, group.eeva_invitation.id)
    assert invitation is not None
    invitation.response = InvitationResponse.PENDING
    db.commit()
    client.log_in(EEVA)
    client.submit(f"/experts/{group.eeva.id}/consents/contact/withdraw")
    db.expire_all()
    assert db.get(AssignmentInvitation, group.eeva_invitation.id).response == InvitationResponse.CANCELLED  # type: ignore[union-attr]
    page = client.get(f"/experts/{group.eeva.id}/consents").text
    assert "Withdraw this consent" not in page or page.count("Withdraw this consent") == 1  # only "named" left


def test_an_expired_consent_is_not_in_force(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    consent = db.scalars(
        select(ExpertConsent).where(ExpertConsent.expert_id == group.eeva.id, ExpertConsent.purpose == "contact")
    ).one()
    second = another_assignment(db, group.group)
    client.log_in(KAISA)
    assert EEVA.name in client.get(f"/coordinator/assignments/{second.id}?searched=1").text
    consent.expires_on = date.today() - timedelta(days=1)
    db.commit()
    assert EEVA.name not in client.get(f"/coordinator/assignments/{second.id}?searched=1").text


def test_a_consent_cannot_expire_in_the_past(client: FormClient, group: Arranged, people: dict[str, User]) -> None:
    client.log_in(EEVA)
    client.submit(f"/experts/{group.eeva.id}/consents/named/withdraw")
    response = client.submit(
        f"/experts/{group.eeva.id}/consents/named", {"agree": "yes", "version": "1", "expires_on": "1.1.2000"}
    )
    assert response.status_code == 422 and 'id="named-expires_on-error"' in response.text


def test_leaving_the_registry_deletes_contact_data_and_input_and_marks_drafts_for_revision(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    summary = Summary(assignment_id=group.assignment.id, themes="Teemat", revision=1, content_sha256="x")
    db.add(summary)
    db.commit()
    client.log_in(EEVA)
    refused = client.submit(f"/experts/{group.eeva.id}/leave", {})
    assert refused.status_code == 422
    left = client.submit(f"/experts/{group.eeva.id}/leave", {"confirm": "yes"})
    assert left.status_code == 303

    db.expire_all()
    assert db.get(ExpertIdentity, group.eeva.id) is None
    assert db.get(ExpertPaymentDetails, group.eeva.id) is None
    assert db.scalars(select(ExpertInput).where(ExpertInput.expert_id == group.eeva.id)).all() == []
    expert = db.get(Expert, group.eeva.id)
    assert expert is not None and expert.status == ExpertStatus.WITHDRAWN and expert.area_ids == set()
    # Kept under the pseudonym: the consent record, now all ended.
    consents = db.scalars(select(ExpertConsent).where(ExpertConsent.expert_id == group.eeva.id)).all()
    assert consents and all(consent.withdrawn_at is not None for consent in consents)
    assert db.get(Summary, summary.id).revision_required  # type: ignore[union-attr]
    # Elias's input is untouched; Eeva can no longer reach her old pages.
    assert db.scalars(select(ExpertInput).where(ExpertInput.expert_id == group.elias.id)).all()
    assert client.get(f"/experts/{group.eeva.id}/profile").status_code == 404
    event = audit(db, "experts.withdrawn")[-1]
    assert event.after is not None and event.after["inputs_deleted"] == 1
    # The coordinator sees the entry as gone, without a name.
    client.cookies.clear()
    client.log_in(KAISA)
    registry = client.get(f"/coordinator/groups/{group.group.id}/experts").text
    assert "KA-EEVA22" in registry and EEVA.name not in registry


def test_viewing_the_registry_and_an_expert_is_audit_logged(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(KAISA)
    client.get(f"/coordinator/groups/{group.group.id}/experts")
    client.get(f"/coordinator/experts/{group.eeva.id}")
    viewed = audit(db, "experts.registry_viewed")
    assert [(event.actor_id, event.object_id) for event in viewed] == [(people[KAISA.email].id, str(group.group.id))]
    assert [event.object_id for event in audit(db, "experts.expert_viewed")] == [str(group.eeva.id)]


def test_the_coordinator_never_sees_the_private_earnings_limit(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    payment = db.get(ExpertPaymentDetails, group.eeva.id)
    assert payment is not None
    payment.has_earnings_limit = True
    payment.earnings_limit_cents = 123_456
    db.commit()
    client.log_in(KAISA)
    page = client.get(f"/coordinator/experts/{group.eeva.id}").text
    assert "1 234,56" not in page and "1,234.56" not in page and "earnings limit" not in page.lower()


def test_deleting_the_account_can_take_the_person_out_of_every_registry_in_one_transaction(
    db: Session, database_url: str, group: Arranged, people: dict[str, User]
) -> None:
    import asyncio

    from pb.db import Database
    from pb.experts.registry import withdraw_everywhere

    async def run() -> int:
        database = Database.connect(database_url)
        try:
            async with database.sessionmaker() as session:
                user = await session.get(User, people[EEVA.email].id)
                assert user is not None
                left = await withdraw_everywhere(session, user, "test")
                # Nothing is committed until the caller (account deletion) commits its one transaction.
                await session.rollback()
                user = await session.get(User, people[EEVA.email].id)
                assert user is not None
                left = await withdraw_everywhere(session, user, "test")
                await session.commit()
                return left
        finally:
            await database.engine.dispose()

    assert asyncio.run(run()) == 1
    db.expire_all()
    assert db.scalars(select(ExpertIdentity).where(ExpertIdentity.user_id == people[EEVA.email].id)).all() == []
    assert db.get(Expert, group.eeva.id).status == ExpertStatus.WITHDRAWN  # type: ignore[union-attr]
    assert db.get(ExpertIdentity, group.elias.id) is not None


def test_consent_is_recorded_to_the_version_the_expert_read(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    client.log_in(EEVA)
    client.submit(f"/experts/{group.eeva.id}/consents/named/withdraw")
    # Version 1 is on Eeva's screen when the coordinator publishes version 2.
    client.cookies.clear()
    client.log_in(KAISA)
    client.submit(f"/coordinator/groups/{group.group.id}/consent-texts", {"purpose": "named", "consent_fi": "Uusi."})
    client.cookies.clear()
    client.log_in(EEVA)
    stale = client.submit(f"/experts/{group.eeva.id}/consents/named", {"agree": "yes", "version": "1"})
    # GDPR Art. 7(1): agreeing to version 1 must not be recorded as agreeing to a version 2 never read.
    assert stale.status_code == 422 and 'id="named-agree-error"' in stale.text and "Uusi." in stale.text
    db.expire_all()
    named = select(ExpertConsent).where(ExpertConsent.expert_id == group.eeva.id, ExpertConsent.purpose == "named")
    assert all(consent.withdrawn_at is not None for consent in db.scalars(named))
    assert (
        client.submit(f"/experts/{group.eeva.id}/consents/named", {"agree": "yes", "version": "2"}).status_code == 303
    )
    db.expire_all()
    in_force = [consent for consent in db.scalars(named) if consent.withdrawn_at is None]
    assert [consent.consent_text.version for consent in in_force] == [2]


def test_an_expired_invitation_can_be_sent_again_and_only_the_new_link_works(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User], mailbox: Mailbox
) -> None:
    client.log_in(KAISA)
    client.submit(f"/coordinator/groups/{group.group.id}/experts", {"email": AINO.email, "language": "fi"})
    old_link = re.sub(r"^https?://[^/]+", "", mailbox.link_in_last_to(AINO.email))
    identity = db.scalars(select(ExpertIdentity).where(ExpertIdentity.email == AINO.email)).one()
    identity.invitation_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.commit()
    client.cookies.clear()
    client.log_in(AINO)
    assert client.get(old_link).status_code == 404  # too old

    client.cookies.clear()
    client.log_in(KAISA)
    assert client.submit(f"/coordinator/experts/{identity.expert_id}/invitation").status_code == 303
    new_link = re.sub(r"^https?://[^/]+", "", mailbox.link_in_last_to(AINO.email))
    assert new_link != old_link and audit(db, "experts.invitation_renewed")
    client.cookies.clear()
    client.log_in(AINO)
    assert client.get(old_link).status_code == 404
    assert client.submit(new_link).status_code == 303
    # Once accepted, there is nothing to send again.
    client.cookies.clear()
    client.log_in(KAISA)
    client.submit(f"/coordinator/experts/{identity.expert_id}/invitation")
    assert len(mailbox.to(AINO.email)) == 2
