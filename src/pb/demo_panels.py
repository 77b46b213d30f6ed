"""Demo citizens' panel: one panel in recruitment (issue 8): its categories and proposed quotas, a privacy text,
an invented address register, the invitation lottery drawn from a published seed, the first letters printed and
a few residents registered with their codes. Call after the districts exist; the facilitator runs the panel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.districts.models import District
from pb.panels import recruitment
from pb.panels import services as panels
from pb.panels.forms import AddressRow, PanelDetails, RegistrationForm
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
    categories = (
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
    for names, values in categories:
        await panels.add_category(db, facilitator, panel, names, "demo")
        category = panel.categories[-1]
        for value_names, share in values:
            await panels.add_value(db, facilitator, panel, category, value_names, share, "demo")
    await panels.save_quotas(db, facilitator, panel, panels.proposed_quotas(panel), "demo")
    notice = await panels.publish_privacy(
        db,
        facilitator,
        panel,
        {
            "fi": "Rekisterinpitäjä on kaupunki. Tietojasi käytetään vain raadin valintaan ja yhteydenpitoon. "
            "Valitsematta jääneiden tiedot poistetaan 30 päivän kuluttua valinnasta.",
            "sv": "Personuppgiftsansvarig är staden. Dina uppgifter används bara för att välja panelen och för "
            "att kontakta dig. Uppgifterna om dem som inte väljs raderas 30 dagar efter valet.",
            "en": "The city is the controller. Your data is used only to select the panel and to contact you. "
            "Data of people not selected is deleted 30 days after the selection.",
        },
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
