"""Fixtures shared by all tests: a migrated database (SQLite or PostgreSQL), the app, a test client that
speaks forms with CSRF tokens, a real SMTP server, and the personas.

Set PB_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run the suite on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from litestar.testing import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from pb.accounts.models import User, UserRole
from pb.app import assemble_app, configure_app, create_app
from pb.db import Base, make_sync_engine, utcnow
from pb.migrate import upgrade
from pb.models import Base as _all_models  # noqa: F401  (every table registered)
from pb.settings import Settings
from pb.web.shell import PbApp
from tests.personas import Persona

TEST_DATABASE_URL = os.environ.get("PB_TEST_DATABASE_URL", "")
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 8, "argon2_parallelism": 1}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- database -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file (copied per test) or the PostgreSQL database."""
    if TEST_DATABASE_URL:
        engine = make_sync_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
        upgrade(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


def empty_postgresql_database(url: str) -> None:
    """Every table emptied and every sequence restarted, as TRUNCATE ... RESTART IDENTITY would leave them.

    TRUNCATE gives each table new files, about 0.4 s for all of pb's tables on every test; deleting the few rows a
    test wrote takes milliseconds. The deletes run with session_replication_role = replica, which skips triggers
    (the audit log refuses deletes, the configuration-version triggers would update rows being deleted) and
    foreign-key checks, so the order does not matter. That setting needs a superuser; as another role the tests
    fall back to TRUNCATE.
    """
    engine = make_sync_engine(url)
    try:
        with engine.begin() as connection:
            if connection.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                connection.exec_driver_sql(
                    "; ".join(f'DELETE FROM "{table.name}"' for table in Base.metadata.sorted_tables)
                )
                connection.exec_driver_sql(
                    "SELECT setval(sequence.oid, 1, false) FROM pg_class AS sequence"
                    " JOIN pg_namespace AS namespace ON namespace.oid = sequence.relnamespace"
                    " WHERE sequence.relkind = 'S' AND namespace.nspname = current_schema()"
                )
            else:
                tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        engine.dispose()


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if migrated_template.startswith("postgresql"):
        empty_postgresql_database(migrated_template)
        yield migrated_template
        return
    source = Path(migrated_template.removeprefix("sqlite:///"))
    target = tmp_path / "pb.db"
    shutil.copyfile(source, target)
    yield f"sqlite:///{target}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_sync_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A synchronous session for arranging data and checking what the app stored."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# --- email --------------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the in-process SMTP server received."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str) -> Message:
        found = self.to(address)
        assert found, f"no email to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]

    def link_in_last_to(self, address: str) -> str:
        body = self.last_to(address).get_payload(decode=True)
        assert isinstance(body, bytes)
        match = re.search(r"https?://\S+", body.decode())
        assert match, body
        return match.group(0)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Mailbox:
    smtp_server[1].clear()
    return smtp_server[1]


# --- app ----------------------------------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_server: tuple[Controller, Mailbox]) -> Settings:
    return Settings(
        database_url=database_url,
        base_url="http://testserver.local",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server[0].port,
        mail_dir=tmp_path / "mail",
        session_dir=tmp_path / "sessions",
        report_cache_dir=tmp_path / "reports",
        **CHEAP_ARGON2,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def assembled_app() -> PbApp:
    return assemble_app()


@pytest.fixture
def app(settings: Settings, assembled_app: PbApp, request: pytest.FixtureRequest) -> Iterator[PbApp]:
    """The app with this test's settings.

    Registering the routes is most of the cost of making an app, so one assembled app serves every test and
    ``configure_app`` gives it each test's settings, database and stores. A test that adds routes is marked
    ``own_app`` and gets an app of its own, since the routes would stay for every later test.
    """
    if request.node.get_closest_marker("own_app"):
        yield create_app(settings)
        return
    routes = len(assembled_app.routes)
    yield configure_app(assembled_app, settings)
    assert len(assembled_app.routes) == routes, "this test added routes to the shared app: mark it own_app"


SESSION_COOKIES = ("pb_session", "__Host-pb_session")
_CSRF_TOKEN_IN_PAGE = re.compile(r'name="_csrf_token" value="([^"]+)"|"x-csrftoken": "([^"]+)"')


def csrf_token_in(html: str) -> str:
    """The CSRF token a page carries: a form's hidden field, or the header htmx sends (on <body>)."""
    found = _CSRF_TOKEN_IN_PAGE.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1) or found.group(2)


class FormClient(TestClient[PbApp]):
    """A test client that sends forms the way a browser does, CSRF token included."""

    # (session id, token): the token lives in the server-side session, so it is read again from a page whenever
    # the session changes (first form, login, logout, a code voter's new session id).
    _csrf: tuple[str, str] | None = None

    def session_id(self) -> str | None:
        for name in SESSION_COOKIES:
            if value := self.cookies.get(name):
                return value
        return None

    def csrf_token(self) -> str:
        session_id = self.session_id()
        if session_id is None or self._csrf is None or self._csrf[0] != session_id:
            # The login form starts a session for an anonymous visitor; a signed-in one is sent on to a page
            # whose <body> carries the token for htmx.
            token = csrf_token_in(self.get("/login", follow_redirects=True).text)
            session_id = self.session_id()
            assert session_id, "a page with a form started no session"
            self._csrf = (session_id, token)
        return self._csrf[1]

    def submit(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False, **kwargs: Any) -> Any:
        form = dict(data or {})
        form.setdefault("_csrf_token", self.csrf_token())
        headers = {"HX-Request": "true"} if htmx else {}
        return self.post(path, data=form, headers=headers, follow_redirects=False, **kwargs)

    def log_in(self, persona: Persona) -> None:
        response = self.submit("/login", {"email": persona.email, "password": persona.password})
        assert response.status_code == 303, response.text


@pytest.fixture
def client(app: PbApp) -> Iterator[FormClient]:
    with FormClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def another_client(settings: Settings) -> Iterator[FormClient]:
    """A second browser (another device of the same person, or somebody else), served by a second app
    instance on the same database and session store, as a second app process would be."""
    with FormClient(app=create_app(settings), base_url="http://testserver.local") as test_client:
        yield test_client


def add_persona(db: Session, persona: Persona) -> User:
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    user = User(
        email=persona.email,
        password_hash=hasher.hash(persona.password),
        display_name=persona.name,
        preferred_language=persona.language,
        email_verified_at=utcnow() if persona.verified else None,
    )
    for role in sorted(persona.roles):
        user.roles.append(UserRole(role=role))
    db.add(user)
    db.commit()
    return user


@pytest.fixture
def personas(db: Session) -> dict[str, User]:
    from tests.personas import ALL

    return {persona.email: add_persona(db, persona) for persona in ALL}


def count(db: Session, table: str) -> int:
    return int(db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# --- participatory budgeting ----------------------------------------------------------------------------


def make_process(
    db: Session,
    *,
    slug: str = "omabudjetti-2026",
    open_phase: str | None = "proposals",
    published: bool = True,
) -> Any:
    """A process with two districts, a city-wide and a district budget, two themes and all six phases.

    ``open_phase`` is open now; earlier phases have ended and later ones are upcoming (None: all upcoming).
    """
    from datetime import timedelta

    from pb.districts.models import District
    from pb.processes.models import PHASE_ORDER, Budget, Phase, Process, ProcessDistrict, Theme

    districts = db.scalars(select_districts()).all()
    if not districts:
        districts = [
            District(code="keskusta", name_fi="Keskusta", name_sv="Centrum", name_en="Centre", population=1000),
            District(code="saaristo", name_fi="Saaristo", name_sv="Skärgården", name_en="Archipelago", population=200),
        ]
        db.add_all(districts)
        db.flush()
    process = Process(
        slug=slug,
        name_fi="Omabudjetti 2026",
        name_sv="Egen budget 2026",
        name_en="Own Budget 2026",
        description_fi="Kaupunki jakaa **miljoona euroa** asukkaiden ehdotuksille.",
        description_sv="Staden fördelar **en miljon euro** till invånarnas förslag.",
        description_en="The city gives **one million euros** to residents' proposals.",
        is_published=published,
    )
    now = utcnow()
    index = PHASE_ORDER.index(open_phase) if open_phase else len(PHASE_ORDER)  # type: ignore[arg-type]
    for position, kind in enumerate(PHASE_ORDER):
        offset = (position - index) * 30
        starts = now + timedelta(days=offset)
        process.phases.append(Phase(kind=kind, starts_at=starts, ends_at=starts + timedelta(days=30)))
    for district in districts:
        process.districts.append(
            ProcessDistrict(district_id=district.id, population_by_age={"12-17": 100, "18-64": 600, "65+": 300})
        )
    process.budgets.append(
        Budget(name_fi="Koko kaupunki", name_sv="Hela staden", name_en="City-wide", amount_cents=50_000_000, position=0)
    )
    process.budgets.append(
        Budget(
            name_fi="Keskusta",
            name_sv="Centrum",
            name_en="Centre",
            district_id=districts[0].id,
            amount_cents=20_000_000,
            position=1,
        )
    )
    process.themes.append(Theme(name_fi="Liikunta", name_sv="Idrott", name_en="Sports", position=0))
    process.themes.append(Theme(name_fi="Luonto", name_sv="Natur", name_en="Nature", position=1))
    db.add(process)
    db.commit()
    return process


def select_districts() -> Any:
    from sqlalchemy import select

    from pb.districts.models import District

    return select(District).order_by(District.position, District.id)
