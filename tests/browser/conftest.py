"""Browser fixtures: the real app in a subprocess, Debian's Chromium driven by Playwright, axe-core.

One server and one browser per session; every test gets a fresh browser context (its own cookies), so tests
do not see each other's sessions. The recipe is in /work/shared/notes/stack.md section 4.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import AXE, CHROMIUM, BrowserProblems, RunningApp, log_in, missing_requirements


@pytest.fixture(scope="package", autouse=True)
def _browser_requirements() -> None:
    """Skip the browser tests where Chromium or axe-core is not installed; fail instead in CI."""
    missing = missing_requirements()
    if not missing:
        return
    message = "browser tests need " + ", ".join(missing)
    if os.environ.get("PB_REQUIRE_BROWSER") == "1":
        # CI sets PB_REQUIRE_BROWSER=1: a missing browser there is a broken pipeline, not a reason to skip.
        pytest.fail(f"PB_REQUIRE_BROWSER=1 but the {message}", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pb_command() -> str:
    beside_python = Path(sys.executable).with_name("pb")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("pb")
    if found is None:
        pytest.fail("the pb command is not installed (pip install -e .)", pytrace=False)
    return found


def _browser_database(folder: Path) -> str:
    """SQLite in the temporary folder, or on a PostgreSQL run a database of its own next to the test database
    (the other tests empty theirs between tests while this server keeps running)."""
    test_url = os.environ.get("PB_TEST_DATABASE_URL")
    if not test_url:
        return f"sqlite:///{folder / 'pb.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from pb.db import sync_url

    url = make_url(test_url)
    name = f"{url.database}_browser"
    engine = create_engine(sync_url(test_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The real app (`pb demo` then `pb run`) on a free port, with a fresh SQLite database, or on the
    PostgreSQL database named by PB_TEST_DATABASE_URL when the suite runs on PostgreSQL."""
    folder = tmp_path_factory.mktemp("pb-browser")
    port = _free_port()
    running = RunningApp(base_url=f"http://127.0.0.1:{port}", mail_dir=folder / "mail", log_path=folder / "server.log")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PB_")}
    env.update(
        PB_DATABASE_URL=_browser_database(folder),
        PB_SESSION_DIR=str(folder / "sessions"),
        PB_MAIL_DIR=str(running.mail_dir),
        PB_BASE_URL=running.base_url,
        # Cheap password hashing: the tests log in often, and the hash strength is not what they test.
        PB_ARGON2_TIME_COST="1",
        PB_ARGON2_MEMORY_COST_KIB="8",
        PB_ARGON2_PARALLELISM="1",
        PYTHONUNBUFFERED="1",
    )
    pb = _pb_command()
    with running.log_path.open("wb") as log:
        demo = subprocess.run([pb, "demo"], env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT, timeout=120)
        if demo.returncode != 0:
            pytest.fail(running.explain(f"`pb demo` failed with exit code {demo.returncode}"), pytrace=False)
        running.process = subprocess.Popen(
            [pb, "run", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(running)
        yield running
    finally:
        running.process.terminate()
        try:
            running.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()


def _wait_until_healthy(running: RunningApp, timeout: float = 30.0) -> None:
    assert running.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            pytest.fail(running.explain(f"`pb run` exited with code {running.process.returncode}"), pytrace=False)
        try:
            with urllib.request.urlopen(running.base_url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(running.explain(f"the app did not answer /healthz within {timeout:.0f} s"), pytrace=False)


# --- the browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    # Debian's Chromium: Playwright's own browser downloads are not available here (stack.md §4).
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def context(browser: Any, app: RunningApp) -> Iterator[Any]:
    context = browser.new_context(base_url=app.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any, app: RunningApp, browser_problems: BrowserProblems) -> Iterator[Any]:
    page = context.new_page()
    browser_problems.watch(page)
    yield page
    # Every test doubles as a check that its pages run without script errors or CSP violations.
    assert not browser_problems.messages, app.explain("\n".join(browser_problems.messages))


SESSION_COOKIE = "pb_session"


@pytest.fixture(scope="package")
def sign_in(app: RunningApp) -> Callable[..., None]:
    """Signs a page's context in as a user: through the login form the first time, then with that session.

    Reusing the session cookie saves a login round trip in most tests; none of them log these users out.
    """
    cookies: dict[str, list[dict[str, Any]]] = {}

    def sign_in(page: Any, email_address: str, password: str | None = None) -> None:
        if email_address in cookies:
            page.context.add_cookies(cookies[email_address])
            return
        log_in(page, app, email_address, password)
        cookies[email_address] = [cookie for cookie in page.context.cookies() if cookie["name"] == SESSION_COOKIE]
        assert cookies[email_address], app.explain(f"no {SESSION_COOKIE} cookie after logging in as {email_address}")

    return sign_in
