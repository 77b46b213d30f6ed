"""Demo citizens' panels (issue 8, Quality: one in recruitment and one finished with a council response).

Kuntalaisraati 2026 is in recruitment: its categories and proposed quotas, a privacy text, an invented address
register, the invitation lottery drawn from a published seed, the first letters printed and a few residents
registered with their codes. Kuntalaisraati 2025 is finished: selected by LEXIMIN from a small pool and drawn with
a public random value, one member replaced, three sessions with attendance and tables, materials and experts,
recommendations voted on, and the council's published answer. Call after the districts exist; the facilitator
runs both panels and the council member answers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.db import utcnow
from pb.districts.models import District
from pb.panels import council, draw, recommendations, recruitment, retention, selection, workspace
from pb.panels import services as panels
from pb.panels.forms import AddressRow, PanelDetails, RegistrationForm
from pb.panels.models import Panel, PanelSelection, Registration, SelectionPerson
from pb.panels.selection_job import run_selection
from pb.panels.work_forms import HearingForm, MaterialForm, ResponseForm, SessionForm
from pb.panels.work_forms import RecommendationForm as RecommendationDraft
from pb.panels.work_models import PanelMember
from pb.settings import Settings

DEMO_PANEL = "kuntalaisraati-2026"
DEMO_SEED = "2026-03-02 noppa 5 1 6 2 3 4"
STREETS = ("Kauppakatu", "Koulukatu", "Rantatie", "Myllytie", "Kirkkokatu", "Asematie")
PEOPLE = (
    ("Aila Mäkinen", "fi", 0, 2, 0),
    ("Sixten Lindqvist", "sv", 1, 1, 1),
    ("Noora Heikkinen", "fi", 0, 0, 0),
    ("Ahmed Ali", "en", 1, 0, 2),
    ("Ritva Salonen", "fi", 0, 2, 0),
    ("Mikael Öhman", "sv", 1, 2, 1),
    ("Juha Nieminen", "fi", 1, 1, 0),
    ("Elina Koskinen", "fi", 0, 1, 0),
)

DEMO_CATEGORIES: tuple[tuple[dict[str, str], list[tuple[dict[str, str], int]]], ...] = (
    (
        {"fi": "Sukupuoli", "sv": "Kön", "en": "Gender"},
        [
            ({"fi": "Nainen", "sv": "Kvinna", "en": "Woman"}, 5100),
            ({"fi": "Mies", "sv": "Man", "en": "Man"}, 4800),
            ({"fi": "Muu", "sv": "Annat", "en": "Other"}, 100),
        ],
    ),
    (
        {"fi": "Ikä", "sv": "Ålder", "en": "Age"},
        [
            ({"fi": "16–34", "sv": "16–34", "en": "16–34"}, 2900),
            ({"fi": "35–64", "sv": "35–64", "en": "35–64"}, 4600),
            ({"fi": "65+", "sv": "65+", "en": "65+"}, 2500),
        ],
    ),
    (
        {"fi": "Äidinkieli", "sv": "Modersmål", "en": "Mother tongue"},
        [
            ({"fi": "suomi", "sv": "finska", "en": "Finnish"}, 8300),
            ({"fi": "ruotsi", "sv": "svenska", "en": "Swedish"}, 1000),
            ({"fi": "muu", "sv": "annat", "en": "other"}, 700),
        ],
    ),
)

PRIVACY_TEXTS = {
    "fi": "Rekisterinpitäjä on kaupunki. Tietojasi käytetään vain raadin valintaan ja yhteydenpitoon. "
    "Valitsematta jääneiden tiedot poistetaan 30 päivän kuluttua valinnasta.",
    "sv": "Personuppgiftsansvarig är staden. Dina uppgifter används bara för att välja panelen och för "
    "att kontakta dig. Uppgifterna om dem som inte väljs raderas 30 dagar efter valet.",
    "en": "The city is the controller. Your data is used only to select the panel and to contact you. "
    "Data of people not selected is deleted 30 days after the selection.",
}


async def load_panels_demo(
    db: AsyncSession, users: dict[str, User], districts: list[District], settings: Settings | None = None
) -> None:
    settings = settings or Settings()
    facilitator = users["facilitator"]
    day = panels.today(settings.timezone)
    details = PanelDetails(
        slug=DEMO_PANEL,
        names={"fi": "Kuntalaisraati 2026", "sv": "Invånarpanelen 2026", "en": "Citizens' Panel 2026"},
        remits={
            "fi": "Miten kaupungin keskustasta tehdään viihtyisä kaikenikäisille?",
            "sv": "Hur gör vi stadens centrum trivsamt för alla åldrar?",
            "en": "How do we make the city centre a pleasant place for people of all ages?",
        },
        descriptions={
            "fi": "Arvalla valittu raati kokoontuu kahtena viikonloppuna, kuulee asiantuntijoita ja antaa "
            "suosituksensa kaupunginvaltuustolle, joka vastaa niihin julkisesti.",
            "sv": "En panel som lottats fram träffas två veckoslut, hör sakkunniga och ger sina rekommendationer "
            "till stadsfullmäktige, som svarar på dem offentligt.",
            "en": "A panel chosen by lot meets over two weekends, hears experts and gives its recommendations to "
            "the city council, which answers them in public.",
        },
        commissioner="Kaupunginvaltuusto / Stadsfullmäktige",
        size=24,
        tolerance=1,
        registration_closes_on=day + timedelta(days=21),
        first_session_on=day + timedelta(days=40),
        last_session_on=day + timedelta(days=48),
        is_published=True,
    )
    panel = await panels.create_panel(db, facilitator, details, "demo")
    for names, values in DEMO_CATEGORIES:
        await panels.add_category(db, facilitator, panel, names, "demo")
        category = panel.categories[-1]
        for value_names, share in values:
            await panels.add_value(db, facilitator, panel, category, value_names, share, "demo")
    await panels.save_quotas(db, facilitator, panel, panels.proposed_quotas(panel), "demo")
    notice = await panels.publish_privacy(
        db,
        facilitator,
        panel,
        PRIVACY_TEXTS,
        "demo",
    )
    rows = [
        AddressRow(
            f"OS-{number:05d}",
            f"{STREETS[number % len(STREETS)]} {number // len(STREETS) + 1}",
            f"00{100 + (number % 9) * 10}",
            districts[number % len(districts)].name_fi,
        )
        for number in range(1, 601)
    ]
    await recruitment.replace_register(db, facilitator, panel, rows, "0" * 64, "demo")
    draw = await recruitment.draw_invitations(db, facilitator, panel, DEMO_SEED, 240, "demo")
    letters = await recruitment.plan_letters(db, panel, 1, 40)
    await recruitment.store_letters(db, settings.secret_key, facilitator, panel, letters, "demo")
    for letter, (name, language, gender, age, tongue) in zip(letters, PEOPLE, strict=False):
        answers = {
            str(category.id): str(category.values[choice].id)
            for category, choice in zip(panel.categories, (gender, age, tongue), strict=True)
        }
        email = name.lower().replace(" ", ".").replace("ä", "a").replace("ö", "o") + "@example.fi"
        form = RegistrationForm(
            code=letter.code,
            name=name,
            email=email,
            phone="",
            language=language,
            answers=answers,
            accessibility_needs="Induktiosilmukka" if language == "sv" else "",
            dietary_needs="",
            available_all_sessions=True,
            availability_notes="",
            willing_reserve=language != "en",
            privacy_version=notice.version,
        )
        await recruitment.register(db, settings.secret_key, panel, notice, form)
    assert draw.drawn_count == 240
    await load_finished_panel(db, users, districts, settings)


# --- a finished panel: selected, worked, recommended, answered (issue 8, Quality) ------------------------------

FINISHED_PANEL = "kuntalaisraati-2025"
FINISHED_SEED = "2025-05-05 noppa 3 3 1 6 2 5"
FINISHED_DRAW_VALUE = "6-1-4-4-2-5-3"
FIRST_NAMES = (
    "Leena", "Matti", "Sanna", "Pekka", "Kaisa", "Jari", "Tiina", "Antti", "Helena", "Mikko", "Outi", "Timo",
    "Anja", "Kalle", "Riikka", "Ville", "Maija", "Olli",
)  # fmt: skip
LAST_NAMES = ("Laaksonen", "Virtanen", "Korhonen", "Nieminen", "Lehtonen", "Björk")


async def load_finished_panel(
    db: AsyncSession, users: dict[str, User], districts: list[District], settings: Settings
) -> Panel:
    """A panel whose selection, sessions, recommendations and the council's answer are done, with a small pool
    (36 people, 12 seats), so that LEXIMIN runs in a moment while the demo loads."""
    facilitator = users["facilitator"]
    council_member = users.get("council_member", facilitator)
    day = panels.today(settings.timezone)
    details = PanelDetails(
        slug=FINISHED_PANEL,
        names={
            "fi": "Kuntalaisraati 2025: kirjastot",
            "sv": "Invånarpanelen 2025: bibliotek",
            "en": "Citizens' Panel 2025: libraries",
        },
        remits={
            "fi": "Millaisia kirjastopalveluja kaupungin tulee tarjota vuoteen 2030 mennessä?",
            "sv": "Vilka bibliotekstjänster ska staden erbjuda fram till år 2030?",
            "en": "What library services should the city offer by 2030?",
        },
        descriptions={
            "fi": "Raati kokoontui kolme kertaa, kuuli asiantuntijoita ja antoi suosituksensa kaupunginhallitukselle.",
            "sv": "Panelen träffades tre gånger, hörde sakkunniga och gav sina rekommendationer till stadsstyrelsen.",
            "en": "The panel met three times, heard experts and gave its recommendations to the city board.",
        },
        commissioner="Kaupunginhallitus / Stadsstyrelsen",
        size=12,
        tolerance=1,
        registration_closes_on=day - timedelta(days=150),
        first_session_on=day - timedelta(days=120),
        last_session_on=day - timedelta(days=100),
        is_published=True,
    )
    panel = await panels.create_panel(db, facilitator, details, "demo")
    for names, values in DEMO_CATEGORIES:
        await panels.add_category(db, facilitator, panel, names, "demo")
        category = panel.categories[-1]
        for value_names, share in values:
            await panels.add_value(db, facilitator, panel, category, value_names, share, "demo")
    await panels.save_quotas(db, facilitator, panel, panels.proposed_quotas(panel), "demo")
    notice = await panels.publish_privacy(db, facilitator, panel, PRIVACY_TEXTS, "demo")
    rows = [
        AddressRow(
            f"KR-{number:05d}",
            f"{STREETS[number % len(STREETS)]} {number // len(STREETS) + 1} B",
            f"00{100 + (number % 9) * 10}",
            districts[number % len(districts)].name_fi,
        )
        for number in range(1, 301)
    ]
    await recruitment.replace_register(db, facilitator, panel, rows, "0" * 64, "demo")
    await recruitment.draw_invitations(db, facilitator, panel, FINISHED_SEED, 150, "demo")
    letters = await recruitment.plan_letters(db, panel, 1, 36)
    await recruitment.store_letters(db, settings.secret_key, facilitator, panel, letters, "demo")
    for number, letter in enumerate(letters):
        # Every category's values appear often enough for the quotas: language mostly Finnish.
        choices = (number % 2, number % 3, 1 if number % 6 == 5 else (2 if number % 9 == 4 else 0))
        answers = {
            str(category.id): str(category.values[choice].id)
            for category, choice in zip(panel.categories, choices, strict=True)
        }
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[number % len(LAST_NAMES)]}"
        language = ("fi", "sv", "fi")[choices[2]]
        form = RegistrationForm(
            code=letter.code,
            name=name,
            email=f"raati2025.{number}@example.fi",
            phone="",
            language=language,
            answers=answers,
            accessibility_needs="",
            dietary_needs="Kasvis" if number % 5 == 0 else "",
            available_all_sessions=True,
            availability_notes="",
            willing_reserve=number % 4 != 0,
            privacy_version=notice.version,
        )
        await recruitment.register(db, settings.secret_key, panel, notice, form)

    pool = await selection.load_pool(db, panel)
    assert pool is not None
    started = await selection.start_selection(db, facilitator, panel, pool, "demo")
    # The worker's own function, run in a thread: the demo waits for it (a second or two on 36 people).
    status = await anyio.to_thread.run_sync(run_selection, settings.database_url, started.id)
    assert status == selection.Status.DONE, status
    # The worker wrote through its own connection: read the selection and its people again.
    fresh = {"populate_existing": True}
    chosen = await db.scalar(select(PanelSelection).where(PanelSelection.id == started.id).execution_options(**fresh))
    assert chosen is not None
    await db.scalars(
        select(SelectionPerson).where(SelectionPerson.selection_id == chosen.id).execution_options(**fresh)
    )
    source = (
        "Noppia heitettiin kaupunginhallituksen kokouksessa, todistajina puheenjohtaja ja kaksi jäsentä. / "
        "Tärningar kastades vid stadsstyrelsens möte inför ordföranden och två ledamöter."
    )
    chosen = await draw.draw_panel(db, facilitator, panel, chosen, FINISHED_DRAW_VALUE, source, "demo")
    members = await workspace.members_of(db, panel)
    # The demo resident (asukas@example.fi) sits on this panel, to show the workspace from a member's side;
    # the names in the demo are invented, so the first member simply takes hers.
    resident = users.get("resident")
    if resident is not None:
        first = members[0]
        registration = await db.get(Registration, first.registration_id or 0)
        if registration is not None:
            registration.name, registration.email = resident.display_name, resident.email
        first.display_name, first.user_id, first.joined_at = resident.display_name, resident.id, utcnow()
        first.name_public = True
        await db.commit()
    try:
        await draw.replace_member(db, facilitator, panel, chosen, members[-1], "demo")
    except panels.PanelRefused:
        await draw.record_dropout(db, facilitator, panel, chosen, members[-1], "demo")
    members = await workspace.members_of(db, panel)

    # The draw was months ago: the data of people not on the panel has since been deleted (30 days after it).
    drawn_at = utcnow() - timedelta(days=135)
    chosen.created_at = chosen.lottery_published_at = chosen.finished_at = drawn_at - timedelta(days=1)
    chosen.drawn_at = drawn_at
    await db.commit()
    await retention.purge_unselected(db, panel)

    seat = workspace.Seat(panel, facilitator, None)
    zone = ZoneInfo(settings.timezone)
    sessions = []
    for offset, agenda in (
        (120, "Tutustuminen, kirjastojen nykytila / Bekantskap, bibliotekens nuläge"),
        (110, "Asiantuntijakuulemiset / Sakkunnigutfrågningar"),
        (100, "Suositusten viimeistely ja äänestys / Rekommendationerna slutförs och röstas om"),
    ):
        when = day - timedelta(days=offset)
        sessions.append(
            await workspace.add_session(
                db,
                seat,
                SessionForm(
                    datetime.combine(when, time(10, 0), zone),
                    datetime.combine(when, time(15, 0), zone),
                    "Pääkirjasto, Kokoushuone Lukusali",
                    "",
                    agenda,
                ),
                "demo",
            )
        )
    for index, session in enumerate(sessions):
        present = {member.id for number, member in enumerate(members) if not (index == 1 and number == 3)}
        await workspace.save_attendance(db, seat, session, present, "demo")
        await workspace.allocate_tables(db, seat, session, 2, "demo")
    await workspace.save_notes(
        db, seat, sessions[0], "Hyvä alku; kaksi jäsentä toivoi lisää taustamateriaalia.", "demo"
    )
    await workspace.add_material(
        db,
        seat,
        MaterialForm(
            "Kirjastopalvelujen nykytila 2025",
            "Kaupungin kirjastotoimen tilannekatsaus: lainaukset, aukiolot ja kävijämäärät.",
            "Kaupungin kirjastotoimi",
            sessions[0].id,
        ),
        "kirjastot-2025.txt",
        "text/plain",
        "Lainaukset 2024: 412 000\nKävijät 2024: 389 000\nOmatoimiaukiolo: 3 kirjastossa\n".encode(),
        "demo",
    )
    await workspace.add_hearing(
        db,
        seat,
        HearingForm(
            "Kirsi Kirjastonhoitaja",
            "Kaupunginkirjasto",
            "Kaupungin työntekijä; ei muita sidonnaisuuksia.",
            "Miksi sivukirjastojen aukioloja on lyhennetty?\nMitä omatoimikirjasto maksaa?",
            sessions[1].id,
        ),
        "demo",
    )
    await workspace.add_hearing(
        db,
        seat,
        HearingForm(
            "Erik Ek",
            "Svenska föreningen rf",
            "Föreningens ordförande; föreningen hyr lokaler av biblioteket.",
            "Finns det svenskspråkig service i alla bibliotek?",
            sessions[1].id,
        ),
        "demo",
    )

    def seat_of(member: PanelMember) -> workspace.Seat:
        return workspace.Seat(panel, facilitator, member)

    texts = (
        (
            "Omatoimiaukiolo kaikkiin kirjastoihin",
            "Kaikkiin sivukirjastoihin avataan omatoimiaukiolo arkiaamuihin ja viikonloppuihin vuoteen 2027 mennessä.",
            "Moni työssäkäyvä ja opiskelija ei ehdi kirjastoon nykyisinä aukioloaikoina.",
        ),
        (
            "Ruotsinkielinen palvelu joka kirjastossa",
            "Jokaisessa kirjastossa on ruotsinkielistä palvelua vähintään kahtena päivänä viikossa.",
            "Kaksikielinen kaupunki palvelee asukkaitaan molemmilla kielillä (kielilaki 423/2003).",
        ),
        (
            "Kirjastoauto saaristoon",
            "Saaristoon järjestetään kirjastoauto- tai -venepalvelu kesäkaudelle.",
            "Saariston asukkailla on pisin matka lähimpään kirjastoon.",
        ),
    )
    recommendations_made = []
    for number, (title, body, rationale) in enumerate(texts):
        author = members[number % len(members)]
        recommendations_made.append(
            await recommendations.add_recommendation(db, seat_of(author), RecommendationDraft(title, body, rationale))
        )
    await recommendations.revise(
        db,
        seat_of(members[1]),
        recommendations_made[0],
        RecommendationDraft(
            texts[0][0],
            texts[0][1] + " Omatoimiaukiolon turvallisuus arvioidaan ensimmäisen vuoden jälkeen.",
            texts[0][2],
        ),
    )
    await recommendations.add_comment(db, seat_of(members[2]), recommendations_made[2], "Kesäkausi riittää alkuun.")
    await recommendations.add_comment(db, seat, recommendations_made[2], "Hinta-arvio pyydetään kirjastotoimelta.")
    await recommendations.add_minority_statement(
        db,
        seat_of(members[4]),
        recommendations_made[2],
        "Rahat kannattaa käyttää mieluummin e-aineistoihin, jotka palvelevat kaikkia.",
    )
    await recommendations.set_stage(db, seat, recommendations.Stage.VOTING, "demo")
    scores = (
        (5, 5, 4, 4, 5, 4, 3, 5, 4, 4, 5, 2),
        (4, 5, 5, 3, 4, 4, 5, 4, 3, 5, 4, 4),
        (4, 2, 3, 5, 1, 4, 3, 2, 4, 3, 5, 2),
    )
    for item, row in zip(recommendations_made, scores, strict=True):
        for member, score in zip(members, row, strict=False):
            await recommendations.vote(db, seat_of(member), item, score)
    await recommendations.set_stage(db, seat, recommendations.Stage.FINAL, "demo")

    decisions = (
        ResponseForm(
            "accepted",
            "Omatoimiaukiolo laajennetaan kaikkiin sivukirjastoihin vaiheittain vuosina 2026–2027.",
            "Kulttuuri- ja vapaa-aikapalvelut",
            day + timedelta(days=400),
            "Khall 2.6.2025 § 112",
        ),
        ResponseForm(
            "partly",
            "Ruotsinkielistä palvelua lisätään kolmessa suurimmassa kirjastossa; muissa palvelu järjestetään etänä.",
            "Kulttuuri- ja vapaa-aikapalvelut",
            day + timedelta(days=200),
            "Khall 2.6.2025 § 112",
        ),
        ResponseForm(
            "further_study",
            "Kirjastoveneen kustannukset selvitetään yhdessä saaristoliikenteen kanssa.",
            "Kaupunkiympäristön toimiala",
            day + timedelta(days=120),
            "Khall 2.6.2025 § 112",
        ),
    )
    responses = []
    for item, answer in zip(recommendations_made, decisions, strict=True):
        responses.append(await council.save_response(db, council_member, panel, item, answer, "demo"))
    await council.add_update(
        db,
        council_member,
        panel,
        responses[0],
        day - timedelta(days=20),
        "Omatoimiaukiolo avattiin Pohjoisen ja Itäisen suurpiirin kirjastoissa.",
        "demo",
    )
    # Published without emailing: the demo's members are invented (pb.panels.council.publish also emails).
    panel.response_published_at = utcnow() - timedelta(days=60)
    panel.closed_at = utcnow() - timedelta(days=30)
    await db.commit()
    return panel
