"""Production shape: several app processes share PostgreSQL and Redis, so a login made through one process is
valid in the other and the login throttle counts attempts made through both."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pb.migrate import upgrade
from tests.conftest import csrf_token_in, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# A database of its own: this test runs in the SQLite suite while the PostgreSQL suite uses `test` beside it
# (`make test` runs both at once), and it drops and recreates its schema.
ADMIN_URL = os.environ.get("PB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_URL = ADMIN_URL.rsplit("/", 1)[0] + "/pb_test_processes"
REDIS_URL = os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    if not (reachable(5432) and reachable(6379)):
        if os.environ.get("PB_REQUIRE_SERVICES") == "1":
            pytest.fail("PostgreSQL (5432) and Redis (6379) must run for this test")
        pytest.skip("PostgreSQL and Redis are not running on 127.0.0.1")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    from sqlalchemy import create_engine

    from pb.db import sync_url

    admin = create_engine(sync_url(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = 'pb_test_processes'").first()
        if exists is None:
            connection.exec_driver_sql("CREATE DATABASE pb_test_processes")
    admin.dispose()
    engine = create_engine(sync_url(POSTGRES_URL))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    upgrade(POSTGRES_URL)
    work = tmp_path_factory.mktemp("processes")
    env = {
        **os.environ,
        "PB_DATABASE_URL": POSTGRES_URL,
        "PB_REDIS_URL": REDIS_URL,
        "PB_MAIL_DIR": str(work / "mail"),
        "PB_ARGON2_TIME_COST": "1",
        "PB_ARGON2_MEMORY_COST_KIB": "8",
        "PB_ARGON2_PARALLELISM": "1",
    }
    created = subprocess.run(
        [sys.executable, "-m", "pb.cli", "user", "create", "--email", "aino@example.fi", "--password-stdin"],
        input="aino-salasana-1\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    servers, urls, logs = [], [], []
    for index in range(2):
        port = free_port()
        log = Path(work / f"server{index}.log")
        logs.append(log)
        with log.open("w") as output:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "pb.cli", "run", "--port", str(port)],
                    env={**env, "PB_BASE_URL": f"http://127.0.0.1:{port}"},
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, log in zip(urls, logs, strict=True):
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server {url} did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield urls[0], urls[1]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def csrf_token(client: httpx.Client, url: str) -> str:
    """The login form's token (it lives in the session the form starts)."""
    return csrf_token_in(client.get(f"{url}/login").text)


def test_a_login_made_through_one_process_is_valid_in_the_other(two_processes: tuple[str, str]) -> None:
    first, second = two_processes
    with httpx.Client() as browser:
        token = csrf_token(browser, first)
        response = browser.post(
            f"{first}/login", data={"email": "aino@example.fi", "password": "aino-salasana-1", "_csrf_token": token}
        )
        assert response.status_code == 303
        # The same cookies, sent to the other process (as a load balancer would).
        account = browser.get(f"{second}/account")
        assert account.status_code == 200 and "aino@example.fi" in account.text


def test_the_login_throttle_counts_attempts_made_through_both_processes(two_processes: tuple[str, str]) -> None:
    first, second = two_processes
    with httpx.Client() as browser:
        token = csrf_token(browser, first)
        for attempt in range(5):
            url = first if attempt % 2 else second
            browser.post(f"{url}/login", data={"email": "aino@example.fi", "password": "wrong", "_csrf_token": token})
        blocked = browser.post(
            f"{first}/login?lang=en",
            data={"email": "aino@example.fi", "password": "aino-salasana-1", "_csrf_token": token},
        )
        assert blocked.status_code == 422 and "Too many failed attempts" in blocked.text
