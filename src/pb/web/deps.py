"""What handlers receive by dependency injection: a database session and the app's services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from pb.mail import Mailer
from pb.processes.cache import ProcessCache
from pb.reports.services import Reports
from pb.settings import Settings
from pb.voting.secrecy import Keys
from pb.web.throttle import Limit, Throttle


@dataclass(frozen=True)
class Services:
    settings: Settings
    hasher: PasswordHasher
    mailer: Mailer
    throttle: Throttle
    login_limit: Limit
    reset_limit: Limit
    register_limit: Limit
    # Voting: the keyed hashes of identifiers, codes and ballot links, and throttles on guessing codes and
    # identifiers (per entered value and per client address).
    voting_keys: Keys
    # PDF reports and letters, rendered in worker processes and cached by the digest of their inputs.
    reports: Reports
    code_limit: Limit
    census_limit: Limit
    receipt_limit: Limit
    # Voting day's hot paths read rounds from this per-worker cache, checked against the database on each use.
    process_cache: ProcessCache = field(default_factory=ProcessCache)


async def provide_db(request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    async with request.app.state.db.sessionmaker() as session:
        yield session


def provide_services(request: Request[Any, Any, Any]) -> Services:
    services: Services = request.app.state.services
    return services
