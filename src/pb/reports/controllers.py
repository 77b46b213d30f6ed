"""HTTP for reports: the staff page that makes a round's outcome report, and its downloads.

Who may download the outcome report (issue 5: "Staff generate it from the results page; once results are
published anyone can download it"):
- admins, at any time, from ``/reports/processes/<round>``; before every budget's result is published the report
  is marked as a draft and leaves the unpublished budgets out;
- anyone (residents, council members, visitors without an account) once every budget's result is published, from
  ``/processes/<round>/outcome-report.pdf``. Council members get no earlier copy: the report holds only what
  is public, and a result is public when the admin publishes it.

The report's data is gathered and the PDF laid out in a worker process (``outcome.outcome_pdf``), so other
requests stay fast meanwhile; the PDF is cached by the digest of its data, so the second download of the same
report skips the layout.
"""

from __future__ import annotations

from typing import Any

import anyio.to_process
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.processes.models import Process
from pb.reports import forms, outcome
from pb.results import services as results
from pb.web.auth import current_user_or_none, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, language_of, translator
from pb.web.responses import page

ADMIN_ONLY = requires_role(Role.ADMIN)


def pdf_download(pdf: bytes, file_name: str) -> Response[bytes]:
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


async def render_outcome_pdf(services: Services, process: Process, choice: forms.ReportChoice) -> Response[bytes]:
    # Gathering and layout both run in a worker process (pb.reports.outcome.outcome_pdf), at most as many at
    # once as the app's report limiter allows.
    pdf, file_name = await anyio.to_process.run_sync(
        outcome.outcome_pdf,
        services.settings,
        process.slug,
        choice.language,
        choice.variant,
        limiter=services.reports.limiter,
    )
    return pdf_download(pdf, file_name)


class OutcomeReportStaffController(Controller):
    path = "/reports/processes/{slug:str}"
    guards = [ADMIN_ONLY]
    include_in_schema = False
    opt = {"staff": True}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        process: Process,
        form: dict[str, str],
        *,
        errors: Errors | None = None,
        status: int = 200,
    ) -> Template:
        _ = translator(request)
        published = await results.published_records(db, process)
        return page(
            "reports/outcome_page.html",
            status=status,
            process=process,
            budgets=[(budget, budget.id in published) for budget in process.budgets],
            all_published=bool(process.budgets) and len(published) == len(process.budgets),
            form=form,
            errors=errors or Errors(),
            language_field=forms.LANGUAGE_FIELD,
            variant_field=forms.VARIANT_FIELD,
            report_languages=[(code, i18n.LANGUAGE_NAMES[code]) for code in ("fi", "sv", "en")],
            labels={
                forms.LANGUAGE_FIELD: _("Language of the report"),
                forms.VARIANT_FIELD: _("Kind of PDF file"),
            },
        )

    @get("/", name="outcome_report")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Template:
        process = await outcome.get_process_for_report_staff(db, signed_in(request), slug)
        form = {forms.LANGUAGE_FIELD: services.settings.default_language, forms.VARIANT_FIELD: "ua"}
        return await self._page(request, db, process, form)

    @get("/outcome.pdf", name="outcome_report_pdf")
    async def download(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Template | Response[bytes]:
        """A GET form: making the report changes nothing (the file is cached by its inputs), so no POST."""
        process = await outcome.get_process_for_report_staff(db, signed_in(request), slug)
        data = {key: str(value) for key, value in request.query_params.items()}
        choice, errors = forms.parse_report_choice(data, translator(request))
        if errors:
            return await self._page(request, db, process, data, errors=errors, status=422)
        return await render_outcome_pdf(services, process, choice)


class PublicOutcomeReportController(Controller):
    path = "/processes/{slug:str}"
    include_in_schema = False

    @get("/outcome-report.pdf", name="public_outcome_report")
    async def download(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Response[bytes]:
        """``?language=fi|sv|en`` (default: the page's language) and ``&variant=ua|archival`` (default ua)."""
        process = await outcome.get_process_with_published_report(db, current_user_or_none(request), slug)
        data = {
            forms.LANGUAGE_FIELD: request.query_params.get(forms.LANGUAGE_FIELD, language_of(request)),
            forms.VARIANT_FIELD: request.query_params.get(forms.VARIANT_FIELD, "ua"),
        }
        choice, errors = forms.parse_report_choice(data, translator(request))
        if errors:  # a report in a language or variant that does not exist
            raise NotFoundException()
        return await render_outcome_pdf(services, process, choice)


ROUTES: list[Any] = [OutcomeReportStaffController, PublicOutcomeReportController]
