"""Confidential notes and input (JulkL 621/1999 24 § 1 mom. 25 k.; deliberation-panels.md §4.5).

Only the group's coordinators read an assignment's notes and input, and each expert reads their own input.
Every read writes an audit entry that names exactly which notes and which input were shown, in the same
transaction as the read, so the log answers "who saw what, when" (Tiedonhallintalaki 906/2019 17 §).
The loaders in pb.experts.services decide who gets here; this module never widens that.
Input is shown under the expert's pseudonym, not their name: the words are what the coordinator works with.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.audit.services import record
from pb.db import MAX_ID, utcnow
from pb.experts.assignments import OwnInvitation
from pb.experts.models import (
    Assignment,
    AssignmentStatus,
    CoordinatorNote,
    Expert,
    ExpertInput,
    InvitationResponse,
    Summary,
    SummaryStatus,
)
from pb.experts.services import ExpertsRefused
from pb.i18n import N_


@dataclass(frozen=True)
class InputRow:
    input: ExpertInput
    pseudonym: str


@dataclass(frozen=True)
class Confidential:
    notes: list[CoordinatorNote]
    inputs: list[InputRow]


async def read_confidential(db: AsyncSession, actor: User, assignment: Assignment, address: str) -> Confidential:
    """The assignment's notes and all input, for a coordinator of its group; the read is audit-logged."""
    notes = list(
        await db.scalars(
            select(CoordinatorNote)
            .where(CoordinatorNote.assignment_id == assignment.id)
            .order_by(CoordinatorNote.created_at, CoordinatorNote.id)
        )
    )
    rows = await db.execute(
        select(ExpertInput, Expert.pseudonym)
        .join(Expert, Expert.id == ExpertInput.expert_id)
        .where(ExpertInput.assignment_id == assignment.id)
        .order_by(ExpertInput.created_at, ExpertInput.id)
    )
    inputs = [InputRow(item, pseudonym) for item, pseudonym in rows]
    record(
        db,
        actor=actor,
        action="experts.confidential_read",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"notes": [note.id for note in notes], "inputs": [row.input.id for row in inputs]},
        client_address=address,
    )
    await db.commit()
    return Confidential(notes, inputs)


async def add_note(db: AsyncSession, actor: User, assignment: Assignment, body: str, address: str) -> CoordinatorNote:
    if assignment.status in {AssignmentStatus.REQUESTED, AssignmentStatus.DECLINED}:
        raise ExpertsRefused(N_("Take the request on before writing notes."), "body")
    note = CoordinatorNote(assignment_id=assignment.id, author_id=actor.id, body=body)
    db.add(note)
    await db.flush()
    record(
        db,
        actor=actor,
        action="experts.note_added",
        object_type="expert_assignment",
        object_id=assignment.id,
        after={"note_id": note.id},
        client_address=address,
    )
    await db.commit()
    return note


async def read_own_input(db: AsyncSession, user: User, own: OwnInvitation, address: str) -> list[ExpertInput]:
    """The expert's own input for the assignment; their reading is logged like anyone's."""
    inputs = list(
        await db.scalars(
            select(ExpertInput)
            .where(ExpertInput.assignment_id == own.assignment.id, ExpertInput.expert_id == own.expert.id)
            .order_by(ExpertInput.created_at, ExpertInput.id)
        )
    )
    if inputs:
        record(
            db,
            actor=user,
            action="experts.own_input_read",
            object_type="expert_assignment",
            object_id=own.assignment.id,
            after={"inputs": [item.id for item in inputs]},
            client_address=address,
        )
        await db.commit()
    return inputs


async def add_input(db: AsyncSession, user: User, own: OwnInvitation, body: str, address: str) -> ExpertInput:
    if own.invitation.response != InvitationResponse.ACCEPTED:
        raise ExpertsRefused(N_("Accept the invitation before writing your input."), "body")
    if own.assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("The assignment has ended, so input can no longer be added."), "body")
    item = ExpertInput(assignment_id=own.assignment.id, expert_id=own.expert.id, body=body)
    db.add(item)
    await db.flush()
    record(
        db,
        actor=user,
        action="experts.input_added",
        object_type="expert_assignment",
        object_id=own.assignment.id,
        after={"input_id": item.id, "expert_id": own.expert.id},
        client_address=address,
    )
    await db.commit()
    return item


async def delete_own_input(db: AsyncSession, user: User, own: OwnInvitation, input_id: int, address: str) -> None:
    """An expert may take back what they wrote while the assignment is in progress."""
    item = await db.get(ExpertInput, input_id) if 0 < input_id <= MAX_ID else None
    if item is None or item.expert_id != own.expert.id or item.assignment_id != own.assignment.id:
        raise ExpertsRefused(N_("There is no such input."))
    if own.assignment.status != AssignmentStatus.OPEN:
        raise ExpertsRefused(N_("The assignment has ended, so input can no longer be changed."))
    await db.delete(item)
    # A draft may quote what was taken back: it must be revised before anyone signs it off again.
    draft = await db.scalar(
        select(Summary).where(Summary.assignment_id == own.assignment.id, Summary.status == SummaryStatus.DRAFT)
    )
    if draft is not None and draft.revision > 0:
        draft.revision_required = True
    record(
        db,
        actor=user,
        action="experts.input_deleted",
        object_type="expert_assignment",
        object_id=own.assignment.id,
        after={"input_id": input_id, "at": utcnow().isoformat()},
        client_address=address,
    )
    await db.commit()
