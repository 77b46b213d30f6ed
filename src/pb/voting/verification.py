"""HTTP for verifiability: anyone checks their receipt code and reads the anonymised ballots of a budget, once
the round's results are published (issue 4: "After results are published, the anonymised ballot list shows each
ballot's receipt hash and choices; a voter enters their receipt code to see that their ballot was counted as
cast")."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.results.services import results_published
from pb.voting import forms
from pb.voting import services as voting
from pb.voting.controllers import chosen_list, get_budget_of, get_voting_process, too_many
from pb.voting.models import BallotStatus
from pb.voting.rules import Format
from pb.voting.secrecy import normalise_code
from pb.web.auth import client_address
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import page

BALLOTS_PER_PAGE = 50


def page_number(raw: str | None) -> int:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


class VerificationController(Controller):
    """Anyone checks a receipt code and reads the anonymised ballots, once the results are out."""

    path = "/processes/{slug:str}"
    include_in_schema = False

    @get("/receipt")
    async def receipt_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        return page(
            "voting/receipt.html",
            process=process,
            public=await results_published(db, process),
            form={},
            errors=Errors(),
            found=None,
        )

    @post("/receipt")
    async def check_receipt(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        public = await results_published(db, process)
        _ = translator(request)
        data = await read_form(request)
        receipt, errors = forms.parse_receipt(data, _)
        context: dict[str, Any] = {"process": process, "public": public, "form": {"receipt": receipt}, "found": None}
        if not public:
            return page("voting/receipt.html", status=403, errors=errors, **context)
        address = client_address(request)
        limit = services.receipt_limit
        if not errors and await services.throttle.is_blocked(limit, normalise_code(receipt), address):
            errors.add("receipt", too_many(services, _))
        if errors:
            return page("voting/receipt.html", status=422, errors=errors, **context)
        ballot = await voting.ballot_by_receipt(db, [budget.id for budget in process.budgets], receipt)
        if ballot is None:
            await services.throttle.record(limit, normalise_code(receipt), address)
            return page("voting/receipt.html", status=404, errors=errors, not_found=True, **context)
        budget = get_budget_of(process, ballot.budget_id)
        projects = await voting.projects_of(db, budget)
        context["found"] = {
            "ballot": ballot,
            "budget": budget,
            "format": Format(budget.ballot_format),
            "chosen": chosen_list(Format(budget.ballot_format), projects, voting.decode_choices(ballot.choices)),
            "counted": ballot.status == BallotStatus.COUNTED,
        }
        return page("voting/receipt.html", errors=errors, **context)

    @get("/ballots/{budget_id:int}")
    async def ballots(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        budget = get_budget_of(process, budget_id)
        if not await results_published(db, process):
            return page("voting/ballots.html", status=403, process=process, budget=budget, public=False)
        number = page_number(request.query_params.get("page"))
        found, pages = await voting.counted_ballots_page(db, budget, number, BALLOTS_PER_PAGE)
        projects = {project.id: project for project in await voting.projects_of(db, budget)}
        format = Format(budget.ballot_format)
        rows = [
            {
                "ballot": ballot,
                "chosen": chosen_list(format, list(projects.values()), voting.decode_choices(ballot.choices)),
            }
            for ballot in found
        ]
        return page(
            "voting/ballots.html",
            process=process,
            budget=budget,
            public=True,
            format=format,
            rows=rows,
            page=min(number, pages),
            pages=pages,
        )


# Controllers of this package, registered by pb.app.


ROUTES: list[Any] = [VerificationController]
