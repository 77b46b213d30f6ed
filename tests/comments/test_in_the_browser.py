"""The discussion and moderation pages in Chromium: axe-core's WCAG 2.1 A/AA rules in fi, sv and en, and posting,
replying, up-voting and editing both in place with htmx and by full page without JavaScript.

The app runs in a subprocess on a database seeded here (a thread three levels deep, a deleted and a hidden
comment, open reports and a blocked user), so the pages show every state they can be in.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from pb.db import make_sync_engine, utcnow
from pb.migrate import upgrade
from pb.moderation.models import Report, UserBlock
from tests.browser.support import (
    AXE,
    CHROMIUM,
    FAILED_LOAD,
    LANGUAGES,
    RunningApp,
    assert_no_axe_violations,
    missing_requirements,
)
from tests.comments.factories import add_comment, make_proposal
from tests.conftest import add_persona, make_process
from tests.personas import AINO, MIRJA, PEKKA, SIXTEN, Persona

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Seeded:
    app: RunningApp
    proposal: int
    top: int  # Sixten's comment with a thread three replies deep under it
    own: int  # Aino's comment, posted a minute ago (still editable)
    sixten: int
    pekka: int  # blocked


def _seed(database_url: str) -> dict[str, int]:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    with Session(engine, expire_on_commit=False) as db:
        users = {persona.email: add_persona(db, persona) for persona in (AINO, SIXTEN, PEKKA, MIRJA)}
        aino, sixten, pekka = users[AINO.email], users[SIXTEN.email], users[PEKKA.email]
        proposal = make_proposal(db, make_process(db), sixten)
        top = add_comment(db, proposal, sixten, "Hyvä **ajatus**, mutta kallis.", stance="for")
        first = add_comment(db, proposal, aino, "Olen eri mieltä.", parent=top, stance="against")
        second = add_comment(db, proposal, sixten, "Miksi?", parent=first)
        add_comment(db, proposal, aino, "Koska [näin](https://example.fi).", parent=second)
        deleted = add_comment(db, proposal, pekka, "Poistettu")
        deleted.deleted_at, deleted.body = utcnow(), ""
        hidden = add_comment(db, proposal, sixten, "Loukkaus")
        hidden.hidden_at, hidden.hidden_reason = utcnow(), "Loukkaa toista asukasta"
        own = add_comment(db, proposal, aino, "Oma tuore kommentti", minutes_ago=1)
        db.add(Report(target_type="comment", target_id=top.id, reporter_id=aino.id, reason="spam", details="Mainos"))
        db.add(Report(target_type="user", target_id=sixten.id, reporter_id=aino.id, reason="offensive"))
        db.add(UserBlock(user_id=pekka.id, reason="Häiriköinti"))
        db.commit()
        ids = {"proposal": proposal.id, "top": top.id, "own": own.id, "sixten": sixten.id, "pekka": pekka.id}
    engine.dispose()
    return ids


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    missing = missing_requirements()
    if missing:
        if os.environ.get("PB_REQUIRE_BROWSER") == "1":
            pytest.fail("PB_REQUIRE_BROWSER=1 but the browser tests need " + ", ".join(missing), pytrace=False)
        pytest.skip("browser tests need " + ", ".join(missing))
    folder = tmp_path_factory.mktemp("pb-comments-browser")
    database_url = f"sqlite:///{folder / 'pb.db'}"
    ids = _seed(database_url)
    port = _free_port()
    app = RunningApp(base_url=f"http://127.0.0.1:{port}", mail_dir=folder / "mail", log_path=folder / "server.log")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PB_")}
    env.update(
        PB_DATABASE_URL=database_url,
        PB_SESSION_DIR=str(folder / "sessions"),
        PB_MAIL_DIR=str(app.mail_dir),
        PB_BASE_URL=app.base_url,
        PB_ARGON2_TIME_COST="1",
        PB_ARGON2_MEMORY_COST_KIB="8",
        PB_ARGON2_PARALLELISM="1",
    )
    pb = str(Path(sys.executable).with_name("pb"))
    with app.log_path.open("wb") as log:
        app.process = subprocess.Popen(
            [pb, "run", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(app.base_url + "/healthz", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or app.process.poll() is not None:
                    pytest.fail(app.explain("the app did not start"), pytrace=False)
                time.sleep(0.1)
        yield Seeded(app, **ids)
    finally:
        app.process.terminate()
        app.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(seeded: Seeded) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


class Tab:
    """A page in a fresh browser context, collecting console errors other than expected error statuses."""

    def __init__(self, browser: Any, seeded: Seeded, *, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.app = seeded.app
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith(FAILED_LOAD):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def go(self, path: str, language: str | None = None) -> Any:
        self.page.goto(self.app.url(path, language))
        return self.page

    def log_in(self, persona: Persona) -> None:
        page = self.go("/login", "en")
        page.fill("#email", persona.email)
        page.fill("#password", persona.password)
        with page.expect_navigation():
            page.click("main form[action='/login'] button[type=submit]")

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.app.explain("\n".join(self.problems))


def focus_moves_to(page: Any, element_id: str, timeout: float = 3.0) -> bool:
    # Polled from Python: Playwright's wait_for_function evaluates a string, which the app's CSP refuses.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate("() => document.activeElement ? document.activeElement.id : ''") == element_id:
            return True
        page.wait_for_timeout(50)
    return False


def assert_one_h1(page: Any) -> None:
    assert page.locator("h1").count() == 1, page.url


def test_the_discussion_pages_pass_axe_in_every_language(browser: Any, seeded: Seeded, axe_source: str) -> None:
    tab = Tab(browser, seeded)
    for language in LANGUAGES:
        page = tab.go(f"/proposals/{seeded.proposal}/comments", language)
        assert_no_axe_violations(page, seeded.app, axe_source)
    tab.log_in(AINO)
    pages = [
        f"/proposals/{seeded.proposal}/comments",
        f"/comments/{seeded.top}/reply",
        f"/comments/{seeded.own}/edit",
        f"/comments/{seeded.own}/delete",
        f"/report/comment/{seeded.top}",
        f"/report/user/{seeded.sixten}",
    ]
    for language in LANGUAGES:
        for path in pages:
            page = tab.go(path, language)
            assert_one_h1(page)
            assert_no_axe_violations(page, seeded.app, axe_source)
        # The report form with its errors showing (WCAG 2.1 SC 3.3.1).
        page = tab.go(f"/report/proposal/{seeded.proposal}", language)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator("#reason-error").count() == 1
        assert_no_axe_violations(page, seeded.app, axe_source)
    tab.close()


def test_the_moderation_pages_pass_axe_in_every_language(browser: Any, seeded: Seeded, axe_source: str) -> None:
    tab = Tab(browser, seeded)
    tab.log_in(MIRJA)
    pages = [
        "/moderation",
        f"/moderation/comment/{seeded.top}",
        f"/moderation/proposal/{seeded.proposal}",
        f"/moderation/user/{seeded.sixten}",
        f"/moderation/user/{seeded.pekka}",
    ]
    for language in LANGUAGES:
        for path in pages:
            page = tab.go(path, language)
            assert_one_h1(page)
            assert_no_axe_violations(page, seeded.app, axe_source)
    page = tab.go(f"/moderation/comment/{seeded.top}", "en")
    with page.expect_navigation():
        page.click("form[action$='/hide'] button[type=submit]")
    assert page.locator("#hide-reason-error").count() == 1
    assert_no_axe_violations(page, seeded.app, axe_source)
    tab.close()


def test_posting_replying_upvoting_and_editing_happen_in_place_with_htmx(
    browser: Any, seeded: Seeded, axe_source: str
) -> None:
    tab = Tab(browser, seeded)
    tab.log_in(AINO)
    page = tab.go(f"/proposals/{seeded.proposal}/comments", "en")
    address = page.url

    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-body-error")
    assert_no_axe_violations(page, seeded.app, axe_source)

    page.fill("#comment-body", "Posted in place")
    page.check("#comment-stance-for")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-list > li >> text=Posted in place")
    assert page.url == address  # no navigation
    assert page.input_value("#comment-body") == ""
    assert page.locator("#comment-body-error").count() == 0
    assert page.inner_text("#comments-status") == "Your comment has been published."

    top = seeded.top
    page.click(f"#comment-{top}-content a[href='/comments/{top}/reply']")
    page.wait_for_selector(f"#reply-{top}-body")
    # htmx moves the focus to the new form's text box ([autofocus]) once the swap settles.
    assert focus_moves_to(page, f"reply-{top}-body")
    page.fill(f"#reply-{top}-body", "A reply in place")
    page.click(f"#comment-{top}-reply-slot button[type=submit]")
    page.wait_for_selector(f"#comment-{top}-replies > li >> text=A reply in place")
    assert page.locator(f"#reply-{top}-body").count() == 0

    page.click(f"#comment-{top}-vote")
    page.wait_for_selector(f"#comment-{top}-vote[aria-pressed='true']")
    assert "1 up-vote" in page.inner_text(f"#comment-{top}-votes")
    page.click(f"#comment-{top}-vote")
    page.wait_for_selector(f"#comment-{top}-vote[aria-pressed='false']")

    own = seeded.own
    page.click(f"#comment-{own}-content a[href='/comments/{own}/edit']")
    page.wait_for_selector(f"#edit-{own}-body")
    page.fill(f"#edit-{own}-body", "Edited in place")
    page.click(f"#comment-{own}-content button[type=submit]")
    page.wait_for_selector(f"#comment-{own}-content >> text=Edited in place")
    assert "(edited)" in page.inner_text(f"#comment-{own}-content")
    assert page.url == address
    assert_no_axe_violations(page, seeded.app, axe_source)
    tab.close()


def test_posting_and_replying_work_by_full_page_without_javascript(browser: Any, seeded: Seeded) -> None:
    tab = Tab(browser, seeded, javascript=False)
    tab.log_in(SIXTEN)
    page = tab.go(f"/proposals/{seeded.proposal}/comments", "en")
    page.fill("#comment-body", "Posted without JavaScript")
    with page.expect_navigation():
        page.click("#comment-form button[type=submit]")
    assert f"/proposals/{seeded.proposal}#comment-" in page.url
    assert page.locator("text=Posted without JavaScript").count() == 1

    page = tab.go(f"/proposals/{seeded.proposal}/comments", "en")
    with page.expect_navigation():
        page.click(f"#comment-{seeded.own}-content a[href='/comments/{seeded.own}/reply']")
    assert page.url.startswith(seeded.app.url(f"/comments/{seeded.own}/reply"))
    page.fill(f"#reply-{seeded.own}-body", "Replied without JavaScript")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert f"/proposals/{seeded.proposal}#comment-" in page.url
    reply_id = page.url.rsplit("#comment-", 1)[1]
    assert page.locator(f"#comment-{seeded.own}-replies #comment-{reply_id}").count() == 1
    tab.close()
