"""The demo municipality: one account per role (passwords in the README), its districts and PB rounds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role
from pb.accounts.services import create_user, password_hasher
from pb.db import Database
from pb.demo_experts import load_experts_demo
from pb.demo_panels import load_panels_demo
from pb.demo_pb import load_pb_demo
from pb.demo_results import load_results_demo
from pb.demo_voting import load_voting_demo
from pb.districts.models import District
from pb.processes.models import Process
from pb.settings import Settings
from pb.voting.secrecy import Keys

DEMO_PASSWORD_SUFFIX = "-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role
    language: str

    @property
    def password(self) -> str:
        return f"{self.role.value.replace('_', '-')}{DEMO_PASSWORD_SUFFIX}"


DEMO_USERS = [
    DemoUser("asukas@example.fi", "Aino Asukas", Role.RESIDENT, "fi"),
    DemoUser("moderaattori@example.fi", "Mikko Moderaattori", Role.MODERATOR, "fi"),
    DemoUser("arvioija@example.fi", "Riikka Arvioija", Role.REVIEWER, "fi"),
    DemoUser("avustaja@example.fi", "Ville Avustaja", Role.VOTING_ASSISTANT, "fi"),
    DemoUser("fasilitaattori@example.fi", "Fanny Fasilitaattori", Role.FACILITATOR, "sv"),
    DemoUser("koordinaattori@example.fi", "Kaisa Koordinaattori", Role.COORDINATOR, "fi"),
    DemoUser("admin@example.fi", "Antti Admin", Role.ADMIN, "fi"),
    DemoUser("valtuutettu@example.fi", "Veera Valtuutettu", Role.COUNCIL_MEMBER, "en"),
]

# (code, Finnish, Swedish, English, residents) — an invented mid-sized municipality.
DEMO_DISTRICTS = [
    ("keskusta", "Keskusta", "Centrum", "City Centre", 18_400),
    ("pohjoinen", "Pohjoinen suurpiiri", "Norra stordistriktet", "Northern District", 12_950),
    ("itainen", "Itäinen suurpiiri", "Östra stordistriktet", "Eastern District", 15_300),
    ("lantinen", "Läntinen suurpiiri", "Västra stordistriktet", "Western District", 9_870),
    ("saaristo", "Saaristo", "Skärgården", "Archipelago", 2_140),
]


async def load_demo(settings: Settings) -> None:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as db:
            await _load(db, settings)
    finally:
        await database.engine.dispose()


async def _load(db: AsyncSession, settings: Settings) -> None:
    hasher = password_hasher(settings)
    users = {}
    for user in DEMO_USERS:
        users[user.role.value] = await create_user(
            db,
            hasher,
            email=user.email,
            password=user.password,
            display_name=user.name,
            roles={user.role},
            language=user.language,
        )
    districts = [
        District(code=code, name_fi=fi, name_sv=sv, name_en=en, population=population, position=position)
        for position, (code, fi, sv, en, population) in enumerate(DEMO_DISTRICTS)
    ]
    db.add_all(districts)
    await db.commit()
    await load_pb_demo(db, users, districts)
    await load_voting_demo(db, Keys(settings.secret_key), users, districts)
    # Counted last: the results of the ended round include its paper ballots.
    ended_vote = await db.scalar(select(Process).where(Process.slug == "omabudjetti-2024"))
    assert ended_vote is not None
    await load_results_demo(db, users, ended_vote, unit=settings.municipality_name)
    await load_panels_demo(db, users, districts, settings)
    await load_experts_demo(db, users, settings)
