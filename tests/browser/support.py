"""What the browser tests share: the running app's handle, the axe check, logging in, reading email."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA: the level the EU Web Accessibility Directive (via EN 301 549) and Finland's
# Digipalvelulaki 306/2019 require of public-sector websites.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["fi", "sv", "en"]
# "Failed to load resource: the server responded with a status of 404" is how Chromium reports an error
# page we asked for on purpose (404, 403, a 422 form); it is only a problem for sub-resources (CSS, JS).
FAILED_LOAD = "Failed to load resource"


def missing_requirements() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        missing.append(f"{AXE.relative_to(REPO)} (npm ci)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e .[dev])")
    return missing


@dataclass
class RunningApp:
    base_url: str
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def url(self, path: str, language: str | None = None) -> str:
        if language is None:
            return self.base_url + path
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{separator}lang={language}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def explain(self, message: str) -> str:
        """``message`` followed by the end of the server's log, for failure messages."""
        return f"{message}\n\n--- last lines of the server log ({self.log_path}) ---\n{self.log_tail()}"

    def newest_email(self, to: str, *, after: float = 0.0, timeout: float = 5.0) -> email.message.EmailMessage:
        """The newest message written to the mail folder for ``to`` (modified after ``after``)."""
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for path in self.mail_dir.glob("*.eml"):
                modified = path.stat().st_mtime
                if modified < after:
                    continue
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if message["To"] == to:
                    found.append((modified, message))
            if found:
                return max(found, key=lambda pair: pair[0])[1]
            if time.monotonic() > deadline:
                raise AssertionError(self.explain(f"no email to {to} in {self.mail_dir}"))
            time.sleep(0.1)

    def link_in_newest_email(self, to: str, path_prefix: str, *, after: float = 0.0) -> str:
        """The first link in the newest email to ``to`` whose path starts with ``path_prefix``."""
        message = self.newest_email(to, after=after)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        for link in re.findall(r"https?://\S+", text):
            if link.startswith(self.base_url + path_prefix):
                return str(link)
        raise AssertionError(self.explain(f"no {path_prefix} link in the email to {to}:\n{text}"))


@dataclass
class BrowserProblems:
    """Console errors and uncaught exceptions seen by one test's pages (CSP violations arrive as errors)."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        def on_console(message: Any) -> None:
            if message.type != "error":
                return
            if message.text.startswith(FAILED_LOAD) and message.location.get("url") == page.url:
                return
            where = message.location.get("url") or page.url
            self.messages.append(f"console error on {page.url} (from {where}): {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught exception on {page.url}: {error}"))


def demo_password(email_address: str) -> str:
    from pb.demo import DEMO_USERS

    for user in DEMO_USERS:
        if user.email == email_address:
            return user.password
    raise KeyError(email_address)


def log_in(page: Any, app: RunningApp, email_address: str, password: str | None = None) -> None:
    """Log in through the login form, as a person would; ends on the page the login redirects to."""
    page.goto(app.url("/login"))
    page.fill("#email", email_address)
    page.fill("#password", password or demo_password(email_address))
    with page.expect_navigation():
        page.click("main form[action='/login'] button[type=submit]")
    assert "/login" not in page.url, app.explain(f"logging in as {email_address} failed; ended on {page.url}")


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any, app: RunningApp, axe_source: str) -> None:
    # evaluate, not add_script_tag: the app's CSP (script-src 'self') refuses inline scripts.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    assert not violations, app.explain(
        f"axe found WCAG 2.1 A/AA violations on {page.url}:\n{format_violations(violations)}"
    )


def tab_to(page: Any, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user moves through a page."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "selector => { const e = document.activeElement;"
            " return {matches: e.matches(selector), html: e.outerHTML.slice(0, 120)}; }",
            selector,
        )
        if focused["matches"]:
            return
        visited.append(focused["html"])
    raise AssertionError(f"{limit} presses of Tab did not reach {selector}; focus went to:\n" + "\n".join(visited))
