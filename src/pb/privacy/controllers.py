"""HTTP for the resident's own data (issue 7): download, notification settings, account deletion, and the
privacy notice and accessibility statement."""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Response, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import end_session, signed_in
from pb.comments.models import Comment
from pb.db import utcnow
from pb.experts.services import registry_settings
from pb.i18n import N_
from pb.privacy import accessibility, forms
from pb.privacy.deletion import ContentChoice, StaffAccount, delete_account, password_matches
from pb.privacy.export import build_export
from pb.privacy.notifications import TOPIC_HINTS, TOPIC_LABELS, Topic, save_settings, settings_of
from pb.privacy.retention import BASIS_TEXTS, CATEGORIES, FATE_TEXTS, PERIOD_TEXTS, period_values
from pb.proposals.models import Proposal, ProposalStatus
from pb.web.auth import client_address, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, language_of, read_form, translator
from pb.web.responses import flash, page, see_other

DELETED_PATH = "/privacy/account-deleted"


def feedback_address(services: Services) -> str | None:
    """Where accessibility feedback and data-protection requests go (Digipalvelulaki 306/2019 15 §).

    Settings.contact_email (PB_CONTACT_EMAIL); without it the pages direct people to the municipality's registry
    office instead of showing an address pb does not know.
    """
    return services.settings.contact_email


class PrivacyPages(Controller):
    """Public pages: anyone may read how pb handles data and how accessible it is, before having an account."""

    include_in_schema = False

    @get("/privacy", name="privacy")
    async def notice(self, db: NamedDependency[AsyncSession], services: NamedDependency[Services]) -> Template:
        return page(
            "privacy/notice.html",
            categories=CATEGORIES,
            basis_texts=BASIS_TEXTS,
            fate_texts=FATE_TEXTS,
            period_texts=PERIOD_TEXTS,
            # The periods the code runs with, so that the notice cannot promise another (issue 7).
            periods=period_values(services.settings, await registry_settings(db)),
            contact=feedback_address(services),
        )

    @get("/accessibility", name="accessibility")
    async def statement(self, services: NamedDependency[Services]) -> Template:
        return page("privacy/accessibility.html", facts=accessibility, contact=feedback_address(services))

    @get(DELETED_PATH)
    async def deleted(self) -> Template:
        # Shown after deletion, to someone who no longer has an account (so no flash message can carry this).
        return page("privacy/deleted.html")


async def deletion_context(db: AsyncSession, request: Request[Any, Any, Any]) -> dict[str, Any]:
    user = signed_in(request)
    drafts = (Proposal.author_id == user.id, Proposal.status == ProposalStatus.DRAFT)
    published = (Proposal.author_id == user.id, Proposal.status != ProposalStatus.DRAFT)
    return {
        "is_staff": user.is_staff,
        "has_password": user.password_hash is not None,
        "published_count": await db.scalar(select(func.count()).select_from(Proposal).where(*published)) or 0,
        "draft_count": await db.scalar(select(func.count()).select_from(Proposal).where(*drafts)) or 0,
        "comment_count": await db.scalar(
            select(func.count()).select_from(Comment).where(Comment.author_id == user.id, Comment.deleted_at.is_(None))
        )
        or 0,
        "choices": list(ContentChoice),
    }


class OwnDataController(Controller):
    """The signed-in resident's own data: take it with them, choose their emails, delete their account."""

    path = "/account"
    guards = [requires_login]
    include_in_schema = False

    @get("/data", name="own_data")
    async def download(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Response[bytes]:
        user = signed_in(request)
        export = await build_export(db, services.settings, user, language_of(request), client_address(request))
        body = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
        filename = f"pb-my-data-{utcnow().date().isoformat()}.json"
        return Response(
            body,
            media_type="application/json; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                # Personal data: no shared or browser cache keeps a copy.
                "Cache-Control": "no-store",
            },
        )

    @get("/notifications", name="notifications")
    async def notifications(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        chosen = await settings_of(db, signed_in(request))
        return page(
            "privacy/notifications.html",
            topics=list(Topic),
            labels=TOPIC_LABELS,
            hints=TOPIC_HINTS,
            chosen=chosen,
        )

    @post("/notifications")
    async def save_notifications(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Redirect:
        chosen = forms.parse_notifications(await read_form(request))
        await save_settings(db, signed_in(request), chosen)
        flash(request, translator(request)(N_("Your email choices have been saved.")))
        return see_other("/account/notifications")

    @get("/delete", name="delete_account")
    async def delete_form(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        return page("privacy/delete.html", form={}, errors=Errors(), **await deletion_context(db, request))

    @post("/delete")
    async def delete(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        user = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_deletion(data, _)
        address = client_address(request)
        # The password form is a password guess like the login form: the same limits apply.
        if not errors and await services.throttle.is_blocked(services.login_limit, user.email, address):
            errors.add("password", _("Too many failed attempts. Wait 15 minutes and try again."))
        if not errors and not await password_matches(services.hasher, user, form.password):
            await services.throttle.record(services.login_limit, user.email, address)
            errors.add("password", _("The password is wrong."))
        if not errors:
            try:
                await delete_account(db, user, form.content)
            except StaffAccount:
                errors.add("password", _("Staff accounts cannot be deleted here. Ask an administrator."))
            else:
                end_session(request)
                return see_other(DELETED_PATH)
        context = await deletion_context(db, request)
        return page("privacy/delete.html", status=422, form=data, errors=errors, **context)


ROUTES = [PrivacyPages, OwnDataController]
