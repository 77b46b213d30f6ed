"""Demo voting data: a round open for voting (one budget per ballot format) and a round whose vote has ended.

What a person trying the demo can type (README lists it too):
- the demo resident asukas@example.fi is in both rounds' census as 150590-901A, born 15.5.1990, Keskusta;
- 020310A902B, born 2.3.2010, Saaristo, for assisted voting; 111116-903C, born 11.11.2016, is too young;
- voting codes DEMO-KESK-0001 … DEMO-KESK-0009 (and -POHJ-, -ITAI-, -LANT-, -SAAR-) in Lähibudjetti 2026;
  DEMO-KESK-0010 was reported lost;
- in Omabudjetti 2024 the demo resident's ballot has the receipt DEMO-2024-KUIT-0001.
Everyone else is generated from a fixed seed, with made-up identity codes in the range used for testing (900+).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.db import utcnow
from pb.demo_paper import load_paper_demo
from pb.demo_pb import AGE_BANDS, _process
from pb.districts.models import District
from pb.eligibility.models import CensusEntry, CensusImport, CodeStatus, VotingCode
from pb.processes.models import BallotFormat, Budget, BudgetRule, PhaseKind, Process, Project, VotingMethod
from pb.voting.models import Channel
from pb.voting.secrecy import Keys
from pb.voting.services import Voter, age_band, age_on, budgets_for, last_voting_day, store_ballot

DEMO_RESIDENT = ("150590-901A", date(1990, 5, 15), "keskusta")
# Someone in the census whom no demo ballot and no demo account uses: the browser tests prove this person's
# voting right with another account, so the demo resident stays unproven for the other scenarios.
SPARE_PERSON = ("010180-904D", date(1980, 1, 1), "pohjoinen")
KNOWN_PEOPLE = [
    DEMO_RESIDENT,
    ("020310A902B", date(2010, 3, 2), "saaristo"),
    ("111116-903C", date(2016, 11, 11), "keskusta"),
    SPARE_PERSON,
]
DEMO_RECEIPT_2024 = "DEMO-2024-KUIT-0001"

# (title, summary, cost in euros)
CITYWIDE_PROJECTS = [
    ("Kirjastoauto kiertämään kyliä", "Kirjastoauto pysähtyy viikoittain kylissä, joissa ei ole kirjastoa.", 90_000),
    ("Esteetön uimaranta", "Laituri, luiska ja pukukoppi, joilla rantaan pääsee myös pyörätuolilla.", 120_000),
    ("Nuorten kesätyöpaja", "Kesätöitä 40 nuorelle puistojen ja leikkipaikkojen kunnostuksessa.", 60_000),
    ("Kaupunkipyörät", "Kaksikymmentä kaupunkipyörää ja kolme asemaa keskustaan.", 150_000),
    ("Ikäihmisten tanssit", "Kerran kuussa tanssit ja kahvit palvelutaloissa.", 25_000),
    ("Pölyttäjäniityt", "Nurmikkoa niityksi viidessä puistossa.", 30_000),
]
KESKUSTA_PROJECTS = [
    ("Penkkejä Keskuspuistoon", "Kymmenen penkkiä kävelyreittien varrelle.", 15_000),
    ("Rantapolun valaistus", "Led-valot Rantapolulle koko matkalle.", 60_000),
    ("Torin joulukuusi", "Iso kuusi ja valot torille joulunajaksi.", 8_000),
    ("Pyöräkatos asemalle", "Katettu ja lukittava pyöräparkki asemalle.", 110_000),
    ("Koulun pihan kiipeilyteline", "Kiipeilyteline alakoulun pihalle.", 35_000),
]
POHJOINEN_PROJECTS = [
    ("Koirapuisto", "Aidattu koirapuisto pienille ja isoille koirille.", 70_000),
    ("Ulkokuntosali", "Ulkokuntoiluvälineet Pohjoispuistoon.", 55_000),
    ("Kuntopolun opasteet", "Uudet opasteet ja kilometrimerkit kuntopolulle.", 6_000),
    ("Grillikatos", "Katettu grillipaikka uimarannalle.", 20_000),
]
SAARISTO_PROJECTS = [
    ("Yhteysveneen katos", "Sadekatos odottajille yhteysvenelaiturille.", 30_000),
    ("Kyläkirjasto", "Pieni lainaamo kyläkaupan yhteyteen.", 12_000),
    ("Saunan kunnostus", "Yhteissaunan laiteiden ja lauteiden uusiminen.", 25_000),
    ("Melontareitti", "Merkitty melontareitti saarten välille.", 9_000),
]


def _identifier(rng: random.Random, birth: date, serial: int) -> str:
    # Shaped like a Finnish identity code, with an individual number from 900 up (the range used for testing).
    century = "-" if birth.year < 2000 else "A"
    return f"{birth:%d%m%y}{century}{900 + serial % 100:03d}{'ABCDEFHJKLMNPRSTUVWXY'[serial % 21]}"


def _people(rng: random.Random, districts: list[District], count: int) -> list[tuple[str, date, str]]:
    people = list(KNOWN_PEOPLE)
    weights = [district.population for district in districts]
    for serial in range(count):
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 26_000))  # born 1940–2011
        district = rng.choices(districts, weights)[0]
        people.append((f"{_identifier(rng, birth, serial)}{serial}", birth, district.code))
    return people


def _choices(rng: random.Random, budget: Budget) -> dict[int, int]:
    projects = list(budget.projects)
    rng.shuffle(projects)
    if budget.ballot_format == BallotFormat.APPROVAL:
        chosen: dict[int, int] = {}
        spent = 0
        for project in projects[: rng.randint(1, len(projects))]:
            if spent + project.cost_cents <= budget.amount_cents:
                chosen[project.id] = 1
                spent += project.cost_cents
        return chosen
    if budget.ballot_format == BallotFormat.K_APPROVAL:
        return {project.id: 1 for project in projects[: rng.randint(1, budget.max_choices or 1)]}
    if budget.ballot_format == BallotFormat.CUMULATIVE:
        left, points = budget.points_total or 0, {}
        for project in projects:
            give = min(left, rng.randint(1, budget.points_per_project or 1))
            if give:
                points[project.id] = give
                left -= give
        return points
    ranked = projects[: rng.randint(1, budget.max_choices or 1)]
    return {project.id: rank for rank, project in enumerate(ranked, start=1)}


def _budget(name: tuple[str, str, str], amount_euros: int, position: int, district: District | None) -> Budget:
    return Budget(
        name_fi=name[0],
        name_sv=name[1],
        name_en=name[2],
        amount_cents=amount_euros * 100,
        position=position,
        district_id=district.id if district else None,
    )


def _projects(budget: Budget, projects: list[tuple[str, str, int]]) -> None:
    for title, summary, cost in projects:
        budget.projects.append(Project(title=title, summary=summary, cost_cents=cost * 100))


async def _cast(
    db: AsyncSession,
    keys: Keys,
    rng: random.Random,
    process: Process,
    people: list[tuple[str, date, str]],
    by_code: dict[str, District],
    channels: list[Channel],
    since: datetime,
    until: datetime,
) -> None:
    """Ballots from generated people (not the known ones), at random daytime moments between the two times."""
    day = last_voting_day(process)
    assert day is not None
    district_budgets = [b for b in process.budgets if b.district_id is not None]
    for (identifier, birth, code), channel in zip(people[len(KNOWN_PEOPLE) :], channels, strict=False):
        if age_on(birth, day) < process.minimum_age:
            continue
        voter = Voter(
            keys.person(identifier), channel, by_code[code].id, age_band(process.age_bands, age_on(birth, day))
        )
        moment = since + (until - since) * rng.random()
        moment = moment.replace(hour=rng.randint(6, 19), minute=rng.randrange(60))  # 8–22 o'clock in Helsinki
        moment = min(moment, until - timedelta(minutes=rng.randrange(1, 600)))
        allowed = budgets_for(process, voter)
        chosen = [b for b in allowed if b.district_id is None]
        if process.budget_rule == BudgetRule.CITYWIDE_PLUS_ONE and district_budgets:
            home = [b for b in district_budgets if b.district_id == voter.district_id]
            chosen.append(home[0] if home else rng.choice(district_budgets))
        elif process.budget_rule != BudgetRule.CITYWIDE_PLUS_ONE:
            chosen = allowed
        for budget in chosen:
            await store_ballot(db, keys, process, budget, voter, _choices(rng, budget), moment)


async def load_voting_demo(db: AsyncSession, keys: Keys, users: dict[str, User], districts: list[District]) -> None:
    rng = random.Random(2026)
    now = utcnow()
    by_code = {district.code: district for district in districts}
    people = _people(rng, districts, 200)

    # Lähibudjetti 2026: voting open; one budget per ballot format; the city-wide budget plus one district.
    open_vote = _process(
        "lahibudjetti-2026",
        "Lähibudjetti 2026",
        "Närbudget 2026",
        "Neighbourhood Budget 2026",
        districts,
        now,
        "voting",
    )
    open_vote.age_bands = AGE_BANDS
    open_vote.budget_rule = BudgetRule.CITYWIDE_PLUS_ONE
    open_vote.voting_methods = [VotingMethod.CENSUS, VotingMethod.CODE, VotingMethod.ASSISTED, VotingMethod.PAPER]
    open_vote.budgets.clear()
    citywide = _budget(("Koko kaupunki", "Hela staden", "City-wide"), 300_000, 0, None)
    _projects(citywide, CITYWIDE_PROJECTS)
    keskusta = _budget(("Keskusta", "Centrum", "City Centre"), 100_000, 1, by_code["keskusta"])
    keskusta.ballot_format, keskusta.max_choices = BallotFormat.K_APPROVAL, 3
    _projects(keskusta, KESKUSTA_PROJECTS)
    pohjoinen = _budget(
        ("Pohjoinen suurpiiri", "Norra stordistriktet", "Northern District"), 100_000, 2, by_code["pohjoinen"]
    )
    pohjoinen.ballot_format, pohjoinen.points_total, pohjoinen.points_per_project = BallotFormat.CUMULATIVE, 10, 5
    _projects(pohjoinen, POHJOINEN_PROJECTS)
    saaristo = _budget(("Saaristo", "Skärgården", "Archipelago"), 50_000, 3, by_code["saaristo"])
    saaristo.ballot_format, saaristo.max_choices = BallotFormat.RANKED, 3
    _projects(saaristo, SAARISTO_PROJECTS)
    open_vote.budgets.extend([citywide, keskusta, pohjoinen, saaristo])

    # Omabudjetti 2024: the vote has ended and the results phase is open.
    ended_vote = _process(
        "omabudjetti-2024", "Omabudjetti 2024", "Egen budget 2024", "Own Budget 2024", districts, now, "results"
    )
    ended_vote.voting_methods = [VotingMethod.CENSUS, VotingMethod.ASSISTED, VotingMethod.PAPER]
    ended_citywide, ended_district = ended_vote.budgets
    _projects(ended_citywide, CITYWIDE_PROJECTS)
    _projects(ended_district, POHJOINEN_PROJECTS[:2] + SAARISTO_PROJECTS[:2])
    db.add_all([open_vote, ended_vote])
    await db.flush()

    admin = users["admin"]
    for process in (open_vote, ended_vote):
        for identifier, birth, code in people:
            db.add(
                CensusEntry(
                    process_id=process.id,
                    person_key=keys.person(identifier),
                    birth_date=birth,
                    district_id=by_code[code].id,
                )
            )
        db.add(CensusImport(process_id=process.id, imported_by_id=admin.id, rows=len(people), file_digest="demo"))

    # Letters with codes: nine usable ones per district and a lost one in Keskusta, numbered through the batch.
    for position, district in enumerate(districts):
        prefix = district.code[:4].upper()
        for number in range(1, 11):
            serial = position * 10 + number
            lost = district.code == "keskusta" and number == 10
            db.add(
                VotingCode(
                    process_id=open_vote.id,
                    district_id=district.id,
                    code_hash=keys.voting_code(f"DEMO-{prefix}-{number:04d}"),
                    batch=1,
                    serial=serial,
                    status=CodeStatus.LOST if lost else CodeStatus.UNUSED,
                )
            )
    await db.commit()
    for process in (open_vote, ended_vote):
        await db.refresh(process, ["budgets"])
        for budget in process.budgets:
            await db.refresh(budget, ["projects"])

    # Ballots so far: 40 people over the first ten days of voting, in three channels.
    voting_started = now - timedelta(days=10)
    channels = [Channel.ONLINE] * 20 + [Channel.ASSISTED] * 10 + [Channel.ONLINE] * 10
    await _cast(db, keys, rng, open_vote, people, by_code, channels, voting_started, now - timedelta(hours=1))

    # The ended round: 120 voters, the demo resident among them with a receipt the README gives.
    ended_voting = ended_vote.phase(PhaseKind.VOTING)
    assert ended_voting is not None
    day = last_voting_day(ended_vote)
    assert day is not None
    resident = Voter(
        keys.person(DEMO_RESIDENT[0]),
        Channel.ONLINE,
        by_code[DEMO_RESIDENT[2]].id,
        age_band(ended_vote.age_bands, age_on(DEMO_RESIDENT[1], day)),
    )
    ids = {project.title: project.id for project in ended_citywide.projects}
    await store_ballot(
        db,
        keys,
        ended_vote,
        ended_citywide,
        resident,
        {ids["Kirjastoauto kiertämään kyliä"]: 1, ids["Esteetön uimaranta"]: 1, ids["Pölyttäjäniityt"]: 1},
        ended_voting.starts_at + timedelta(days=3, hours=2),
        receipt=DEMO_RECEIPT_2024,
    )
    channels = [Channel.ONLINE] * 90 + [Channel.ASSISTED] * 30
    await _cast(db, keys, rng, ended_vote, people, by_code, channels, ended_voting.starts_at, ended_voting.ends_at)
    # Paper ballots of the ended round, one of them set aside because its voter also voted online.
    await load_paper_demo(db, keys, users, ended_vote)
