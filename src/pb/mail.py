"""Outgoing email: SMTP when configured, otherwise a folder of .eml files (and a line in the log)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import anyio
import jinja2

from pb import i18n
from pb.settings import Settings

log = logging.getLogger("pb.mail")


class Mailer:
    def __init__(self, settings: Settings, environment: jinja2.Environment) -> None:
        self.settings = settings
        self.environment = environment

    def compose(self, to: str, language: str, subject: str, template: str, **context: Any) -> EmailMessage:
        """An email in the recipient's language; ``subject`` is an English message id."""
        body = self.environment.get_template(template).render(
            language=language, base_url=self.settings.base_url, **context
        )
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = i18n.gettext(language, subject)
        message["Message-ID"] = make_msgid(domain="pb.local")
        message.set_content(body)
        # After set_content, which replaces every Content-* header set before it.
        message["Content-Language"] = language
        return message

    async def send(self, message: EmailMessage) -> None:
        await anyio.to_thread.run_sync(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        if self.settings.smtp_host is None:
            folder = self.settings.mail_dir
            folder.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
            path = folder / f"{name}.eml"
            path.write_bytes(message.as_bytes())
            log.info("mail to %s (%s) written to %s", message["To"], message["Subject"], path)
            return
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=30) as smtp:
            if self.settings.smtp_starttls:
                smtp.starttls()
            if self.settings.smtp_username and self.settings.smtp_password:
                smtp.login(self.settings.smtp_username, self.settings.smtp_password)
            smtp.send_message(message)
