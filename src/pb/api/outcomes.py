"""Ballot projects, published results, the implementation of funded projects and the anonymised ballots, as
the open data API publishes them (the visibility rules are in pb.api.services' docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.api.forms import NOT_STARTED, ImplementationFilters, ProjectFilters, ProjectStatus, ResultFilters, Window
from pb.api.services import Listing, Urls, in_district, iso, page_of, paged, public_budget, published_rounds
from pb.processes.models import Budget, Process, Project
from pb.results import services as results
from pb.results.models import Implementation, ImplementationNote, RecordStatus, ResultRecord
from pb.voting.models import Ballot, BallotStatus


async def current_records(db: AsyncSession, budget_ids: set[int]) -> dict[int, ResultRecord]:
    """Budget id -> its current (most recently published) record, as ``results.published_record`` picks it."""
    if not budget_ids:
        return {}
    query = (
        select(ResultRecord)
        .where(ResultRecord.budget_id.in_(budget_ids), ResultRecord.status == RecordStatus.PUBLISHED)
        .order_by(ResultRecord.published_at.desc(), ResultRecord.id.desc())
    )
    found: dict[int, ResultRecord] = {}
    for record in await db.scalars(query):
        found.setdefault(record.budget_id, record)
    return found


def implementation_document(item: Implementation | None, notes: Sequence[ImplementationNote]) -> dict[str, Any]:
    moments = [item.updated_at] if item is not None else []
    moments += [note.created_at for note in notes]
    return {
        "status": item.status if item is not None else NOT_STARTED,
        "cancel_reason": item.cancel_reason if item is not None else "",
        "actual_cost_cents": item.actual_cost_cents if item is not None else None,
        "updated_at": iso(max(moments)) if moments else None,
        "notes": [{"day": iso(note.day), "text": note.text} for note in notes],
    }


async def project_documents(db: AsyncSession, rows: Sequence[ProjectRow], urls: Urls) -> list[dict[str, Any]]:
    records = await current_records(db, {budget.id for _, budget, _ in rows})
    funded_ids = [
        project.id for project, budget, _ in rows if budget.id in records and project.id in records[budget.id].selected
    ]
    implementations = await results.implementations_of(db, funded_ids)
    notes = await results.notes_of(db, funded_ids)
    documents = []
    for project, budget, process in rows:
        record = records.get(budget.id)
        result = None
        status = ProjectStatus.ON_BALLOT
        if record is not None:
            voters, points = results.tallies(record)
            funded = project.id in record.selected
            status = ProjectStatus.FUNDED if funded else ProjectStatus.NOT_FUNDED
            result = {
                "record_id": record.id,
                "voters": voters.get(project.id, 0),
                "points": points.get(project.id, 0),
                "position": record.selected.index(project.id) + 1 if funded else None,
            }
        funded = status == ProjectStatus.FUNDED
        documents.append(
            {
                "id": project.id,
                "process": process.slug,
                "budget_id": budget.id,
                "proposal_id": project.proposal_id,
                "title": project.title,
                "summary": project.summary,
                "cost_cents": project.cost_cents,
                "status": status.value,
                "result": result,
                "implementation": (
                    implementation_document(implementations.get(project.id), notes.get(project.id, []))
                    if funded
                    else None
                ),
                "links": {
                    "self": urls.api(f"/projects/{project.id}"),
                    "page": urls.page(f"/processes/{process.slug}/results/projects/{project.id}") if funded else None,
                    "proposal": urls.api(f"/proposals/{project.proposal_id}") if project.proposal_id else None,
                },
            }
        )
    return documents


ProjectRow = tuple[Project, Budget, Process]


async def _project_rows(db: AsyncSession, query: Select[Project, Budget, Process]) -> list[ProjectRow]:
    ordered = query.order_by(Process.id, Budget.position, Budget.id, Project.id)
    return [(project, budget, process) for project, budget, process in await db.execute(ordered)]


def _project_query() -> Select[Project, Budget, Process]:
    return (
        select(Project, Budget, Process)
        .join(Budget, Project.budget_id == Budget.id)
        .join(Process, Budget.process_id == Process.id)
        .where(Process.is_published.is_(True))
    )


async def project_rows_of(db: AsyncSession, process: Process) -> list[ProjectRow]:
    return await _project_rows(db, _project_query().where(Process.id == process.id))


async def list_projects(db: AsyncSession, filters: ProjectFilters, urls: Urls) -> Listing:
    query = published_rounds(_project_query(), filters.process)
    if filters.budget is not None:
        query = query.where(Budget.id == filters.budget)
    query = in_district(query, Budget.district_id, filters.district)
    # A round has tens of projects, not thousands: the status (which needs the published result) is filtered here.
    documents = await project_documents(db, await _project_rows(db, query), urls)
    if filters.status is not None:
        documents = [item for item in documents if item["status"] == filters.status.value]
    return page_of(documents, filters.window)


async def get_project(db: AsyncSession, project_id: int, urls: Urls) -> dict[str, Any]:
    rows = await _project_rows(db, _project_query().where(Project.id == project_id))
    if not rows:
        raise NotFoundException()
    return (await project_documents(db, rows, urls))[0]


async def record_document(
    db: AsyncSession, process: Process, budget: Budget, record: ResultRecord, current_id: int | None, urls: Urls
) -> dict[str, Any]:
    """The record's public JSON (the same as the results page's download), with the votes per project."""
    staff = await results.user_names(db, [record.computed_by_id, record.published_by_id])
    document = results.record_document(
        process, budget, record, staff.get(record.computed_by_id or 0), staff.get(record.published_by_id or 0)
    )
    voters, points = results.tallies(record)
    funded = {project_id: position for position, project_id in enumerate(record.selected, 1)}
    projects = await db.scalars(select(Project).where(Project.budget_id == budget.id).order_by(Project.id))
    document["projects"] = [
        {
            "id": project.id,
            "title": project.title,
            "cost_cents": project.cost_cents,
            "voters": voters.get(project.id, 0),
            "points": points.get(project.id, 0),
            "selected": project.id in funded,
            "position": funded.get(project.id),
        }
        for project in projects
    ]
    document["budget_id"] = budget.id
    document["current"] = record.id == current_id
    document["links"] = {
        "self": urls.api(f"/results/{record.id}"),
        "ballots_file": urls.api(f"/results/{record.id}/ballots.pb"),
        "page": urls.page(f"/processes/{process.slug}/results"),
    }
    return document


async def list_results(db: AsyncSession, filters: ResultFilters, urls: Urls) -> Listing:
    query = (
        select(ResultRecord.id, ResultRecord.budget_id)
        .join(Process, ResultRecord.process_id == Process.id)
        .where(ResultRecord.status == RecordStatus.PUBLISHED)
    )
    query = published_rounds(query, filters.process)
    if filters.budget is not None:
        query = query.where(ResultRecord.budget_id == filters.budget)
    if filters.published_since is not None:
        query = query.where(ResultRecord.published_at >= filters.published_since)
    # Ids first: the records' ballot files can be large and are read only for the page shown.
    found = [(record_id, budget_id) for record_id, budget_id in await db.execute(query.order_by(ResultRecord.id))]
    current = {record.id for record in (await current_records(db, {budget for _, budget in found})).values()}
    if filters.current is not None:
        found = [item for item in found if (item[0] in current) == filters.current]
    documents = []
    for record_id, _ in found[filters.window.offset : filters.window.offset + filters.window.limit]:
        process, budget, record = await public_record(db, record_id)
        documents.append(
            await record_document(db, process, budget, record, record.id if record.id in current else None, urls)
        )
    return Listing(documents, len(found))


async def public_record(db: AsyncSession, record_id: int) -> tuple[Process, Budget, ResultRecord]:
    """A published record of a published round; 404 for everything else (drafts do not exist for the public)."""
    record = await db.get(ResultRecord, record_id)
    if record is None or not record.is_published:
        raise NotFoundException()
    process, budget = await public_budget(db, record.budget_id)
    return process, budget, record


async def get_result(db: AsyncSession, record_id: int, urls: Urls) -> dict[str, Any]:
    process, budget, record = await public_record(db, record_id)
    current = await results.published_record(db, budget)
    return await record_document(db, process, budget, record, current.id if current else None, urls)


async def list_implementations(db: AsyncSession, filters: ImplementationFilters, urls: Urls) -> Listing:
    """Funded projects (selected by their budget's current published result) and how they are carried out."""
    query = published_rounds(_project_query(), filters.process)
    documents = [
        item
        for item in await project_documents(db, await _project_rows(db, query), urls)
        if item["status"] == ProjectStatus.FUNDED
    ]
    if filters.status is not None:
        documents = [item for item in documents if item["implementation"]["status"] == filters.status]
    if filters.updated_since is not None:
        since = filters.updated_since
        documents = [
            item
            for item in documents
            if (moment := item["implementation"]["updated_at"]) is not None and datetime.fromisoformat(moment) >= since
        ]
    return page_of(documents, filters.window)


# --- anonymised ballots ---------------------------------------------------------------------------------------


async def ballots_of(db: AsyncSession, budget_id: int, window: Window) -> tuple[Process, Budget, Listing]:
    """The budget's counted ballots without voters, once the round's results are published (the ballots page's
    rule, pb.voting.verification); 404 before that: unpublished ballots do not exist for the public."""
    process, budget = await public_budget(db, budget_id)
    if not await results.results_published(db, process):
        raise NotFoundException("The ballots are published when the results of this round are out.")
    counted = (Ballot.budget_id == budget.id, Ballot.status == BallotStatus.COUNTED)
    # In the order of the ballots' random ids, which says nothing about who voted or when.
    ballots, total = await paged(db, select(Ballot).where(*counted).order_by(Ballot.id), window)
    documents = [
        {
            "receipt_hash": ballot.receipt_hash,
            "paper": ballot.is_paper,
            "choices": [{"project_id": int(project), "value": int(value)} for project, value in ballot.choices],
        }
        for ballot in ballots
    ]
    return process, budget, Listing(documents, total)
