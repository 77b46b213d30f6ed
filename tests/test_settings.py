from __future__ import annotations

from pathlib import Path

import pytest

from pb.settings import DEVELOPMENT_SECRET_KEY, Settings, SettingsError


def test_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "PB_DATABASE_URL": "postgresql://pb@db/pb",
            "PB_BASE_URL": "https://osallistu.example.fi/",
            "PB_SECRET_KEY": "s" * 40,
            "PB_REDIS_URL": "redis://127.0.0.1:6379/0",
            "PB_SMTP_HOST": "smtp.example.fi",
            "PB_SMTP_PORT": "587",
            "PB_SMTP_STARTTLS": "true",
            "PB_DEFAULT_LANGUAGE": "sv",
            "PB_TIMEZONE": "Europe/Helsinki",
        }
    )
    assert settings.base_url == "https://osallistu.example.fi"
    assert (settings.smtp_port, settings.smtp_starttls, settings.default_language) == (587, True, "sv")
    assert settings.uses_https and not settings.is_local


def test_the_development_secret_key_is_refused_for_a_public_address() -> None:
    with pytest.raises(SettingsError, match="PB_SECRET_KEY"):
        Settings.from_env({"PB_BASE_URL": "https://osallistu.example.fi"})


def test_the_development_secret_key_is_fine_on_this_machine() -> None:
    assert Settings.from_env({}).secret_key == DEVELOPMENT_SECRET_KEY


def test_the_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("f" * 48 + "\n")
    settings = Settings.from_env({"PB_SECRET_KEY_FILE": str(secret), "PB_BASE_URL": "https://pb.example.fi"})
    assert settings.secret_key == "f" * 48


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"PB_SMTP_PORT": "twenty-five"}, "PB_SMTP_PORT must be a whole number"),
        ({"PB_SMTP_STARTTLS": "maybe"}, "PB_SMTP_STARTTLS must be true or false"),
        ({"PB_DEFAULT_LANGUAGE": "de"}, "PB_DEFAULT_LANGUAGE"),
        ({"PB_BASE_URL": "ftp://x"}, "PB_BASE_URL"),
        ({"PB_SECRET_KEY": "short"}, "at least 32"),
    ],
)
def test_a_bad_setting_is_named_in_the_error(environment: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environment)


def test_the_app_refuses_to_start_with_the_development_key_on_a_public_address(tmp_path: Path) -> None:
    from pb.app import create_app

    with pytest.raises(SettingsError):
        create_app(Settings(base_url="https://osallistu.example.fi", session_dir=tmp_path))
