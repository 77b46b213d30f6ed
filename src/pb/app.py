"""Assembles the application: stores, database, templates, security, routes and error pages."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.logging.config import LoggingConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from pb.accounts.controllers import AccountController, AccountPageController
from pb.accounts.services import password_hasher
from pb.admin.controllers import AdminController
from pb.api.controllers import ROUTES as API_ROUTES
from pb.assisted.controllers import ROUTES as ASSISTED_ROUTES
from pb.audit.controllers import AuditController
from pb.comments.controllers import ROUTES as COMMENT_ROUTES
from pb.db import Database
from pb.eligibility.controllers import ROUTES as ELIGIBILITY_ROUTES
from pb.experts.urls import ROUTES as EXPERT_ROUTES
from pb.mail import Mailer
from pb.moderation.controllers import ROUTES as MODERATION_ROUTES
from pb.panels.controllers import ROUTES as PANEL_ROUTES
from pb.paper.controllers import ROUTES as PAPER_ROUTES
from pb.participation.controllers import ROUTES as PARTICIPATION_ROUTES
from pb.privacy.controllers import ROUTES as PRIVACY_ROUTES
from pb.processes.controllers import ROUTES as PROCESS_ROUTES
from pb.proposals.controllers import ROUTES as PROPOSAL_ROUTES
from pb.reports.controllers import ROUTES as REPORT_ROUTES
from pb.reports.services import ReportCache, Reports
from pb.results.controllers import ROUTES as RESULTS_ROUTES
from pb.results.past_controllers import ROUTES as PAST_ELECTION_ROUTES
from pb.review.controllers import ROUTES as REVIEW_ROUTES
from pb.settings import Settings
from pb.site.controllers import SiteController
from pb.voting.controllers import ROUTES as VOTING_ROUTES
from pb.voting.secrecy import Keys
from pb.voting.verification import ROUTES as VERIFICATION_ROUTES
from pb.web import errors
from pb.web.auth import LoginRequired
from pb.web.csrf import CSRFMiddleware
from pb.web.deps import Services, provide_db, provide_services
from pb.web.ids import IdRangeMiddleware
from pb.web.sessions import SessionLayer
from pb.web.shell import PbApp
from pb.web.templating import build_environment
from pb.web.throttle import CounterBackend, Limit, MemoryCounters, RedisCounters, Throttle

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def create_app(settings: Settings) -> PbApp:
    return configure_app(assemble_app(), settings)


def assemble_app() -> PbApp:
    """The routes, plugins, middleware and error pages: everything that does not depend on the settings.

    Registering pb's handlers is most of the cost of making an app (about 0.3 s); the test suite assembles one app
    and gives it each test's settings with ``configure_app``.
    """
    return PbApp(
        route_handlers=[
            SiteController,
            AccountController,
            AccountPageController,
            AdminController,
            AuditController,
            *PROCESS_ROUTES,
            *PROPOSAL_ROUTES,
            *COMMENT_ROUTES,
            *MODERATION_ROUTES,
            *REVIEW_ROUTES,
            *VOTING_ROUTES,
            *VERIFICATION_ROUTES,
            *ELIGIBILITY_ROUTES,
            *ASSISTED_ROUTES,
            *PAPER_ROUTES,
            *PARTICIPATION_ROUTES,
            *PRIVACY_ROUTES,
            *RESULTS_ROUTES,
            *PAST_ELECTION_ROUTES,
            *REPORT_ROUTES,
            *PANEL_ROUTES,
            *EXPERT_ROUTES,
            *API_ROUTES,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                cache_control=CacheControlHeader(max_age=3600, public=True),
            ),
        ],
        dependencies={"db": Provide(provide_db), "services": Provide(provide_services, sync_to_thread=False)},
        plugins=[HTMXPlugin()],
        # CSRF: a token in the server-side session instead of Litestar's double-submit cookie (web/csrf.py).
        middleware=[CSRFMiddleware(), IdRangeMiddleware()],
        exception_handlers={
            LoginRequired: errors.login_required,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
        # The framework's OpenAPI UI loads scripts from a CDN; pb's open data API documents itself (issue 7).
        openapi_config=None,
        logging_config=LoggingConfig(log_exceptions="debug", disable_stack_trace={404, 405, 403, 401}),
        on_shutdown=[_close_connections],
        debug=False,
    )


def configure_app(app: PbApp, settings: Settings) -> PbApp:
    """Gives an assembled app its settings: stores, database, mail, templates, throttles and the session layer.

    Everything a request reads of the settings is set here, replacing what an earlier call set.
    """
    settings.validate()
    redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
    session_store: Store = (
        RedisStore(redis, namespace="pb:sessions")
        if redis is not None
        else FileStore(settings.session_dir, create_directories=True)
    )
    counters: CounterBackend = RedisCounters(redis) if redis is not None else MemoryCounters()
    environment = build_environment(settings)
    services = Services(
        settings=settings,
        hasher=password_hasher(settings),
        mailer=Mailer(settings, environment),
        throttle=Throttle(counters),
        login_limit=Limit(
            "login",
            settings.login_attempts_per_account,
            settings.login_attempts_per_address,
            settings.throttle_window_seconds,
        ),
        reset_limit=Limit("reset", settings.reset_requests_per_account, settings.reset_requests_per_address, 3600),
        register_limit=Limit("register", 5, 20, settings.throttle_window_seconds),
        voting_keys=Keys(settings.secret_key),
        code_limit=Limit("voting-code", 5, 30, settings.throttle_window_seconds),
        census_limit=Limit("census-check", 5, 30, settings.throttle_window_seconds),
        # Receipts have 80 random bits, so guessing one is hopeless; this keeps a script from using the receipt
        # check as a load test, with counters of its own.
        receipt_limit=Limit("receipt-check", 10, 30, settings.throttle_window_seconds),
        reports=Reports(settings, cache=ReportCache(settings.report_cache_dir), logo=settings.municipality_logo),
    )
    app.template_engine = JinjaTemplateEngine.from_environment(environment)
    app.state.db = Database.connect(settings.database_url)
    app.state.redis = redis
    app.state.services = services
    app.state.settings = settings
    app.configure_shell(
        settings,
        SessionLayer(
            session_store,
            cookie_name="__Host-pb_session" if settings.uses_https else "pb_session",
            max_age=settings.session_max_age_seconds,
            secure=settings.uses_https,
        ),
    )
    return app


async def _close_connections(app: Litestar) -> None:
    await app.state.db.engine.dispose()
    if app.state.redis is not None:
        await app.state.redis.aclose()


def create_app_from_env() -> PbApp:
    """The ASGI factory for uvicorn (``uvicorn --factory pb.app:create_app_from_env``)."""
    return create_app(Settings.from_env())
