"""Demo lived-experience group (issue 6): one group for mental-health and substance-abuse services, run by the demo
coordinator, with its experience areas, consent texts and seven experts (the demo resident among them), an
assignment in progress (a session held, input written, fees recorded, a draft summary waiting for sign-off), one
whose summary has been published, one a department has just requested, and one the demo resident has not
answered yet. Call after the demo accounts exist; everything goes through the services, as a coordinator would.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.accounts.services import create_user, password_hasher
from pb.experts import assignments, compensation, confidential, registry, summaries
from pb.experts import services as experts
from pb.experts.forms import (
    AssignmentDetails,
    ExpenseForm,
    InviteForm,
    ProfileForm,
    RequestForm,
    SearchForm,
    SessionForm,
    SummaryForm,
)
from pb.experts.models import (
    Assignment,
    AvailabilityTime,
    Confidentiality,
    ConsentPurpose,
    ConsentText,
    Expert,
    ExpertGroup,
    FeeBasis,
    FeePreference,
    SignOffDecision,
)
from pb.settings import Settings

DEMO_EXPERT_PASSWORD = "expert-demo-2026"
ADDRESS = "demo"
AREAS = (
    ("Aikuisten mielenterveyspalvelut", "Mentalvårdstjänster för vuxna", "Adult mental health services"),
    ("Päihdepalvelut", "Missbrukarvård", "Substance abuse services"),
    ("Nuorten mielenterveyspalvelut", "Mentalvårdstjänster för unga", "Youth mental health services"),
    ("Asumispalvelut", "Boendetjänster", "Housing services"),
    ("Omaisena läheisen palveluissa", "Som anhörig", "As a family member"),
)
CONSENT_TEXTS = {
    ConsentPurpose.REGISTRY: (
        "Tietosi (nimi, yhteystiedot, kokemusalueet, kielet ja saatavuus) tallennetaan ryhmän rekisteriin. Vain "
        "ryhmän koordinaattorit näkevät ne. Voit erota rekisteristä milloin tahansa, jolloin yhteystietosi "
        "poistetaan heti.",
        "Dina uppgifter (namn, kontaktuppgifter, erfarenhetsområden, språk och tillgänglighet) sparas i gruppens "
        "register. Endast gruppens koordinatorer ser dem. Du kan lämna registret när som helst; då raderas dina "
        "kontaktuppgifter genast.",
        "Your details (name, contact details, experience areas, languages and availability) are kept in the "
        "group's registry. Only the group's coordinators see them. You can leave the registry at any time; your "
        "contact details are then deleted at once.",
    ),
    ConsentPurpose.CONTACT: (
        "Koordinaattori voi etsiä sinut kokemusalueidesi ja saatavuutesi perusteella ja pyytää sinua tehtäviin.",
        "Koordinatorn kan hitta dig utifrån dina erfarenhetsområden och din tillgänglighet och be dig delta i uppdrag.",
        "The coordinator may find you by your experience areas and availability and ask you to take part in "
        "assignments.",
    ),
    ConsentPurpose.NAMED: (
        "Nimesi saa näkyä päättäjille tehtävissä yhteenvedoissa osallistujana. Sanomisiasi ei yhdistetä nimeesi.",
        "Ditt namn får synas som deltagare i sammanfattningar till beslutsfattare. Det du sagt kopplas inte till "
        "ditt namn.",
        "Your name may be shown as a participant in summaries for decision makers. What you said is never tied "
        "to your name.",
    ),
}
# (name, email, language, area indexes, trained, fee preference, named in reports)
PEOPLE = (
    ("Jari Lehtonen", "jari.lehtonen@example.fi", "fi", (0, 1), True, FeePreference.FEE, True),
    ("Marja Niemi", "marja.niemi@example.fi", "fi", (0, 3), True, FeePreference.ASSOCIATION, False),
    ("Sanna Korhonen", "sanna.korhonen@example.fi", "fi", (0, 4), False, FeePreference.DECLINE, False),
    ("Olli Virtanen", "olli.virtanen@example.fi", "fi", (0, 1), True, FeePreference.FEE, True),
    ("Leena Heikkilä", "leena.heikkila@example.fi", "sv", (0, 2), True, FeePreference.FEE, False),
    ("Tuomas Järvinen", "tuomas.jarvinen@example.fi", "en", (0, 3), False, FeePreference.FEE, False),
)
AGREEMENT = (
    "Pidän salassa sen, mitä kuulen tehtävässä muista ihmisistä, myös tehtävän päätyttyä. En kerro, keitä "
    "osallistui. Omista kokemuksistani saan kertoa kuten haluan."
)
INPUTS = (
    "Ajanvaraus puhelimella on vaikeaa, kun jonossa odotetaan pitkään. Takaisinsoitto auttaisi.",
    "Kun voi huonosti, lomakkeen täyttäminen netissä tuntuu ylivoimaiselta. Tarvitaan ihminen, joka auttaa.",
    "Hyvä kokemus oli, kun sama työntekijä soitti seuraavalla kerralla. Luottamus syntyi.",
    "Tekstiviestimuistutus ajasta auttoi minua muistamaan ajan.",
    "Toivoisin, että ajan voi perua helposti ilman selittelyä.",
    "Ensimmäiseen aikaan pääsy kesti kuusi viikkoa, ja se oli liian pitkä aika.",
)


async def _consents(
    db: AsyncSession, user: User, expert: Expert, texts: dict[ConsentPurpose, ConsentText], named: bool
) -> None:
    for purpose in (ConsentPurpose.REGISTRY, ConsentPurpose.CONTACT, *((ConsentPurpose.NAMED,) if named else ())):
        await registry.give_consent(db, user, expert, texts[purpose], None, ADDRESS)


async def _join(
    db: AsyncSession,
    coordinator: User,
    group: ExpertGroup,
    user: User,
    texts: dict[ConsentPurpose, ConsentText],
    areas: list[int],
    person: tuple[str, str, str, tuple[int, ...], bool, FeePreference, bool],
) -> Expert:
    name, email, language, area_indexes, trained, fee, named = person
    settings_row = await experts.registry_settings(db)
    expert, identity, _token = await registry.invite(
        db, coordinator, group, InviteForm(email, name, language), settings_row, ADDRESS
    )
    await registry.accept_invitation(db, user, expert, identity, ADDRESS)
    await _consents(db, user, expert, texts, named)
    profile = ProfileForm(
        name=name,
        email=email,
        phone="",
        preferred_language=language,
        area_ids=frozenset(areas[index] for index in area_indexes),
        trained=trained,
        training_details="Kokemusasiantuntijakoulutus, 100 tuntia" if trained else "",
        languages=(language,) if language == "fi" else (language, "fi"),
        other_languages="",
        availability=(AvailabilityTime.WEEKDAY_DAYTIME.value, AvailabilityTime.WEEKDAY_EVENING.value),
        remote_ok=True,
        unavailable_until=None,
        access_needs="",
        fee_preference=fee,
        association_name="Mielen ry" if fee is FeePreference.ASSOCIATION else "",
        withholding_basis_points=2000 if fee is FeePreference.FEE else 0,
        has_earnings_limit=False,
        earnings_limit_cents=None,
    )
    await registry.save_profile(db, user, expert, identity, profile, ADDRESS)
    return expert


def _details(topic: str, questions: str, starts: int, ends: int, today: datetime) -> AssignmentDetails:
    day = today.date()
    return AssignmentDetails(
        department="Sosiaali- ja terveyspalvelut",
        topic=topic,
        questions=questions,
        starts_on=day + timedelta(days=starts),
        ends_on=day + timedelta(days=ends),
        experts_wanted=6,
        confidentiality=Confidentiality.SECRET,
        fee_basis=FeeBasis.SESSION,
        fee_rate_cents=3000,
        agreement_text=AGREEMENT,
    )


async def _run(
    db: AsyncSession,
    coordinator: User,
    assignment: Assignment,
    people: list[tuple[User, Expert]],
    when: datetime,
    timezone: str,
) -> None:
    """Invite everyone, they accept, one session with attendance and fees, everyone writes input."""
    day = when.date()
    await assignments.invite_experts(db, coordinator, assignment, [expert.id for _, expert in people], day, ADDRESS)
    for user, _expert in people:
        own = next(item for item in await assignments.own_invitations(db, user) if item.assignment.id == assignment.id)
        await assignments.answer(db, user, own, True, ADDRESS)
    starts = datetime.combine(day, time(17), tzinfo=ZoneInfo(timezone))
    session = await assignments.add_session(
        db,
        coordinator,
        assignment,
        SessionForm("Ensimmäinen tapaaminen", starts, 120, "Kirjasto, kokoushuone 2"),
        ADDRESS,
    )
    await assignments.record_attendance(
        db, coordinator, assignment, session, {expert.id: (True, 120) for _, expert in people}, ADDRESS
    )
    await compensation.add_session_fees(db, coordinator, assignment, session, timezone, ADDRESS)
    await compensation.add_expense(
        db, coordinator, assignment, ExpenseForm(people[0][1].id, "Bussiliput", 640, day), ADDRESS
    )
    for (user, _expert), text in zip(people, INPUTS, strict=False):
        own = next(item for item in await assignments.own_invitations(db, user) if item.assignment.id == assignment.id)
        await confidential.add_input(db, user, own, text, ADDRESS)
    await confidential.add_note(
        db,
        coordinator,
        assignment,
        "Tapaamisessa käytiin läpi ajanvarauksen vaiheet. Sovittiin toisesta tapaamisesta.",
        ADDRESS,
    )


async def load_experts_demo(db: AsyncSession, users: dict[str, User], settings: Settings | None = None) -> None:
    settings = settings or Settings()
    coordinator = users["coordinator"]
    resident = users["resident"]
    tz = settings.timezone
    now = datetime.now(ZoneInfo(tz))
    group = await experts.create_group(
        db,
        coordinator,
        {
            "fi": "Mielenterveys- ja päihdepalvelujen kokemusasiantuntijat",
            "sv": "Erfarenhetsexperter inom mentalvård och missbrukarvård",
            "en": "Lived-experience experts in mental health and substance abuse services",
        },
        ADDRESS,
    )
    for fi, sv, en in AREAS:
        await experts.add_area(db, coordinator, group, {"fi": fi, "sv": sv, "en": en}, ADDRESS)
    areas = [area.id for area in group.areas]
    texts: dict[ConsentPurpose, ConsentText] = {}
    for purpose, (fi, sv, en) in CONSENT_TEXTS.items():
        texts[purpose] = await experts.publish_consent_text(
            db, coordinator, group, purpose, {"fi": fi, "sv": sv, "en": en}, ADDRESS
        )

    hasher = password_hasher(settings)
    people: list[tuple[User, Expert]] = []
    aino = await _join(
        db,
        coordinator,
        group,
        resident,
        texts,
        areas,
        (resident.display_name, resident.email, "fi", (0, 3), True, FeePreference.FEE, True),
    )
    people.append((resident, aino))
    for person in PEOPLE:
        user = await create_user(
            db,
            hasher,
            email=person[1],
            password=DEMO_EXPERT_PASSWORD,
            display_name=person[0],
            roles={Role.RESIDENT},
            language=person[2],
        )
        people.append((user, await _join(db, coordinator, group, user, texts, areas, person)))
    # Invited by email, not yet answered: the registry holds only the address until the invitation is accepted.
    await registry.invite(
        db,
        coordinator,
        group,
        InviteForm("uusi.kokemusasiantuntija@example.fi", "", "fi"),
        await experts.registry_settings(db),
        ADDRESS,
    )

    # Published: housing services, last spring. Everyone took part, signed off, fees went to payroll.
    housing_details = _details(
        "Asumispalvelujen asiakaskokemus",
        "Mikä asumispalveluissa tukee toipumista?\n\nMitä pitäisi muuttaa ensimmäiseksi?",
        -60,
        -30,
        now,
    )
    housing = await assignments.submit_request(
        db,
        users["reviewer"],
        RequestForm(
            group_id=group.id,
            department=housing_details.department,
            topic=housing_details.topic,
            questions=housing_details.questions,
            starts_on=housing_details.starts_on,
            ends_on=housing_details.ends_on,
            experts_wanted=6,
            confidentiality=Confidentiality.SECRET,
        ),
        ADDRESS,
    )
    await assignments.update_assignment(db, coordinator, housing, housing_details, ADDRESS)
    await _run(db, coordinator, housing, people, now - timedelta(days=45), tz)
    draft = await summaries.save_draft(
        db,
        coordinator,
        housing,
        group,
        SummaryForm(
            themes="Oma rauha ja turvallinen koti tukevat toipumista eniten.\n\n"
            "Henkilökunnan vaihtuvuus vaikeuttaa luottamuksen syntymistä.",
            recommendations="Sama omatyöntekijä koko asumisen ajan.\n\nAsukkaat mukaan talon sääntöjen laatimiseen.",
            quotes="”Kun sain oman oven, jonka voi lukita, pystyin vihdoin nukkumaan.”",
        ),
        ADDRESS,
    )
    await summaries.request_signoff(db, coordinator, housing, draft, ADDRESS)
    # Those who wrote input sign off (the last person only attended).
    for user, _expert in people[: len(INPUTS)]:
        own = await summaries.get_own_summary(db, user, draft.id)
        await summaries.sign_off(db, user, own, SignOffDecision.APPROVED, "", ADDRESS)
    await summaries.publish(db, coordinator, housing, draft, reviewed=True, address=ADDRESS)
    await compensation.export_for_payroll(db, coordinator, group, ADDRESS)
    await assignments.close_assignment(db, coordinator, housing, ADDRESS)

    # In progress: booking appointments. A session was held; the draft summary waits for the experts' sign-off.
    booking = await assignments.submit_request(
        db,
        users["reviewer"],
        RequestForm(
            group_id=group.id,
            department="Sosiaali- ja terveyspalvelut, ajanvarauksen kehittämishanke",
            topic="Mielenterveyspalvelujen ajanvaraus",
            questions="Miten ajan varaaminen mielenterveyspalveluihin sujuu?\n\nMikä auttaisi pääsemään "
            "ensimmäiselle käynnille nopeammin?",
            starts_on=now.date(),
            ends_on=now.date() + timedelta(days=45),
            experts_wanted=6,
            confidentiality=Confidentiality.SECRET,
        ),
        ADDRESS,
    )
    await assignments.update_assignment(
        db, coordinator, booking, _details(booking.topic, booking.questions, -7, 45, now), ADDRESS
    )
    candidates = await assignments.search(
        db,
        coordinator,
        booking,
        SearchForm(frozenset({areas[0]}), frozenset(), "", False, False),
        now.date(),
        ADDRESS,
    )
    assert len(candidates) == len(people)
    await _run(db, coordinator, booking, people, now - timedelta(days=3), tz)
    draft = await summaries.save_draft(
        db,
        coordinator,
        booking,
        group,
        SummaryForm(
            themes="Puhelinjonot ovat pitkiä, ja huonosti voivan on vaikea odottaa.\n\n"
            "Sama työntekijä ja muistutusviestit lisäävät luottamusta.",
            recommendations="Takaisinsoitto kaikkiin jonoihin.\n\nMahdollisuus perua aika tekstiviestillä.",
            quotes="”Kun voi huonosti, lomakkeen täyttäminen tuntuu ylivoimaiselta.”\n\n"
            "”Kaksi meistä odotti ensimmäistä aikaa yli kuukauden.”",
        ),
        ADDRESS,
    )
    await summaries.request_signoff(db, coordinator, booking, draft, ADDRESS)
    for user, _expert in people[1:4]:
        own = await summaries.get_own_summary(db, user, draft.id)
        await summaries.sign_off(db, user, own, SignOffDecision.APPROVED, "", ADDRESS)

    # Requested by a department, waiting for the coordinator's decision.
    await assignments.submit_request(
        db,
        users["reviewer"],
        RequestForm(
            group_id=group.id,
            department="Nuorisopalvelut",
            topic="Nuorten matalan kynnyksen palvelut",
            questions="Mistä nuori löytää apua, kun ei tiedä mistä kysyä?",
            starts_on=now.date() + timedelta(days=30),
            ends_on=now.date() + timedelta(days=90),
            experts_wanted=5,
            confidentiality=Confidentiality.PUBLIC,
        ),
        ADDRESS,
    )

    # Open, and the demo resident has not answered yet.
    websites = await assignments.create_assignment(
        db,
        coordinator,
        group,
        _details(
            "Päihdepalvelujen verkkosivujen selkeys",
            "Löytyykö verkkosivuilta tieto siitä, mihin voi hakeutua?",
            14,
            60,
            now,
        ),
        ADDRESS,
    )
    await assignments.invite_experts(db, coordinator, websites, [aino.id, people[1][1].id], now.date(), ADDRESS)
