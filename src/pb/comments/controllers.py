"""HTTP for comments: the thread page, posting, replying, editing, deleting and up-votes.

Every form works by full page (POST, then 303 back to the comment on the proposal page) and, with htmx, in place:
the handler answers an ``HX-Request`` with the fragment to swap and, where the form cannot know it, tells htmx
where to put it (``HX-Retarget``/``HX-Reswap``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import User
from pb.comments import forms
from pb.comments import services as comments
from pb.comments.models import STANCE_LABELS, Comment, Stance
from pb.i18n import N_
from pb.proposals import services as proposals
from pb.proposals.models import Proposal
from pb.proposals.services import get_proposal_for
from pb.web.auth import current_user_or_none, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, is_htmx, page, see_other

STANCE_CHOICES = [(stance.value, STANCE_LABELS[stance]) for stance in Stance]
PUBLISHED = N_("Your comment has been published.")
SAVED = N_("Your comment has been saved.")
DELETED = N_("Your comment has been deleted.")


def comment_url(comment: Comment) -> str:
    """The comment in its thread on the proposal page."""
    return f"/proposals/{comment.proposal_id}#comment-{comment.id}"


def fragment(template: str, *, status: int = 200, target: str = "", swap: str = "", **context: Any) -> Template:
    headers = {}
    if target:
        headers["HX-Retarget"] = target
    if swap:
        headers["HX-Reswap"] = swap
    return Template(template_name=template, context=context, status_code=status, headers=headers)


async def refuse_unless_allowed(db: AsyncSession, proposal: Proposal, user: User) -> Template | None:
    refusal = await comments.refusal_for(db, proposal, user)
    if refusal is None:
        return None
    return page("comments/refused.html", status=403, refusal=refusal, proposal=proposal)


def form_context(
    proposal: Proposal, data: dict[str, str] | None = None, errors: Errors | None = None
) -> dict[str, Any]:
    """What ``_new_form.html`` needs on its own (the htmx answers re-render only the form)."""
    return {
        "comments_proposal": proposal,
        "comments_refusal": None,
        "comments_anonymous": False,
        "comments_form": data or {"stance": Stance.NEUTRAL.value},
        "comments_errors": errors or Errors(),
        "comments_stances": STANCE_CHOICES,
    }


async def notify_followers(
    services: Services, db: AsyncSession, proposal: Proposal, comment: Comment, author: User
) -> None:
    """Email the followers who asked to hear about new comments (after the comment is committed)."""
    await proposals.notify_followers(
        services,
        db,
        proposal,
        N_("New comment on a proposal you follow"),
        "comments/email_new_comment.txt",
        about_comment=True,
        skip_user_id=author.id,
        comment=comment,
        commenter_name=author.display_name,
        comment_link=f"{services.settings.base_url}{comment_url(comment)}",
    )


class CommentController(Controller):
    include_in_schema = False

    @get("/proposals/{proposal_id:int}/comments", name="comments")
    async def thread(
        self, request: Request[Any, Any, Any], proposal_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = current_user_or_none(request)
        proposal = await get_proposal_for(db, user, proposal_id)
        return page("comments/thread.html", **await comments.thread_context(db, proposal, user))

    @post("/proposals/{proposal_id:int}/comments", guards=[requires_login])
    async def post_comment(
        self,
        request: Request[Any, Any, Any],
        proposal_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        proposal = await get_proposal_for(db, user, proposal_id)
        refused = await refuse_unless_allowed(db, proposal, user)
        if refused is not None:
            return refused
        data = await read_form(request)
        form, errors = forms.parse_comment(data, translator(request))
        if errors:
            if is_htmx(request):
                return fragment(
                    "comments/_new_form.html",
                    status=422,
                    target="#comment-form-slot",
                    swap="innerHTML",
                    **form_context(proposal, data, errors),
                )
            context = await comments.thread_context(db, proposal, user)
            return page(
                "comments/thread.html", status=422, **context | {"comments_form": data, "comments_errors": errors}
            )
        comment = await comments.post_comment(db, proposal, user, body=form.body, stance=form.stance)
        await notify_followers(services, db, proposal, comment, user)
        if not is_htmx(request):
            return see_other(comment_url(comment))
        return await self._posted(request, db, comment, proposal, user, reply_to=None)

    async def _posted(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        comment: Comment,
        proposal: Proposal,
        user: User,
        *,
        reply_to: Comment | None,
    ) -> Template:
        """The new comment for the end of its list, plus out-of-band updates: the summary, the form, the status."""
        node = await comments.node_for(db, comment, proposal, user)
        summary = await comments.summary(db, proposal.id)
        target = "#comment-list" if comment.parent_id is None else f"#comment-{comment.parent_id}-replies"
        return fragment(
            "comments/_posted.html",
            target=target,
            swap="beforeend",
            node=node,
            reply_to=reply_to,
            status_message=PUBLISHED,
            **summary,
            **form_context(proposal),
        )

    @get("/comments/{comment_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = current_user_or_none(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id)
        if not is_htmx(request):
            return see_other(comment_url(comment))
        return fragment("comments/_content.html", node=await comments.node_for(db, comment, proposal, user))

    @get("/comments/{comment_id:int}/reply", guards=[requires_login])
    async def reply_form(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id)
        refused = await refuse_unless_allowed(db, proposal, user)
        if refused is not None:
            return refused
        return await self._reply_page(request, db, comment, proposal, user)

    async def _reply_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        comment: Comment,
        proposal: Proposal,
        user: User,
        *,
        status: int = 200,
        data: dict[str, str] | None = None,
        errors: Errors | None = None,
    ) -> Template:
        node = await comments.node_for(db, comment, proposal, user)
        context: dict[str, Any] = {
            "node": node,
            "proposal": proposal,
            "reply_form": data or {"stance": Stance.NEUTRAL.value},
            "reply_errors": errors or Errors(),
            "comments_stances": STANCE_CHOICES,
        }
        if is_htmx(request):
            target = f"#comment-{comment.id}-reply-slot"
            return fragment(
                "comments/_reply_form.html", status=status, target=target, swap="innerHTML", inline=True, **context
            )
        return page("comments/reply.html", status=status, inline=False, **context)

    @post("/comments/{comment_id:int}/reply", guards=[requires_login])
    async def reply(
        self,
        request: Request[Any, Any, Any],
        comment_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        parent, proposal = await comments.get_comment_for(db, user, comment_id)
        refused = await refuse_unless_allowed(db, proposal, user)
        if refused is not None:
            return refused
        if not comments.is_visible(parent):
            # A deleted or hidden comment cannot be answered; its thread can.
            return page("comments/refused.html", status=403, refusal=comments.CANNOT_REPLY, proposal=proposal)
        data = await read_form(request)
        form, errors = forms.parse_comment(data, translator(request))
        if errors:
            return await self._reply_page(request, db, parent, proposal, user, status=422, data=data, errors=errors)
        comment = await comments.post_comment(db, proposal, user, body=form.body, stance=form.stance, parent=parent)
        await notify_followers(services, db, proposal, comment, user)
        if not is_htmx(request):
            return see_other(comment_url(comment))
        return await self._posted(request, db, comment, proposal, user, reply_to=parent)

    @get("/comments/{comment_id:int}/edit", guards=[requires_login])
    async def edit_form(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id, write=True)
        errors = Errors()
        if comments.edit_expired(comment) or not comments.is_visible(comment):
            errors.add("body", translator(request)(comments.EDIT_EXPIRED))
        return await self._edit_page(
            request, db, comment, proposal, user, {"body": comment.body, "stance": comment.stance}, errors
        )

    async def _edit_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        comment: Comment,
        proposal: Proposal,
        user: User,
        data: dict[str, str],
        errors: Errors,
        *,
        status: int = 200,
    ) -> Template:
        node = await comments.node_for(db, comment, proposal, user)
        context: dict[str, Any] = {
            "node": node,
            "proposal": proposal,
            "edit_form": data,
            "edit_errors": errors,
            "comments_stances": STANCE_CHOICES,
        }
        if is_htmx(request):
            return fragment("comments/_edit_form.html", status=status, inline=True, **context)
        return page("comments/edit.html", status=status, inline=False, **context)

    @post("/comments/{comment_id:int}/edit", guards=[requires_login])
    async def edit(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id, write=True)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_comment(data, _)
        if comments.edit_expired(comment) or not comments.is_visible(comment):
            # The text stays in the form so that it is not lost (it can be copied into a new comment).
            errors = Errors({"body": _(comments.EDIT_EXPIRED)})
        if errors:
            return await self._edit_page(request, db, comment, proposal, user, data, errors, status=422)
        await comments.edit_comment(db, comment, body=form.body, stance=form.stance)
        if not is_htmx(request):
            flash(request, _(SAVED))
            return see_other(comment_url(comment))
        return fragment("comments/_content.html", node=await comments.node_for(db, comment, proposal, user))

    @get("/comments/{comment_id:int}/delete", guards=[requires_login])
    async def delete_form(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id, write=True)
        if comment.deleted_at is not None:
            return see_other(comment_url(comment))
        node = await comments.node_for(db, comment, proposal, user)
        return page("comments/delete.html", node=node, proposal=proposal)

    @post("/comments/{comment_id:int}/delete", guards=[requires_login])
    async def delete(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id, write=True)
        await comments.delete_comment(db, comment)
        if not is_htmx(request):
            flash(request, translator(request)(DELETED))
            return see_other(comment_url(comment))
        return fragment("comments/_content.html", node=await comments.node_for(db, comment, proposal, user))

    @post("/comments/{comment_id:int}/upvote", guards=[requires_login])
    async def upvote(
        self, request: Request[Any, Any, Any], comment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        comment, proposal = await comments.get_comment_for(db, user, comment_id)
        node = await comments.node_for(db, comment, proposal, user)
        if not node.can_vote:
            refusal = await comments.participation_refusal(db, user) or comments.CANNOT_VOTE
            return page("comments/refused.html", status=403, refusal=refusal, proposal=proposal)
        up = forms.parse_vote(await read_form(request))
        back = comment_url(comment)
        await comments.set_upvote(db, comment, user, up=up)
        if not is_htmx(request):
            return see_other(back)
        # Loaded again: a lost race with a double click rolled the session back.
        comment, proposal = await comments.get_comment_for(db, user, comment_id)
        return fragment("comments/_votes.html", node=await comments.node_for(db, comment, proposal, user))


# Controllers of this package, registered by pb.app.
ROUTES: list[Any] = [CommentController]
