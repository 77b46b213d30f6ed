"""A worker's cached copies of rounds, for voting day's hot paths.

Loading a round with its phases, districts, budgets and themes takes five queries and most of a ballot
submission's server time. The copies here are checked on every use against `processes.config_version`, which
database triggers raise on every change to the round or its phases, districts, budgets, themes and projects
(migration 0010), so a change made by any worker or by hand in the database is seen by the next request: one
small query instead of five.

The copies are detached from any database session and shared by concurrent requests: callers only read them
(the voting pages), never change them or add them to a session.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.processes.models import Budget, Process, Project


@dataclass(frozen=True)
class Entry:
    version: int
    process: Process
    # Each budget's ballot projects in ballot order (by id, as pb.voting.services.projects_of reads them).
    projects: dict[int, list[Project]]


class ProcessCache:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}

    async def get(self, db: AsyncSession, slug: str) -> Process | None:
        """The round with this slug as it is in the database now, or None."""
        connection = await db.connection()
        found = (
            await connection.execute(
                select(Process.__table__.c.id, Process.__table__.c.config_version).where(
                    Process.__table__.c.slug == slug
                )
            )
        ).one_or_none()
        if found is None:
            self._entries.pop(slug, None)
            return None
        process_id, version = found
        entry = self._entries.get(slug)
        if entry is not None and entry.version == version and entry.process.id == process_id:
            return entry.process
        # Loaded in a session of its own, closed at once, so that the copy is detached with everything loaded.
        # The version was read first: a change between the two reads leaves an older version with newer data,
        # which the next request reloads.
        async with AsyncSession(bind=db.bind, expire_on_commit=False) as loader:
            process = await loader.scalar(select(Process).where(Process.id == process_id))
            if process is None:
                return None
            projects: dict[int, list[Project]] = {budget.id: [] for budget in process.budgets}
            query = select(Project).where(Project.budget_id.in_(list(projects))).order_by(Project.id)
            for project in await loader.scalars(query):
                projects[project.budget_id].append(project)
        self._entries[slug] = Entry(version, process, projects)
        return process

    def unchecked(self, slug: str) -> tuple[Process, int] | None:
        """The copy held for this slug and the version it was loaded at, without asking the database; None when
        there is none. Only for a write that checks the version itself in the same statement (the cast on
        PostgreSQL, pb.voting.services.cast_ballot's `round_version`) and starts over when it moved on."""
        entry = self._entries.get(slug)
        return None if entry is None else (entry.process, entry.version)

    def projects(self, process: Process, budget: Budget) -> list[Project] | None:
        """The budget's ballot projects as loaded with this copy of the round, or None when `process` is not
        the cached copy (then the caller reads them from the database)."""
        entry = self._entries.get(process.slug)
        if entry is None or entry.process is not process:
            return None
        return entry.projects.get(budget.id)
