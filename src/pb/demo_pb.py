"""Demo participatory-budgeting data: one round open for proposals and one on its way to the vote.

Together they show proposals in every state, threaded comments with stances, supports, reports waiting in
the moderation queue, reviewed proposals with costs and reasons, a plan merged from two proposals, and a ballot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.comments.models import Comment
from pb.db import utcnow
from pb.districts.models import District
from pb.moderation.models import Report
from pb.processes.models import PHASE_ORDER, Budget, Phase, Process, ProcessDistrict, Project, Theme
from pb.proposals.models import Proposal, ProposalEvent, ProposalStatus, Support
from pb.review.models import Feasibility, InternalNote, Review, ReviewAssignment

AGE_BANDS = ["12-17", "18-29", "30-64", "65+"]
# Share of a district's residents in each age band (invented, roughly Finnish).
AGE_SHARES = [0.07, 0.16, 0.50, 0.27]

THEMES = [
    ("Liikunta ja ulkoilu", "Idrott och friluftsliv", "Sports and outdoors"),
    ("Luonto ja ympäristö", "Natur och miljö", "Nature and environment"),
    ("Kulttuuri ja yhteisöt", "Kultur och gemenskap", "Culture and communities"),
    ("Liikkuminen", "Trafik och rörlighet", "Getting around"),
]

# (title, summary, district index or None, theme index, own cost in euros)
IDEAS = [
    ("Valaistus Rantapolulle", "Rantapolku on talvella pimeä. Lisätään led-valaistus koko matkalle.", 0, 3, 60_000),
    ("Skeittipaikka nuorille", "Betoninen skeittiallas Urheilupuiston kulmaan nuorten toiveesta.", 2, 0, 180_000),
    ("Penkkejä Keskuspuistoon", "Ikäihmiset tarvitsevat levähdyspaikkoja puiston kävelyreiteille.", 0, 1, 15_000),
    ("Kirjaston lukunurkka lapsille", "Tyynyjä, matala kirjahylly ja lukulamppuja lasten nurkkaan.", 1, 2, 8_000),
    ("Uimarannan esteetön laituri", "Laituri, jolta pääsee veteen myös pyörätuolilla.", 4, 0, 90_000),
    ("Pölyttäjäniitty", "Nurmikon sijaan niitty, joka ruokkii perhosia ja mehiläisiä.", 3, 1, 12_000),
    ("Kaupunkiviljelylaatikot", "Asukkaiden yhteiset viljelylaatikot kerrostalojen pihoille.", None, 1, 25_000),
    ("Koirapuisto Itään", "Aidattu koirapuisto pienille ja isoille koirille.", 2, 0, 70_000),
    ("Ulkokuntosali", "Ulkokuntoiluvälineet Länsipuistoon kaikenikäisille.", 3, 0, 55_000),
    ("Kesäkonsertit torilla", "Neljä ilmaista kesäkonserttia paikallisille muusikoille.", None, 2, 20_000),
    ("Pyöräkatos asemalle", "Katettu ja lukittava pyöräparkki rautatieasemalle.", 0, 3, 110_000),
    ("Saariston yhteysveneen katos", "Sadekatos odottajille yhteysvenelaiturille.", 4, 3, 30_000),
]

COMMENTS = [
    ("for", "Hyvä idea! Kuljen tästä joka aamu ja pimeällä se tuntuu turvattomalta."),
    ("against", "Valaistus maksaa myös käytössä. Riittäisikö heijastinmerkinnät?"),
    ("neutral", "Voisiko valot syttyä vain liiketunnistimella? Se säästäisi sähköä."),
    ("for", "Kannatan, ja toivon että valot ovat lämpimän sävyisiä eläinten vuoksi."),
]


async def load_pb_demo(db: AsyncSession, users: dict[str, User], districts: list[District]) -> None:
    now = utcnow()
    open_round = _process(
        "omabudjetti-2026", "Omabudjetti 2026", "Egen budget 2026", "Own Budget 2026", districts, now, "proposals"
    )
    past_round = _process(
        "omabudjetti-2025", "Omabudjetti 2025", "Egen budget 2025", "Own Budget 2025", districts, now, "review"
    )
    db.add_all([open_round, past_round])
    await db.flush()
    resident, admin, reviewer = users["resident"], users["admin"], users["reviewer"]
    authors = list(users.values())

    # Round 2026: ideas being collected and discussed.
    proposals = []
    for index, (title, summary, district, theme, cost) in enumerate(IDEAS[:8]):
        proposal = _proposal(
            open_round,
            authors[index % len(authors)],
            title,
            summary,
            district,
            theme,
            cost,
            districts,
            now - timedelta(days=10 - index),
        )
        proposals.append(proposal)
    draft = _proposal(
        open_round,
        resident,
        "Luistinrata koulun pihalle",
        "Talvella jäädytetty kenttä koululle.",
        1,
        0,
        5_000,
        districts,
        now,
        status=ProposalStatus.DRAFT,
    )
    withdrawn = _proposal(
        open_round,
        resident,
        "Suihkulähde torille",
        "Suihkulähde kesäksi.",
        0,
        2,
        200_000,
        districts,
        now - timedelta(days=6),
    )
    db.add_all([*proposals, draft, withdrawn])
    await db.flush()
    _event(
        withdrawn,
        "withdrawn",
        ProposalStatus.WITHDRAWN,
        "Tekijä veti ehdotuksen pois: sama idea oli jo tehty.",
        now - timedelta(days=2),
    )
    hidden = proposals[7]
    hidden.hidden_at = now - timedelta(days=1)
    hidden.hidden_reason = "Piilotettu: ehdotus sisälsi toisen henkilön yhteystietoja."
    for position, proposal in enumerate(proposals):
        for supporter in authors[: (position * 3) % len(authors) + 1]:
            db.add(Support(proposal_id=proposal.id, user_id=supporter.id, created_at=now - timedelta(hours=position)))
        proposal.support_count = (position * 3) % len(authors) + 1
    first = proposals[0]
    # A thread three levels deep (a reply to a reply), and a second top-level comment.
    parents: list[int | None] = [None, 0, 1, None]
    made: list[Comment] = []
    for position, ((stance, body), parent_index) in enumerate(zip(COMMENTS, parents, strict=True)):
        parent = made[parent_index] if parent_index is not None else None
        comment = Comment(
            proposal_id=first.id,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author_id=authors[position + 1].id,
            stance=stance,
            body=body,
            upvote_count=3 - position,
            created_at=now - timedelta(hours=20 - position),
        )
        db.add(comment)
        await db.flush()
        made.append(comment)
    first.comment_count = len(COMMENTS)
    rude = Comment(
        proposal_id=proposals[1].id,
        author_id=authors[2].id,
        stance="against",
        body="Tämä on typerin idea ikinä, ja tiedän missä ehdottaja asuu.",
        created_at=now - timedelta(hours=5),
    )
    db.add(rude)
    proposals[1].comment_count = 1
    await db.flush()
    for reporter, reason in ((resident, "offensive"), (users["facilitator"], "personal_data")):
        db.add(
            Report(
                target_type="comment",
                target_id=rude.id,
                reporter_id=reporter.id,
                reason=reason,
                details="Uhkaava sävy." if reason == "offensive" else "",
                created_at=now - timedelta(hours=3),
            )
        )
    db.add(
        Report(
            target_type="proposal",
            target_id=proposals[5].id,
            reporter_id=users["council_member"].id,
            reason="off_topic",
            details="Kuuluu kaupungin normaaliin viherhoitoon.",
            created_at=now - timedelta(hours=2),
        )
    )

    # Round 2025: reviewed, merged and on the ballot; the vote opens after the review phase.
    reviewed = []
    for index, (title, summary, district, theme, cost) in enumerate(IDEAS[6:] + IDEAS[:2]):
        reviewed.append(
            _proposal(
                past_round,
                authors[(index + 2) % len(authors)],
                title,
                summary,
                district,
                theme,
                cost,
                districts,
                now - timedelta(days=80 - index),
            )
        )
    db.add_all(reviewed)
    await db.flush()
    plan = _proposal(
        past_round,
        admin,
        "Liikuntapaikat Itään: koirapuisto ja ulkokuntosali",
        "Kaksi samaan puistoon sopivaa ehdotusta yhdistettiin yhdeksi suunnitelmaksi.",
        2,
        0,
        120_000,
        districts,
        now - timedelta(days=40),
    )
    plan.is_plan = True
    db.add(plan)
    await db.flush()
    for source in (reviewed[1], reviewed[2]):
        source.merged_into_id = plan.id
        _event(
            source,
            "merged",
            ProposalStatus.MERGED,
            f"Yhdistetty suunnitelmaan ”{plan.title}”.",
            now - timedelta(days=40),
        )
    decisions = [
        (reviewed[0], Feasibility.FEASIBLE, "Toteutettavissa kaupungin omana työnä.", 2_200_000, 2_800_000),
        (
            reviewed[3],
            Feasibility.NOT_FEASIBLE,
            "Tori on yksityisen kiinteistöyhtiön maalla; kaupunki ei voi "
            "järjestää siellä tapahtumia osallistuvan budjetoinnin rahoilla.",
            None,
            None,
        ),
        (reviewed[4], Feasibility.FEASIBLE, "Toteutettavissa; vaatii rakennusluvan.", 9_500_000, 9_500_000),
        (reviewed[5], Feasibility.FEASIBLE, "Toteutettavissa yhdessä liikennelaitoksen kanssa.", 3_000_000, 3_000_000),
        (plan, Feasibility.FEASIBLE, "Molemmat osat mahtuvat puiston itäreunaan.", 11_000_000, 12_000_000),
        (reviewed[6], Feasibility.NOT_FEASIBLE, "Polulla on jo valaistus, joka uusitaan vuonna 2027.", None, None),
    ]
    for proposal, feasibility, reason, low, high in decisions:
        db.add(
            ReviewAssignment(
                proposal_id=proposal.id,
                reviewer_id=reviewer.id,
                assigned_by_id=admin.id,
                assigned_at=now - timedelta(days=35),
            )
        )
        db.add(
            Review(
                proposal_id=proposal.id,
                feasibility=feasibility,
                public_reason=reason,
                cost_min_cents=low,
                cost_max_cents=high,
                decided_by_id=reviewer.id,
                decided_at=now - timedelta(days=20),
            )
        )
        status = ProposalStatus.FEASIBLE if feasibility == Feasibility.FEASIBLE else ProposalStatus.NOT_FEASIBLE
        _event(proposal, "reviewed", status, reason, now - timedelta(days=20))
    db.add(
        InternalNote(
            proposal_id=reviewed[4].id,
            author_id=reviewer.id,
            body="Rakennusvalvonnan kanssa sovittu alustavasti; lupa noin kahdessa kuukaudessa.",
            created_at=now - timedelta(days=22),
        )
    )
    db.add(
        ReviewAssignment(
            proposal_id=reviewed[7].id,
            reviewer_id=reviewer.id,
            assigned_by_id=admin.id,
            assigned_at=now - timedelta(days=10),
        )
    )
    citywide, district_budget = past_round.budgets[0], past_round.budgets[1]
    for proposal, budget, cost in (
        (reviewed[0], citywide, 2_800_000),
        (plan, district_budget, 12_000_000),
        (reviewed[4], district_budget, 9_500_000),
    ):
        db.add(
            Project(
                budget_id=budget.id,
                proposal_id=proposal.id,
                title=proposal.title,
                summary=proposal.summary,
                cost_cents=cost,
                created_at=now - timedelta(days=5),
            )
        )
        _event(
            proposal,
            "on_ballot",
            ProposalStatus.ON_BALLOT,
            f"Äänestyksessä: {budget.name_fi}.",
            now - timedelta(days=5),
        )
    await db.commit()


def _process(
    slug: str, fi: str, sv: str, en: str, districts: list[District], now: datetime, open_phase: str
) -> Process:
    process = Process(
        slug=slug,
        name_fi=fi,
        name_sv=sv,
        name_en=en,
        is_published=True,
        age_bands=AGE_BANDS,
        description_fi=(
            "Esimerkkilä käyttää **miljoona euroa** asukkaiden ideoihin. Tee ehdotus, kommentoi muiden "
            "ehdotuksia ja äänestä lopuksi, mitkä toteutetaan.\n\n- Ehdotuksen voi tehdä kuka tahansa asukas.\n"
            "- Kaupungin asiantuntijat arvioivat ehdotusten toteutettavuuden ja kustannukset."
        ),
        description_sv=(
            "Esimerkkilä använder **en miljon euro** till invånarnas idéer. Lämna ett förslag, kommentera andras "
            "och rösta till sist om vilka som genomförs."
        ),
        description_en=(
            "Esimerkkilä spends **one million euros** on residents' ideas. Make a proposal, comment on others' "
            "and finally vote on which ones are carried out."
        ),
    )
    open_index = PHASE_ORDER.index(open_phase)  # type: ignore[arg-type]
    for position, kind in enumerate(PHASE_ORDER):
        starts = now + timedelta(days=(position - open_index) * 30 - 10)
        process.phases.append(Phase(kind=kind, starts_at=starts, ends_at=starts + timedelta(days=30)))
    for district in districts:
        process.districts.append(
            ProcessDistrict(
                district_id=district.id,
                population_by_age={
                    band: round(district.population * share) for band, share in zip(AGE_BANDS, AGE_SHARES, strict=True)
                },
            )
        )
    process.budgets.append(
        Budget(name_fi="Koko kaupunki", name_sv="Hela staden", name_en="City-wide", amount_cents=40_000_000, position=0)
    )
    process.budgets.append(
        Budget(
            name_fi="Itäinen suurpiiri",
            name_sv="Östra stordistriktet",
            name_en="Eastern District",
            district_id=districts[2].id,
            amount_cents=25_000_000,
            position=1,
        )
    )
    for position, (theme_fi, theme_sv, theme_en) in enumerate(THEMES):
        process.themes.append(Theme(name_fi=theme_fi, name_sv=theme_sv, name_en=theme_en, position=position))
    return process


def _proposal(
    process: Process,
    author: User,
    title: str,
    summary: str,
    district: int | None,
    theme: int,
    cost: int,
    districts: list[District],
    at: datetime,
    status: ProposalStatus = ProposalStatus.PUBLISHED,
) -> Proposal:
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id,
        title=title,
        summary=summary,
        body=f"{summary}\n\n## Miksi?\n\nIdea tuli asukasillassa. Se palvelisi **kaikkia ikäryhmiä**.\n\n"
        "- Toteutus yhden kesän aikana\n- Ylläpito kaupungin omana työnä",
        language="fi",
        district_id=districts[district].id if district is not None else None,
        theme_id=process.themes[theme].id,
        author_cost_cents=cost * 100,
        status=status,
        created_at=at,
        updated_at=at,
        published_at=at if status != ProposalStatus.DRAFT else None,
    )
    if status != ProposalStatus.DRAFT:
        proposal.events.append(ProposalEvent(kind="published", status=ProposalStatus.PUBLISHED, at=at))
    return proposal


def _event(proposal: Proposal, kind: str, status: ProposalStatus, note: str, at: datetime) -> None:
    proposal.status = status
    proposal.events.append(ProposalEvent(kind=kind, status=status, public_note=note, at=at))
