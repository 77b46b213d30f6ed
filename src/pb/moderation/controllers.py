"""HTTP for moderation: residents' report form, and the moderators' queue and decisions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.forms import safe_next
from pb.accounts.models import Role
from pb.i18n import N_
from pb.moderation import forms
from pb.moderation import services as moderation
from pb.moderation.models import REASON_LABELS, ReportTarget
from pb.web.auth import client_address, requires_login, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, page, see_other

REASON_CHOICES = [(reason.value, label) for reason, label in REASON_LABELS.items()]
KIND_LABELS = {
    ReportTarget.PROPOSAL: N_("Proposal"),
    ReportTarget.COMMENT: N_("Comment"),
    ReportTarget.USER: N_("User"),
}
REPORT_HEADINGS = {
    ReportTarget.PROPOSAL: N_("Report a proposal"),
    ReportTarget.COMMENT: N_("Report a comment"),
    ReportTarget.USER: N_("Report a user"),
}
RESOLUTION_LABELS = {
    moderation.Resolution.HIDDEN: N_("hidden"),
    moderation.Resolution.RESTORED: N_("shown again"),
    moderation.Resolution.BLOCKED: N_("user blocked"),
    moderation.Resolution.DISMISSED: N_("dismissed"),
}


def back_to(target: moderation.Target, next_path: str | None) -> str:
    """Where the reporter returns: the reported content, or for a user the page the report link was on."""
    if target.type == ReportTarget.USER:
        return safe_next(next_path)
    return target.link


class ReportController(Controller):
    """Any signed-in user may report a proposal, a comment or a user, once."""

    path = "/report"
    guards = [requires_login]
    include_in_schema = False

    async def _render(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        target: moderation.Target,
        *,
        status: int = 200,
        form: dict[str, str] | None = None,
        errors: Errors | None = None,
        next_path: str | None = None,
    ) -> Template:
        _ = translator(request)
        return page(
            "moderation/report.html",
            status=status,
            target=target,
            heading=_(REPORT_HEADINGS[ReportTarget(target.type)]),
            back=back_to(target, next_path),
            already=await moderation.has_reported(db, signed_in(request), target),
            reasons=REASON_CHOICES,
            form=form or {},
            errors=errors or Errors(),
        )

    @get("/{target_type:str}/{target_id:int}", name="report")
    async def form(
        self,
        request: Request[Any, Any, Any],
        target_type: FromPath[str],
        target_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        next: FromQuery[str | None] = None,
    ) -> Template:
        target = await moderation.get_target_for(db, signed_in(request), target_type, target_id)
        return await self._render(request, db, target, next_path=next)

    @post("/{target_type:str}/{target_id:int}")
    async def send(
        self,
        request: Request[Any, Any, Any],
        target_type: FromPath[str],
        target_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        target = await moderation.get_target_for(db, user, target_type, target_id)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_report(data, _)
        if errors:
            return await self._render(
                request, db, target, status=422, form=data, errors=errors, next_path=data.get("next")
            )
        back = back_to(target, data.get("next"))
        outcome = await moderation.report(
            db, user, target, reason=form.reason, details=form.details, threshold=services.settings.auto_hide_reports
        )
        if outcome.created:
            flash(request, _("Thank you. The moderators will look at your report."))
        else:
            flash(request, _("You have already reported this. A moderator will look at it."), "info")
        return see_other(back)


class ModerationController(Controller):
    path = "/moderation"
    guards = [requires_role(Role.MODERATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="moderation")
    async def queue(self, db: NamedDependency[AsyncSession]) -> Template:
        return page(
            "moderation/queue.html",
            queue=await moderation.open_queue(db),
            blocked=await moderation.blocked_users(db),
            reason_labels=REASON_LABELS,
        )

    async def _render(
        self,
        db: AsyncSession,
        target: moderation.Target,
        *,
        status: int = 200,
        errors: dict[str, Errors] | None = None,
        values: dict[str, dict[str, str]] | None = None,
    ) -> Template:
        reports = await moderation.reports_of(db, target)
        author_id = target.author_id if target.type != ReportTarget.USER else None
        blocked_id = target.author_id
        return page(
            "moderation/target.html",
            status=status,
            target=target,
            kind_label=KIND_LABELS[ReportTarget(target.type)],
            author_id=author_id,
            author_name=await moderation.user_name(db, target.author_id),
            author_blocked=blocked_id is not None and await moderation.is_blocked(db, blocked_id),
            reports=reports,
            open_count=sum(report.resolved_at is None for report in reports),
            blocks=await moderation.blocks_of(db, target.id) if target.type == ReportTarget.USER else [],
            reason_labels=REASON_LABELS,
            resolution_labels=RESOLUTION_LABELS,
            errors=errors or {},
            values=values or {},
            no_errors=Errors(),
        )

    @get("/{target_type:str}/{target_id:int}", name="moderation_target")
    async def target(
        self,
        request: Request[Any, Any, Any],
        target_type: FromPath[str],
        target_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template:
        target = await moderation.get_target_for(db, signed_in(request), target_type, target_id)
        return await self._render(db, target)

    @post("/{target_type:str}/{target_id:int}/{action:str}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        target_type: FromPath[str],
        target_id: FromPath[int],
        action: FromPath[str],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        actor = signed_in(request)
        target = await moderation.get_target_for(db, actor, target_type, target_id)
        is_user = target.type == ReportTarget.USER
        allowed = {"block", "unblock", "dismiss"} if is_user else {"hide", "restore", "dismiss"}
        if action not in allowed:
            raise NotFoundException()
        _ = translator(request)
        address = client_address(request)
        if action == "dismiss":
            await moderation.dismiss(db, actor, target, address)
            flash(request, _("The reports have been dismissed."))
            return see_other(f"/moderation/{target.type}/{target.id}")
        data = await read_form(request)
        reason, errors = forms.parse_public_reason(data, _)
        if not errors and action == "block" and target.id == actor.id:
            errors.add("reason", _("You cannot block yourself."))
        if errors:
            return await self._render(db, target, status=422, errors={action: errors}, values={action: data})
        if action == "hide":
            await moderation.hide(db, actor, target, reason, address)
            flash(request, _("The content has been hidden."))
        elif action == "restore":
            await moderation.restore(db, actor, target, reason, address)
            flash(request, _("The content is shown again."))
        elif action == "block" and target.user is not None:
            await moderation.block(db, actor, target.user, reason, address)
            flash(request, _("The user has been blocked from posting."))
        elif action == "unblock" and target.user is not None:
            await moderation.unblock(db, actor, target.user, reason, address)
            flash(request, _("The block has been lifted."))
        return see_other(f"/moderation/{target.type}/{target.id}")


# Controllers of this package, registered by pb.app.
ROUTES: list[Any] = [ReportController, ModerationController]
