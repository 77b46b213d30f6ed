"""HTTP for the experts' own pages (joining, consents, profile, assignments and input, signing off summaries,
earnings, their data, leaving the registry), for requesting an assignment, and for reading published summaries.

Experts are residents with ordinary accounts (pb.accounts); these pages need a signed-in account, and every
loader checks that what is asked for belongs to that account (404 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.controllers import signed_in
from pb.experts import assignments, compensation, confidential, forms, registry, retention, summaries
from pb.experts import services as experts
from pb.experts.controllers import refusal_text
from pb.experts.models import (
    ASSIGNMENT_STATUS_LABELS,
    AVAILABILITY_LABELS,
    CONFIDENTIALITY_LABELS,
    CONSENT_LABELS,
    WORKING_LANGUAGES,
    AssignmentStatus,
    Confidentiality,
    ConsentPurpose,
    Expert,
    ExpertGroup,
    ExpertIdentity,
    ExpertStatus,
    FeePreference,
    InvitationResponse,
)
from pb.i18n import N_
from pb.web.auth import client_address, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, language_of, read_form, read_form_lists, translator
from pb.web.responses import flash, page, see_other

HOME = "/experts"


def _money(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100},{cents % 100:02d}"


def profile_form(expert: Expert, identity: ExpertIdentity, payment: Any) -> dict[str, Any]:
    """The form's values from what is stored; lists (areas, languages, times) as lists of strings."""
    return {
        "name": identity.name,
        "email": identity.email,
        "phone": identity.phone,
        "preferred_language": identity.preferred_language,
        "areas": [str(area_id) for area_id in sorted(expert.area_ids)],
        "trained": "yes" if expert.trained else "",
        "training_details": expert.training_details,
        "languages": list(expert.languages),
        "other_languages": expert.other_languages,
        "availability": list(expert.availability),
        "remote_ok": "yes" if expert.remote_ok else "",
        "unavailable_until": expert.unavailable_until.isoformat() if expert.unavailable_until else "",
        "access_needs": identity.access_needs,
        "fee_preference": payment.fee_preference if payment else FeePreference.FEE.value,
        "association_name": payment.association_name if payment else "",
        "withholding": _money(payment.withholding_basis_points) if payment else "",
        "has_earnings_limit": "yes" if payment and payment.has_earnings_limit else "",
        "earnings_limit": _money(payment.earnings_limit_cents) if payment else "",
    }


class ExpertController(Controller):
    path = HOME
    guards = [requires_login]
    include_in_schema = False

    @get("/", name="experts_home")
    async def home(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template:
        user = signed_in(request)
        day = experts.today(services.settings.timezone)
        entries = []
        for expert, group in await experts.own_entries(db, user):
            entries.append((expert, group, registry.in_force(await registry.consents_of(db, expert), day)))
        return page(
            "experts/me/home.html",
            entries=entries,
            invitations=await assignments.own_invitations(db, user),
            to_sign=await summaries.summaries_to_sign(db, user),
            consent_labels=CONSENT_LABELS,
            status_labels=ASSIGNMENT_STATUS_LABELS,
        )

    # --- joining ---

    @get("/join/{token:str}", name="experts_join")
    async def join_page(self, token: FromPath[str], db: NamedDependency[AsyncSession]) -> Template:
        found = await registry.find_invitation(db, token)
        if found is None:
            return page("experts/me/join.html", status=404, group=None, token=token)
        return page("experts/me/join.html", group=found[2], token=token)

    @post("/join/{token:str}")
    async def join(
        self, request: Request[Any, Any, Any], token: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        found = await registry.find_invitation(db, token)
        if found is None:
            return page("experts/me/join.html", status=404, group=None, token=token)
        expert, identity, _group = found
        _ = translator(request)
        try:
            await registry.accept_invitation(db, user, expert, identity, client_address(request))
        except experts.ExpertsRefused as refused:
            flash(request, refusal_text(refused, _), "error")
            return see_other(HOME)
        flash(request, _("Welcome. Step 1: read what you agree to, and give your consent."))
        return see_other(f"{HOME}/{expert.id}/consents")

    # --- consents ---

    async def _consents(
        self, db: AsyncSession, expert: Expert, services: Services, *, status: int = 200, **overrides: Any
    ) -> Template:
        group = await db.get(ExpertGroup, expert.group_id)
        assert group is not None
        history = await registry.consents_of(db, expert)
        context: dict[str, Any] = {
            "expert": expert,
            "group": group,
            "texts": await experts.current_consent_texts(db, group),
            "current": registry.in_force(history, experts.today(services.settings.timezone)),
            "history": history,
            "purposes": list(ConsentPurpose),
            "consent_labels": CONSENT_LABELS,
            "forms": {},
            "errors_by_purpose": {},
            "no_errors": Errors(),
        }
        context.update(overrides)
        return page("experts/me/consents.html", status=status, **context)

    @get("/{expert_id:int}/consents", name="experts_consents")
    async def consents(
        self,
        request: Request[Any, Any, Any],
        expert_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template:
        expert, _identity = await experts.get_own_expert(db, signed_in(request), expert_id)
        return await self._consents(db, expert, services)

    @post("/{expert_id:int}/consents/{purpose:str}")
    async def give_consent(
        self,
        request: Request[Any, Any, Any],
        expert_id: FromPath[int],
        purpose: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        expert, _identity = await experts.get_own_expert(db, user, expert_id)
        group = await db.get(ExpertGroup, expert.group_id)
        texts = await experts.current_consent_texts(db, group) if group else {}
        if purpose not in {item.value for item in texts}:
            raise NotFoundException()
        chosen = ConsentPurpose(purpose)
        _ = translator(request)
        data = await read_form(request)
        expires_on, errors = forms.parse_consent(
            data, _, experts.today(services.settings.timezone), texts[chosen].version
        )
        if not errors:
            try:
                await registry.give_consent(db, user, expert, texts[chosen], expires_on, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("agree", refusal_text(refused, _))
            else:
                if chosen is ConsentPurpose.REGISTRY and expert.profile_updated_at is None:
                    flash(request, _("Thank you. Step 2: fill in your details."))
                    return see_other(f"{HOME}/{expert.id}/profile")
                flash(request, _("Your consent has been saved."))
                return see_other(f"{HOME}/{expert.id}/consents")
        return await self._consents(
            db, expert, services, status=422, forms={purpose: data}, errors_by_purpose={purpose: errors}
        )

    @post("/{expert_id:int}/consents/{purpose:str}/withdraw")
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        expert_id: FromPath[int],
        purpose: FromPath[str],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        user = signed_in(request)
        expert, _identity = await experts.get_own_expert(db, user, expert_id)
        if purpose not in {ConsentPurpose.CONTACT.value, ConsentPurpose.NAMED.value}:
            raise NotFoundException()
        await registry.withdraw_consent(db, user, expert, ConsentPurpose(purpose), client_address(request))
        flash(request, translator(request)(N_("Your consent has been withdrawn. It is no longer used from now on.")))
        return see_other(f"{HOME}/{expert.id}/consents")

    # --- the profile ---

    async def _profile(
        self, db: AsyncSession, expert: Expert, identity: ExpertIdentity, *, status: int = 200, **overrides: Any
    ) -> Template:
        group = await db.get(ExpertGroup, expert.group_id)
        assert group is not None
        payment = await registry.payment_of(db, expert)
        context: dict[str, Any] = {
            "expert": expert,
            "group": group,
            "blocked": expert.status != ExpertStatus.ACTIVE,
            "areas": [area for area in group.areas if area.retired_at is None or area.id in expert.area_ids],
            "form": profile_form(expert, identity, payment),
            "errors": Errors(),
            "availability_labels": AVAILABILITY_LABELS,
            "working_languages": WORKING_LANGUAGES,
            "fee_preferences": list(FeePreference),
        }
        context.update(overrides)
        return page("experts/me/profile.html", status=status, **context)

    @get("/{expert_id:int}/profile", name="experts_profile")
    async def profile(
        self, request: Request[Any, Any, Any], expert_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        expert, identity = await experts.get_own_expert(db, signed_in(request), expert_id)
        return await self._profile(db, expert, identity)

    @post("/{expert_id:int}/profile")
    async def save_profile(
        self, request: Request[Any, Any, Any], expert_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        expert, identity = await experts.get_own_expert(db, user, expert_id)
        group = await db.get(ExpertGroup, expert.group_id)
        assert group is not None
        _ = translator(request)
        lists = await read_form_lists(request)
        offered = {area.id for area in experts.offered_areas(group)}
        form, errors = forms.parse_profile(lists, _, offered, expert.area_ids)
        if not errors:
            try:
                await registry.save_profile(db, user, expert, identity, form, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("name", refusal_text(refused, _))
            else:
                flash(request, _("Your details have been saved."))
                return see_other(HOME)
        shown = {
            key: values if key in {"areas", "languages", "availability"} else values[0] for key, values in lists.items()
        }
        for key in ("areas", "languages", "availability"):
            shown.setdefault(key, [])
        return await self._profile(db, expert, identity, status=422, form=shown, errors=errors)

    # --- leaving the registry ---

    @get("/{expert_id:int}/leave", name="experts_leave")
    async def leave_page(
        self, request: Request[Any, Any, Any], expert_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        expert, _identity = await experts.get_own_expert(db, signed_in(request), expert_id)
        group = await db.get(ExpertGroup, expert.group_id)
        return page("experts/me/leave.html", expert=expert, group=group, errors=Errors())

    @post("/{expert_id:int}/leave")
    async def leave(
        self, request: Request[Any, Any, Any], expert_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        expert, _identity = await experts.get_own_expert(db, user, expert_id)
        _ = translator(request)
        data = await read_form(request)
        if data.get("confirm") != "yes":
            errors = Errors()
            errors.add("confirm", _("Tick the box if you want to leave the registry."))
            group = await db.get(ExpertGroup, expert.group_id)
            return page("experts/me/leave.html", status=422, expert=expert, group=group, errors=errors)
        await registry.withdraw(db, user, expert, client_address(request), reason="own_request")
        flash(request, _("You have left the registry. Your contact details and your input have been deleted."))
        return see_other(HOME)

    # --- assignments and input ---

    async def _invitation(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        own: assignments.OwnInvitation,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        accepted = own.invitation.response == InvitationResponse.ACCEPTED
        inputs = (
            await confidential.read_own_input(db, signed_in(request), own, client_address(request)) if accepted else []
        )
        context: dict[str, Any] = {
            "own": own,
            "assignment": own.assignment,
            "accepted": accepted,
            "pending": own.invitation.response == InvitationResponse.PENDING
            and own.assignment.status == AssignmentStatus.OPEN,
            "can_write": accepted and own.assignment.status == AssignmentStatus.OPEN,
            "inputs": inputs,
            "sessions": await assignments.sessions_of(db, own.assignment),
            "confidentiality_labels": CONFIDENTIALITY_LABELS,
            "status_labels": ASSIGNMENT_STATUS_LABELS,
            "answer_form": {},
            "answer_errors": Errors(),
            "input_form": {},
            "input_errors": Errors(),
        }
        context.update(overrides)
        return page("experts/me/assignment.html", status=status, **context)

    @get("/assignments/{invitation_id:int}", name="experts_assignment")
    async def assignment(
        self, request: Request[Any, Any, Any], invitation_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        own = await assignments.get_own_invitation(db, signed_in(request), invitation_id)
        return await self._invitation(request, db, own)

    @post("/assignments/{invitation_id:int}/answer")
    async def answer(
        self, request: Request[Any, Any, Any], invitation_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        own = await assignments.get_own_invitation(db, user, invitation_id)
        _ = translator(request)
        data = await read_form(request)
        accept, errors = forms.parse_answer(data, _, own.assignment.agreement_version)
        if not errors:
            try:
                await assignments.answer(db, user, own, accept, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("answer", refusal_text(refused, _))
            else:
                flash(request, _("Thank you for taking part.") if accept else _("Thank you for letting us know."))
                return see_other(f"{HOME}/assignments/{invitation_id}")
        return await self._invitation(request, db, own, status=422, answer_form=data, answer_errors=errors)

    @post("/assignments/{invitation_id:int}/input")
    async def add_input(
        self, request: Request[Any, Any, Any], invitation_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        own = await assignments.get_own_invitation(db, user, invitation_id)
        _ = translator(request)
        data = await read_form(request)
        body, errors = forms.parse_body(data, _, N_("Write your input."))
        if not errors:
            try:
                await confidential.add_input(db, user, own, body, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("body", refusal_text(refused, _))
            else:
                flash(request, _("Your input has been saved. Only the group's coordinators can read it."))
                return see_other(f"{HOME}/assignments/{invitation_id}#input")
        return await self._invitation(request, db, own, status=422, input_form=data, input_errors=errors)

    @post("/assignments/{invitation_id:int}/input/{input_id:int}/delete")
    async def delete_input(
        self,
        request: Request[Any, Any, Any],
        invitation_id: FromPath[int],
        input_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        user = signed_in(request)
        own = await assignments.get_own_invitation(db, user, invitation_id)
        _ = translator(request)
        try:
            await confidential.delete_own_input(db, user, own, input_id, client_address(request))
        except experts.ExpertsRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            flash(request, _("Your input has been deleted."))
        return see_other(f"{HOME}/assignments/{invitation_id}#input")

    # --- signing off summaries ---

    @get("/summaries/{summary_id:int}", name="experts_signoff")
    async def signoff_page(
        self, request: Request[Any, Any, Any], summary_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        own = await summaries.get_own_summary(db, signed_in(request), summary_id)
        return page("experts/me/signoff.html", own=own, form={}, errors=Errors(), paragraphs=summaries.paragraphs)

    @post("/summaries/{summary_id:int}")
    async def sign_off(
        self, request: Request[Any, Any, Any], summary_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        own = await summaries.get_own_summary(db, user, summary_id)
        _ = translator(request)
        data = await read_form(request)
        (decision, comment), errors = forms.parse_signoff(data, _, own.summary.content_sha256)
        if errors:
            return page(
                "experts/me/signoff.html",
                status=422,
                own=own,
                form=data,
                errors=errors,
                paragraphs=summaries.paragraphs,
            )
        await summaries.sign_off(db, user, own, decision, comment, client_address(request))
        flash(request, _("Thank you. Your answer has been sent to the coordinator."))
        return see_other(HOME)

    # --- earnings and own data ---

    @get("/earnings", name="experts_earnings")
    async def earnings(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        years, payments = await compensation.own_earnings(db, signed_in(request))
        settings_row = await experts.registry_settings(db)
        return page(
            "experts/me/earnings.html",
            years=[(year, compensation.earnings_alert(year, payments, settings_row)) for year in years],
        )

    @get("/data", name="experts_data")
    async def data(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
        user = signed_in(request)
        document = await retention.own_data(db, user, language_of(request), client_address(request))
        return Response(
            content=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
            media_type="application/json",
            headers={
                "Content-Disposition": 'attachment; filename="pb-lived-experience-data.json"',
                "Cache-Control": "no-store",
            },
        )


class RequestController(Controller):
    """Asking a group for experts: any signed-in account (department staff use their ordinary accounts)."""

    path = "/expert-requests"
    guards = [requires_login]
    include_in_schema = False

    async def _page(
        self, request: Request[Any, Any, Any], db: AsyncSession, *, status: int = 200, **overrides: Any
    ) -> Template:
        user = signed_in(request)
        requests = await assignments.own_requests(db, user)
        groups = await assignments.all_groups(db)
        language = language_of(request)
        context: dict[str, Any] = {
            "requests": requests,
            "published": await summaries.published_for_requests(db, [item.id for item, _group in requests]),
            "groups": groups,
            "group_options": [(group.id, group.text("name", language)) for group in groups],
            "status_labels": ASSIGNMENT_STATUS_LABELS,
            "confidentiality_labels": CONFIDENTIALITY_LABELS,
            "form": {"confidentiality": Confidentiality.SECRET.value, "experts_wanted": "5"},
            "errors": Errors(),
        }
        context.update(overrides)
        return page("experts/requests.html", status=status, **context)

    @get("/", name="expert_requests")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        return await self._page(request, db)

    @post("/")
    async def submit(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
    ) -> Template | Redirect:
        user = signed_in(request)
        _ = translator(request)
        data = await read_form(request)
        groups = {group.id for group in await assignments.all_groups(db)}
        form, errors = forms.parse_request(data, _, groups, experts.today(services.settings.timezone))
        if errors:
            return await self._page(request, db, status=422, form=data, errors=errors)
        await assignments.submit_request(db, user, form, client_address(request))
        flash(request, _("Your request has been sent. The coordinator will contact you."))
        return see_other("/expert-requests")


class PublishedSummaryController(Controller):
    """Published summaries for decision makers; drafts and other people's assignments are 404."""

    path = "/expert-summaries"
    guards = [requires_login]
    include_in_schema = False

    @get("/{summary_id:int}", name="expert_summary")
    async def show(
        self,
        request: Request[Any, Any, Any],
        summary_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template:
        summary, assignment, group = await summaries.get_published_summary_for(db, signed_in(request), summary_id)
        facts = await summaries.report_facts(db, summary, assignment, experts.today(services.settings.timezone))
        return page("experts/published.html", summary=summary, group=group, facts=facts)

    @get("/{summary_id:int}/pdf", name="expert_summary_pdf")
    async def pdf(
        self,
        request: Request[Any, Any, Any],
        summary_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Response[bytes]:
        summary, assignment, group = await summaries.get_published_summary_for(db, signed_in(request), summary_id)
        language = language_of(request)
        facts = await summaries.report_facts(db, summary, assignment, experts.today(services.settings.timezone))
        title = i18n.gettext(language, N_("Summary of the lived-experience experts' views"))
        context = summaries.report_context(facts, group.text("name", language), title)
        pdf = await services.reports.pdf(summaries.REPORT_TEMPLATE, context, language)
        return Response(
            content=pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="expert-summary-{summary.id}-{language}.pdf"'},
        )
