"""All configuration, read once from the environment into one frozen object (see the README's table)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Used only when PB_SECRET_KEY is unset; refused for any non-local base URL (see Settings.check_production).
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
LANGUAGES = ("fi", "sv", "en")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "testserver.local"}


class SettingsError(ValueError):
    """A setting has a value the app cannot run with; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///pb.db"
    secret_key: str = DEVELOPMENT_SECRET_KEY
    base_url: str = "http://127.0.0.1:8000"
    municipality_name: str = "Esimerkkilä"
    default_language: str = "fi"
    timezone: str = "Europe/Helsinki"
    redis_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "pb@localhost"
    mail_dir: Path = field(default_factory=lambda: Path("var/mail"))
    session_dir: Path = field(default_factory=lambda: Path("var/sessions"))
    session_max_age_seconds: int = 14 * 24 * 3600
    # argon2id parameters (RFC 9106 "second recommended option", argon2-cffi's default profile).
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    argon2_parallelism: int = 4
    # Throttling: attempts allowed per window, each counter separate (account and client address).
    login_attempts_per_account: int = 5
    login_attempts_per_address: int = 20
    reset_requests_per_account: int = 3
    reset_requests_per_address: int = 10
    throttle_window_seconds: int = 900
    # Content reported by this many different people is hidden until a moderator decides (issue 3).
    auto_hide_reports: int = 3
    # Reports: the logo on report covers (PNG or SVG; none: the name only) and where finished PDFs are cached.
    municipality_logo: Path | None = None
    # Where accessibility feedback and data-protection requests go (the privacy and accessibility pages).
    contact_email: str | None = None
    report_cache_dir: Path = field(default_factory=lambda: Path("var/reports"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def text(name: str, default: str | None) -> str | None:
            value = env.get(name)
            return default if value is None or value == "" else value

        def integer(name: str, default: int) -> int:
            raw = text(name, None)
            if raw is None:
                return default
            try:
                return int(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None

        def boolean(name: str, default: bool) -> bool:
            raw = text(name, None)
            if raw is None:
                return default
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise SettingsError(f"{name} must be true or false, got {raw!r}")

        defaults = cls()
        settings = cls(
            database_url=text("PB_DATABASE_URL", defaults.database_url) or defaults.database_url,
            secret_key=_read_secret(env) or DEVELOPMENT_SECRET_KEY,
            base_url=(text("PB_BASE_URL", defaults.base_url) or defaults.base_url).rstrip("/"),
            municipality_name=text("PB_MUNICIPALITY_NAME", defaults.municipality_name) or "",
            default_language=text("PB_DEFAULT_LANGUAGE", defaults.default_language) or "fi",
            timezone=text("PB_TIMEZONE", defaults.timezone) or defaults.timezone,
            redis_url=text("PB_REDIS_URL", None),
            smtp_host=text("PB_SMTP_HOST", None),
            smtp_port=integer("PB_SMTP_PORT", defaults.smtp_port),
            smtp_username=text("PB_SMTP_USERNAME", None),
            smtp_password=text("PB_SMTP_PASSWORD", None),
            smtp_starttls=boolean("PB_SMTP_STARTTLS", defaults.smtp_starttls),
            mail_from=text("PB_MAIL_FROM", defaults.mail_from) or defaults.mail_from,
            mail_dir=Path(text("PB_MAIL_DIR", str(defaults.mail_dir)) or "var/mail"),
            session_dir=Path(text("PB_SESSION_DIR", str(defaults.session_dir)) or "var/sessions"),
            argon2_time_cost=integer("PB_ARGON2_TIME_COST", defaults.argon2_time_cost),
            argon2_memory_cost_kib=integer("PB_ARGON2_MEMORY_COST_KIB", defaults.argon2_memory_cost_kib),
            argon2_parallelism=integer("PB_ARGON2_PARALLELISM", defaults.argon2_parallelism),
            auto_hide_reports=integer("PB_AUTO_HIDE_REPORTS", defaults.auto_hide_reports),
            contact_email=text("PB_CONTACT_EMAIL", None),
            municipality_logo=Path(logo) if (logo := text("PB_MUNICIPALITY_LOGO", None)) else None,
            report_cache_dir=Path(text("PB_REPORT_CACHE_DIR", str(defaults.report_cache_dir)) or "var/reports"),
        )
        settings.validate()
        return settings

    @property
    def is_local(self) -> bool:
        return (urlsplit(self.base_url).hostname or "") in LOCAL_HOSTS

    @property
    def uses_https(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    def validate(self) -> None:
        if self.default_language not in LANGUAGES:
            raise SettingsError(f"PB_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        if urlsplit(self.base_url).scheme not in {"http", "https"}:
            raise SettingsError("PB_BASE_URL must start with http:// or https://")
        if not self.is_local and self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise SettingsError(
                "PB_SECRET_KEY is not set: the development key is refused for the non-local "
                f"base URL {self.base_url}. Set PB_SECRET_KEY (or PB_SECRET_KEY_FILE) to a long random value."
            )
        if self.auto_hide_reports < 1:
            raise SettingsError("PB_AUTO_HIDE_REPORTS must be at least 1")
        if len(self.secret_key) < 32:
            raise SettingsError("PB_SECRET_KEY must be at least 32 characters long")


def _read_secret(env: Mapping[str, str]) -> str | None:
    # A *_FILE variant lets container secrets stay out of the environment listing.
    path = env.get("PB_SECRET_KEY_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.get("PB_SECRET_KEY") or None
