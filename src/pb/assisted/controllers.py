"""HTTP for assisted voting: the assistant's list of rounds, the start form, and the reset between voters.

After the start form the device is a kiosk: the voting pages (/processes/{slug}/vote) find the kiosk voter in
the session (pb.voting.identity.current_voter) until the assistant resets the view for the next voter.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.assisted import forms
from pb.assisted import services as assisted
from pb.eligibility.services import EligibilityRefused
from pb.processes.models import Process
from pb.processes.services import now
from pb.voting.identity import KIOSK, forget_voter, store_voter, stored_voter
from pb.voting.services import voting_is_open
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, page, see_other

VOTING_STAFF = requires_role(Role.VOTING_ASSISTANT, Role.ADMIN)


class AssistController(Controller):
    path = "/assist"
    guards = [VOTING_STAFF]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="assist")
    async def index(self, db: NamedDependency[AsyncSession]) -> Template:
        return page("assisted/index.html", processes=await assisted.assisted_processes(db, now()))

    def _render_start(
        self,
        request: Request[Any, Any, Any],
        process: Process,
        *,
        status: int = 200,
        errors: Errors | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        return page(
            "assisted/start.html",
            status=status,
            process=process,
            voting_open=voting_is_open(process, now()),
            in_progress=stored_voter(request.session, KIOSK, process) is not None,
            errors=errors or Errors(),
            # The identifier is not shown back: a page re-rendered with errors keeps only the birth date.
            form={"birth_date": (form or {}).get("birth_date", "")},
        )

    @get("/{slug:str}")
    async def start_form(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await assisted.get_process_for_assisting(db, signed_in(request), slug)
        return self._render_start(request, process)

    @post("/{slug:str}")
    async def start(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        assistant = signed_in(request)
        process = await assisted.get_process_for_assisting(db, assistant, slug)
        _ = translator(request)
        data = await read_form(request)
        person, errors = forms.parse_start(data, _)
        address = client_address(request)
        limit = services.census_limit
        if person is not None and await services.throttle.is_blocked(limit, person.identifier, address):
            # Identifiers are not secret and birth dates can be guessed: failed checks are limited per
            # identifier and per device, as logins are (OWASP ASVS 2.2.1).
            errors.add(
                "identifier",
                _("Too many checks that found nobody. Wait %(minutes)s minutes and try again.")
                % {"minutes": max(1, limit.window_seconds // 60)},
            )
        if person is None or errors:
            return self._render_start(request, process, status=422, errors=errors, form=data)
        try:
            voter = await assisted.start_assisted_voter(
                db, services.voting_keys, process, assistant, person, now(), address
            )
        except EligibilityRefused as refused:
            if refused.field == "identifier":
                await services.throttle.record(limit, person.identifier, address)
            errors.add(refused.field or "identifier", _(refused.message) % refused.params)
            return self._render_start(request, process, status=422, errors=errors, form=data)
        await services.throttle.clear_account(limit, person.identifier, address)
        store_voter(request.session, KIOSK, process, voter)
        return see_other(f"/processes/{process.slug}/vote")

    @post("/{slug:str}/reset")
    async def reset(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        process = await assisted.get_process_for_assisting(db, signed_in(request), slug)
        # The view resets after each voter (issue 4): the next person starts from the identity check.
        forget_voter(request.session, KIOSK)
        _ = translator(request)
        flash(request, _("The voter's session has ended. The device is ready for the next voter."))
        return see_other(f"/assist/{process.slug}")


ROUTES: list[Any] = [AssistController]
