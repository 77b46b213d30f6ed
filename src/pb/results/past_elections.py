"""Past elections imported from Pabulib files: importing, counting with every rule, listing, deleting.

The data model is described on pb.results.models.PastElection: the original bytes and their SHA-256, the metadata
parsed at import, and the outcomes of every rule, computed after the upload in a worker process from the bytes.
"""

from __future__ import annotations

from datetime import datetime

import anyio.to_process
from litestar.exceptions import NotFoundException
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import defer

from pb.accounts.models import User
from pb.audit.services import record as audit
from pb.db import utcnow
from pb.i18n import N_
from pb.results.models import JobStatus, PastElection, StabilityRun
from pb.results.pabulib_import import ImportedFile, count_every_rule
from pb.results.services import ResultRefused, request_stability, software_versions


async def past_elections(db: AsyncSession) -> list[PastElection]:
    """Every imported election, the most recently imported first (without the files' bytes)."""
    query = select(PastElection).options(defer(PastElection.file_data))
    return list(await db.scalars(query.order_by(PastElection.imported_at.desc(), PastElection.id.desc())))


async def get_past_election(db: AsyncSession, election_id: int) -> PastElection:
    """Imported elections are public (they are published data of their cities); 404 for an unknown id."""
    election = await db.get(PastElection, election_id)
    if election is None:
        raise NotFoundException()
    return election


async def stability_runs_of(db: AsyncSession, election: PastElection) -> list[StabilityRun]:
    return list(await db.scalars(select(StabilityRun).where(StabilityRun.election_id == election.id)))


async def import_past_election(
    db: AsyncSession,
    imported: ImportedFile,
    data: bytes,
    file_name: str,
    *,
    actor: User,
    now: datetime,
    address: str | None = None,
) -> tuple[PastElection, StabilityRun]:
    """Stores a parsed file as a past election, to be counted (`count_past_election`), and asks for the stability
    run of the file's own rule (pb.results.services.run_stability). Commits."""
    existing = await db.scalar(select(PastElection.id).where(PastElection.file_digest == imported.file_digest))
    if existing is not None:
        raise ResultRefused(N_("This file has already been imported."), {"id": str(existing)})
    election = PastElection(
        title=imported.title,
        file_name=file_name[:255],
        file_data=data,
        file_digest=imported.file_digest,
        ballot_digest=imported.ballot_digest,
        vote_type=imported.vote_type,
        budget=imported.budget,
        currency=imported.currency,
        voters=imported.voters,
        meta=imported.meta,
        projects=imported.projects,
        withdrawn=imported.withdrawn,
        file_rule=imported.file_rule,
        outcomes={},
        count_status=JobStatus.RUNNING,
        versions=software_versions(),
        imported_at=now,
        imported_by_id=actor.id,
    )
    db.add(election)
    await db.flush()
    audit(
        db,
        actor=actor,
        action="past_election.import",
        object_type="past_election",
        object_id=election.id,
        after={"file_name": election.file_name, "file_digest": election.file_digest, "voters": election.voters},
        client_address=address,
    )
    await db.commit()
    run, _ = await request_stability(db, election=election, rule=election.file_rule, actor=actor, now=now)
    return election, run


async def count_past_election(sessions: async_sessionmaker[AsyncSession], election_id: int) -> None:
    """Counts the stored file with every rule in a worker process and stores the outcomes (a background task
    after the upload, with sessions of its own)."""
    async with sessions() as db:
        election = await db.get(PastElection, election_id)
        if election is None:
            return
        data = election.file_data
    try:
        outcomes = await anyio.to_process.run_sync(count_every_rule, data)
    except Exception as error:  # the worker died, or the engine refused the election as a whole
        outcomes, problem = None, f"{type(error).__name__}: {error}"[:2000]
    async with sessions() as db:
        election = await db.get(PastElection, election_id)
        if election is None:
            return  # deleted meanwhile
        if outcomes is None:
            election.count_status = JobStatus.FAILED
            election.count_error = problem
        else:
            election.count_status = JobStatus.DONE
            election.outcomes = outcomes
        election.counted_at = utcnow()
        election.versions = software_versions()
        await db.commit()


async def delete_past_election(
    db: AsyncSession, election: PastElection, *, actor: User, address: str | None = None
) -> None:
    """Removes an imported election and its stability runs (an import made by mistake). Commits."""
    audit(
        db,
        actor=actor,
        action="past_election.delete",
        object_type="past_election",
        object_id=election.id,
        before={"file_name": election.file_name, "file_digest": election.file_digest},
        client_address=address,
    )
    await db.execute(delete(StabilityRun).where(StabilityRun.election_id == election.id))
    await db.delete(election)
    await db.commit()
