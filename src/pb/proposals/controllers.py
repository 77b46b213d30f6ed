"""HTTP for proposals: the list of a process, the form, the proposal page, images, supports, following, co-authors."""

from __future__ import annotations

import secrets
from typing import Any
from zoneinfo import ZoneInfo

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import User
from pb.comments.services import thread_context
from pb.i18n import N_
from pb.processes.models import Process
from pb.processes.services import get_process_for, now
from pb.proposals import forms, listing
from pb.proposals import services as proposals
from pb.proposals.forms import Action, ImageChanges, ProposalValues
from pb.proposals.images import MAX_IMAGE_BYTES, MAX_IMAGES, CleanImage, ImageProblem, reencode
from pb.proposals.models import STATUS_LABELS, Proposal, ProposalStatus
from pb.review.services import timeline_context
from pb.web.auth import current_user_or_none, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, clean_text, language_of, read_form, translator
from pb.web.responses import flash, page, see_other

# Three images of at most 5 MB each, plus the text fields and multipart overhead.
MAX_FORM_BYTES = MAX_IMAGES * MAX_IMAGE_BYTES + 1024 * 1024
ORDER_SEED = "proposal_order_seed"
VARY = {"Vary": "HX-Request"}


def is_fragment_request(request: Request[Any, Any, Any]) -> bool:
    """htmx asks for a part of the page; boosted links and history restores need the whole page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-history-restore-request") != "true"
        and headers.get("hx-boosted") != "true"
    )


def order_seed(request: Request[Any, Any, Any], timezone: str) -> str:
    """The random order's seed: kept in the visitor's session when they have one (a session is never started
    just for this), otherwise the day's date, so a visitor without cookies still pages through one order."""
    session = request.scope.get("session")
    if isinstance(session, dict) and session:
        seed = session.get(ORDER_SEED)
        if not isinstance(seed, str):
            seed = session[ORDER_SEED] = secrets.token_hex(8)
        return seed
    return "day:" + now().astimezone(ZoneInfo(timezone)).date().isoformat()


# --- reading the multipart form --------------------------------------------------------------------------------


async def read_proposal_form(request: Request[Any, Any, Any]) -> tuple[dict[str, str], list[str], dict[int, bytes]]:
    """Text fields, the ids of images to remove, and the uploaded files by slot (empty file inputs skipped)."""
    data = await read_form(request)
    form = await request.form()
    removals: list[str] = []
    uploads: dict[int, bytes] = {}
    for key, value in form.multi_items():
        if key == "remove_image" and isinstance(value, str):
            removals.append(value[:20])
        elif isinstance(value, UploadFile):
            try:
                slot = key.removeprefix("new_image_")
                # One byte more than allowed is enough to know the file is too large.
                content = await value.read(MAX_IMAGE_BYTES + 1)
                if slot.isascii() and slot.isdigit() and int(slot) in forms.IMAGE_SLOTS and content:
                    uploads[int(slot)] = content
            finally:
                await value.close()
    return data, removals, uploads


async def clean_images(
    changes: ImageChanges, errors: Errors, request: Request[Any, Any, Any]
) -> list[tuple[CleanImage, str]]:
    """Re-encode every new image (in a worker thread: decoding is CPU work), errors next to their file input."""
    _ = translator(request)
    cleaned: list[tuple[CleanImage, str]] = []
    for image in changes.new:
        result = await anyio.to_thread.run_sync(reencode, image.raw)
        if isinstance(result, ImageProblem):
            errors.add(f"new_image_{image.slot}", forms.image_message(result, _))
        else:
            cleaned.append((result, image.alt_text))
    return cleaned


# --- pages --------------------------------------------------------------------------------------------------


async def form_page(
    db: AsyncSession,
    process: Process,
    *,
    status: int = 200,
    proposal: Proposal | None = None,
    data: dict[str, str] | None = None,
    errors: Errors | None = None,
    refusal: str | None = None,
    preview: ProposalValues | None = None,
) -> Template:
    images = await proposals.load_images(db, proposal) if proposal is not None else []
    return page(
        "proposals/form.html",
        status=status,
        process=process,
        proposal=proposal,
        districts=await proposals.districts_of(db, process),
        form=data if data is not None else forms.initial_form(proposal),
        errors=errors or Errors(),
        refusal=refusal,
        preview=preview,
        images=images,
        free_slots=forms.IMAGE_SLOTS[: max(0, MAX_IMAGES - len(images))],
    )


def map_url(proposal: Proposal) -> str | None:
    """A plain link to the point on OpenStreetMap: nothing is loaded from there unless the visitor follows it."""
    if proposal.latitude is None or proposal.longitude is None:
        return None
    lat, lon = proposal.latitude, proposal.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


async def detail_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    proposal: Proposal,
    *,
    status: int = 200,
    invite_form: dict[str, str] | None = None,
    invite_errors: Errors | None = None,
) -> Template:
    user = current_user_or_none(request)
    process = await proposals.process_of(db, proposal)
    author = await proposals.is_author(db, proposal, user)
    staff = proposals.is_staff(user)
    districts = {district.id: district for district in await proposals.districts_of(db, process)}
    context: dict[str, Any] = {
        "proposal": proposal,
        "process": process,
        "district": districts.get(proposal.district_id or 0),
        "theme": next((theme for theme in process.themes if theme.id == proposal.theme_id), None),
        "images": await proposals.load_images(db, proposal),
        "authorship": await proposals.authorship(db, proposal),
        "is_author": author,
        # Moderated content stays readable to staff (they decide on it) and to its authors (they can fix it).
        "show_content": proposal.hidden_at is None or staff or author,
        "can_edit": author and proposals.can_edit(process, proposal),
        "can_withdraw": author and proposals.can_withdraw(proposal),
        "follow": await proposals.following(db, proposal, user),
        "can_follow": user is not None and user.email_verified,
        "invite_form": invite_form or {},
        "invite_errors": invite_errors or Errors(),
        "report_target_type": "proposal",
        "report_target_id": proposal.id,
        "map_url": map_url(proposal),
        "status_labels": STATUS_LABELS,
    }
    context.update(await support_context(db, process, proposal, user))
    context.update(await thread_context(db, proposal, user))
    context.update(await timeline_context(db, proposal, user))
    return page("proposals/detail.html", status=status, **context)


async def support_context(db: AsyncSession, process: Process, proposal: Proposal, user: User | None) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "supported": await proposals.has_supported(db, proposal, user),
        "support_refusal": await proposals.support_refusal(db, process, proposal, user),
    }


# --- controllers --------------------------------------------------------------------------------------------


class ProcessProposalsController(Controller):
    """A process's proposals: the list, and making a new one."""

    path = "/processes/{slug:str}/proposals"
    include_in_schema = False

    @get("/", name="proposal_list")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        q: FromQuery[str | None] = None,
        district: FromQuery[str | None] = None,
        theme: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        user = current_user_or_none(request)
        process = await get_process_for(db, user, slug)
        wanted = forms.parse_list_query(q, district, theme, status, sort, page, process)
        found = await listing.find_proposals(db, process, wanted, seed=order_seed(request, services.settings.timezone))
        districts = await proposals.districts_of(db, process)
        context: dict[str, Any] = {
            "process": process,
            "found": found,
            "wanted": wanted,
            "districts": districts,
            "district_names": {item.id: item for item in districts},
            "theme_names": {item.id: item for item in process.themes},
            "statuses": forms.STATUS_FILTER,
            "status_labels": STATUS_LABELS,
            "sorts": list(forms.Sort),
            "list_url": f"/processes/{process.slug}/proposals",
        }
        # htmx: the filter form and the links in the list update only the list; the address bar follows.
        if is_fragment_request(request):
            return Template(template_name="proposals/_list.html", context=context, headers=VARY)
        context["drafts"] = await listing.drafts_of(db, process, user)
        context["can_propose"] = proposals.proposals_open(process)
        return Template(template_name="proposals/list.html", context=context, headers=VARY)

    @get("/new", guards=[requires_login])
    async def new(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template:
        user = signed_in(request)
        process = await get_process_for(db, user, slug)
        refusal = await proposals.submit_refusal(db, user, process)
        return await form_page(db, process, status=403 if refusal else 200, refusal=refusal)

    @post("/", guards=[requires_login], request_max_body_size=MAX_FORM_BYTES)
    async def create(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await get_process_for(db, user, slug)
        refusal = await proposals.submit_refusal(db, user, process)
        if refusal:
            return await form_page(db, process, status=403, refusal=refusal)
        _ = translator(request)
        data, _removals, uploads = await read_proposal_form(request)
        values, errors = forms.parse_proposal(data, process, _)
        changes = forms.parse_image_changes(data, [], uploads, [], errors, _)
        action = forms.parse_action(data.get("action"), published=False)
        images = await clean_images(changes, errors, request)
        if errors:
            return await form_page(db, process, status=422, data=data, errors=errors)
        if action == Action.PREVIEW:
            return await form_page(db, process, data=data, preview=values)
        proposal = await proposals.create_proposal(
            db, process, user, values, images, publish=action == Action.PUBLISH, language=language_of(request)
        )
        published = action == Action.PUBLISH
        flash(request, _(N_("Your proposal has been published.") if published else N_("Your draft has been saved.")))
        return see_other(f"/proposals/{proposal.id}")


class ProposalController(Controller):
    """One proposal: its page, images, editing, withdrawing, supports, following and co-authors."""

    path = "/proposals/{proposal_id:int}"
    include_in_schema = False

    @get("/", name="proposal")
    async def show(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template:
        proposal = await proposals.get_proposal_for(db, current_user_or_none(request), proposal_id)
        return await detail_page(request, db, proposal)

    @get("/images/{image_id:int}")
    async def image(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        proposal_id: FromPath[int],
        image_id: FromPath[int],
    ) -> Response[bytes]:
        image = await proposals.get_image_for(db, current_user_or_none(request), proposal_id, image_id)
        return Response(
            content=image.data,
            media_type=image.media_type,
            # Private: a draft's or a hidden proposal's image must not stay in a shared cache.
            headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
        )

    @get("/edit", guards=[requires_login])
    async def edit_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template:
        proposal, process = await self._editable(request, db, proposal_id)
        return await form_page(db, process, proposal=proposal)

    @post("/edit", guards=[requires_login], request_max_body_size=MAX_FORM_BYTES)
    async def edit(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template | Redirect:
        proposal, process = await self._editable(request, db, proposal_id)
        _ = translator(request)
        data, removals, uploads = await read_proposal_form(request)
        values, errors = forms.parse_proposal(data, process, _)
        existing = [image.id for image in await proposals.load_images(db, proposal)]
        changes = forms.parse_image_changes(data, removals, uploads, existing, errors, _)
        action = forms.parse_action(data.get("action"), published=proposal.status != ProposalStatus.DRAFT)
        images = await clean_images(changes, errors, request)
        if errors:
            return await form_page(db, process, status=422, proposal=proposal, data=data, errors=errors)
        if action == Action.PREVIEW:
            return await form_page(db, process, proposal=proposal, data=data, preview=values)
        publish = action == Action.PUBLISH
        await proposals.update_proposal(
            db,
            proposal,
            values,
            new_images=images,
            removed_image_ids=changes.removed_ids,
            alt_texts=changes.alt_texts,
            publish=publish,
        )
        flash(request, _(N_("Your proposal has been published.") if publish else N_("Your changes have been saved.")))
        return see_other(f"/proposals/{proposal.id}")

    async def _editable(
        self, request: Request[Any, Any, Any], db: AsyncSession, proposal_id: int
    ) -> tuple[Proposal, Process]:
        proposal = await proposals.get_proposal_for(db, signed_in(request), proposal_id, write=True)
        process = await proposals.process_of(db, proposal)
        if not proposals.can_edit(process, proposal):
            raise PermissionDeniedException(detail="editing has ended")
        return proposal, process

    @get("/withdraw", guards=[requires_login])
    async def withdraw_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template:
        proposal = await self._withdrawable(request, db, proposal_id)
        return page("proposals/withdraw.html", proposal=proposal, form={}, errors=Errors())

    @post("/withdraw", guards=[requires_login])
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        proposal_id: FromPath[int],
    ) -> Template | Redirect:
        proposal = await self._withdrawable(request, db, proposal_id)
        _ = translator(request)
        data = await read_form(request)
        reason = forms.one_line(data.get("reason"))
        if len(reason) > 500:
            errors = Errors()
            errors.add("reason", _("The reason can be at most 500 characters long."))
            return page("proposals/withdraw.html", status=422, proposal=proposal, form=data, errors=errors)
        await proposals.withdraw_proposal(db, proposal, reason)
        await proposals.notify_followers(
            services,
            db,
            proposal,
            N_("A proposal you follow has been withdrawn"),
            "proposals/email_withdrawn.txt",
            skip_user_id=signed_in(request).id,
            reason=reason,
        )
        flash(request, translator(request)(N_("Your proposal has been withdrawn.")))
        return see_other(f"/proposals/{proposal.id}")

    async def _withdrawable(self, request: Request[Any, Any, Any], db: AsyncSession, proposal_id: int) -> Proposal:
        proposal = await proposals.get_proposal_for(db, signed_in(request), proposal_id, write=True)
        if not proposals.can_withdraw(proposal):
            raise PermissionDeniedException(detail="only a published proposal can be withdrawn")
        return proposal

    @post("/support", guards=[requires_login])
    async def support(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._set_support(request, db, proposal_id, supported=True)

    @post("/unsupport", guards=[requires_login])
    async def unsupport(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._set_support(request, db, proposal_id, supported=False)

    async def _set_support(
        self, request: Request[Any, Any, Any], db: AsyncSession, proposal_id: int, *, supported: bool
    ) -> Template | Redirect:
        user = signed_in(request)
        proposal = await proposals.get_proposal_for(db, user, proposal_id)
        process = await proposals.process_of(db, proposal)
        if await proposals.support_refusal(db, process, proposal, user):
            raise PermissionDeniedException(detail="supporting is not possible")
        if supported:
            await proposals.add_support(db, proposal, user)
        else:
            await proposals.remove_support(db, proposal, user)
        if is_fragment_request(request):
            context = await support_context(db, process, proposal, user)
            return Template(template_name="proposals/_support.html", context=context, headers=VARY)
        return see_other(f"/proposals/{proposal.id}#support")

    @post("/follow", guards=[requires_login])
    async def follow(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Redirect:
        user = signed_in(request)
        proposal = await proposals.get_proposal_for(db, user, proposal_id)
        if not user.email_verified:
            raise PermissionDeniedException(detail="confirm the email address first")
        data = await read_form(request)
        await proposals.follow(db, proposal, user, notify_comments=clean_text(data.get("notify_comments")) == "yes")
        flash(request, translator(request)(N_("You follow this proposal. We will email you about it.")))
        return see_other(f"/proposals/{proposal.id}#follow")

    @post("/unfollow", guards=[requires_login])
    async def unfollow(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[int]
    ) -> Redirect:
        user = signed_in(request)
        proposal = await proposals.get_proposal_for(db, user, proposal_id)
        await proposals.unfollow(db, proposal, user)
        flash(request, translator(request)(N_("You no longer follow this proposal.")))
        return see_other(f"/proposals/{proposal.id}#follow")

    @post("/coauthors", guards=[requires_login])
    async def invite(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        proposal_id: FromPath[int],
    ) -> Template | Redirect:
        proposal, _process = await self._editable(request, db, proposal_id)
        _ = translator(request)
        data = await read_form(request)
        email, errors = forms.parse_coauthor_email(data, _)
        token = None
        if not errors:
            try:
                token = await proposals.invite_coauthor(db, proposal, email)
            except proposals.InvitationRefused as refusal:
                errors.add("email", _(str(refusal.args[0])))
        if errors or token is None:
            return await detail_page(request, db, proposal, status=422, invite_form=data, invite_errors=errors)
        invitee = await db.scalar(select(User).where(User.email == email))
        mailer = services.mailer
        await mailer.send(
            mailer.compose(
                email,
                invitee.preferred_language if invitee is not None else language_of(request),
                N_("You have been invited to co-author a proposal"),
                "proposals/email_coauthor_invitation.txt",
                proposal=proposal,
                inviter=signed_in(request),
                link=f"{services.settings.base_url}/coauthor-invitations/{token}",
            )
        )
        flash(request, _(N_("We sent an invitation to %(email)s.")) % {"email": email})
        return see_other(f"/proposals/{proposal.id}#coauthors")


class CoauthorInvitationController(Controller):
    path = "/coauthor-invitations/{token:str}"
    guards = [requires_login]
    include_in_schema = False

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Template:
        invitation = await proposals.find_invitation(db, token)
        proposal = await db.get(Proposal, invitation.proposal_id) if invitation is not None else None
        return page("proposals/invitation.html", status=200 if proposal else 404, token=token, proposal=proposal)

    @post("/")
    async def accept(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Template | Redirect:
        user = signed_in(request)
        invitation = await proposals.find_invitation(db, token)
        if invitation is None:
            return page("proposals/invitation.html", status=404, token=token, proposal=None)
        if not user.email_verified:
            raise PermissionDeniedException(detail="confirm the email address first")
        proposal_id = invitation.proposal_id
        await proposals.accept_invitation(db, invitation, user)
        flash(request, translator(request)(N_("You are now a co-author of this proposal.")))
        return see_other(f"/proposals/{proposal_id}")


# Controllers of this package, registered by pb.app.
ROUTES: list[Any] = [ProcessProposalsController, ProposalController, CoauthorInvitationController]
