"""Browsing a process's proposals: filters, full-text search, the four orders and pagination."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.processes.models import Process
from pb.proposals.forms import CITY_WIDE, ListQuery, Sort
from pb.proposals.models import PUBLIC_STATUSES, Coauthor, Proposal, ProposalStatus
from pb.proposals.search import postgresql_tsquery, query_words, sqlite_match

SelectT = TypeVar("SelectT", bound=Select[Any])


PAGE_SIZE = 20
# Shown in the list unless the status filter asks for them.
LISTED_BY_DEFAULT = PUBLIC_STATUSES - {ProposalStatus.WITHDRAWN}


@dataclass(frozen=True)
class ProposalPage:
    proposals: list[Proposal]
    total: int
    page: int
    pages: int


def _matching(dialect: str, search: str) -> ColumnElement[bool] | None:
    """The full-text condition for the migration's index on each database (see ``pb.proposals.search``)."""
    words = query_words(search)
    if not words:
        return None
    if dialect == "sqlite":
        fts = text("SELECT rowid FROM proposals_fts WHERE proposals_fts MATCH :match").bindparams(
            match=sqlite_match(words)
        )
        return Proposal.id.in_(fts.columns(column("rowid")))
    # PostgreSQL: the stored column search_vector, indexed by ix_proposals_fts (migration 0002).
    document: ColumnElement[Any] = literal_column("proposals.search_vector")
    return document.bool_op("@@")(func.to_tsquery(literal_column("'simple'"), postgresql_tsquery(words)))


def _filtered(query: SelectT, process: Process, wanted: ListQuery, dialect: str) -> SelectT:
    query = query.where(Proposal.process_id == process.id)
    if wanted.status:
        query = query.where(Proposal.status == wanted.status)
    else:
        query = query.where(Proposal.status.in_(sorted(LISTED_BY_DEFAULT)))
    if wanted.district == CITY_WIDE:
        query = query.where(Proposal.district_id.is_(None))
    elif wanted.district:
        query = query.where(Proposal.district_id == int(wanted.district))
    if wanted.theme is not None:
        query = query.where(Proposal.theme_id == wanted.theme)
    condition = _matching(dialect, wanted.search)
    if condition is not None:
        # Hidden text must not be findable by searching for the words a moderator hid.
        query = query.where(condition, Proposal.hidden_at.is_(None))
    return query


async def find_proposals(db: AsyncSession, process: Process, wanted: ListQuery, *, seed: str) -> ProposalPage:
    """One page of the list: two queries whatever the page size (ids then rows for the random order)."""
    dialect = db.get_bind().dialect.name
    if wanted.sort == Sort.RANDOM:
        # Shuffled in Python with the visitor's seed: stable while they page, different for each visitor, and
        # no proposal is favoured by its id or age. A round has thousands of proposals, not millions.
        ids = list(await db.scalars(_filtered(select(Proposal.id), process, wanted, dialect).order_by(Proposal.id)))
        random.Random(f"{seed}:{process.id}").shuffle(ids)
        total = len(ids)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(wanted.page, pages)
        chosen = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = {item.id: item for item in await db.scalars(select(Proposal).where(Proposal.id.in_(chosen)))}
        return ProposalPage([rows[item] for item in chosen if item in rows], total, page, pages)
    total = await db.scalar(_filtered(select(func.count(Proposal.id)), process, wanted, dialect)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(wanted.page, pages)
    newest = (Proposal.published_at.desc(), Proposal.id.desc())
    order = {
        Sort.NEWEST: newest,
        Sort.SUPPORTED: (Proposal.support_count.desc(), *newest),
        Sort.DISCUSSED: (Proposal.comment_count.desc(), *newest),
    }[wanted.sort]
    query = _filtered(select(Proposal), process, wanted, dialect).order_by(*order)
    proposals = list(await db.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return ProposalPage(proposals, total, page, pages)


async def drafts_of(db: AsyncSession, process: Process, user: User | None) -> list[Proposal]:
    """The viewer's own drafts in this process, as author or co-author (nobody else sees them)."""
    if user is None:
        return []
    coauthored = select(Coauthor.proposal_id).where(Coauthor.user_id == user.id, Coauthor.accepted_at.is_not(None))
    return list(
        await db.scalars(
            select(Proposal)
            .where(
                Proposal.process_id == process.id,
                Proposal.status == ProposalStatus.DRAFT,
                or_(Proposal.author_id == user.id, Proposal.id.in_(coauthored)),
            )
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
        )
    )
