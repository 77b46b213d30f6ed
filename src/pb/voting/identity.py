"""Who is voting in this request: a kiosk voter on an assistant's device, a code voter, or the signed-in resident.

The voting pages serve all channels with the same handlers; the channel is decided here, from the session:
1. a voting assistant who has checked a person's identity has a kiosk voter (`KIOSK`) until the ballot is cast
   or the assistant resets the view;
2. a person who entered a letter's code has a code voter (`CODE_VOTER`) for that process;
3. otherwise the signed-in resident, through their eligibility proof.
The session holds the voter's keyed hash, never an identifier or a code.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import Role, User
from pb.eligibility.services import EligibilityRefused, voter_for_user
from pb.i18n import N_
from pb.processes.models import Process
from pb.voting.models import Channel
from pb.voting.services import Voter

KIOSK = "kiosk_voter"
CODE_VOTER = "code_voter"


def store_voter(session: MutableMapping[str, Any], kind: str, process: Process, voter: Voter) -> None:
    session[kind] = {
        "process_id": process.id,
        "key": voter.key,
        "channel": str(voter.channel),
        "district_id": voter.district_id,
        "age_band": voter.age_band,
    }


def stored_voter(session: MutableMapping[str, Any], kind: str, process: Process) -> Voter | None:
    data = session.get(kind)
    if not isinstance(data, dict) or data.get("process_id") != process.id:
        return None
    return Voter(data["key"], Channel(data["channel"]), data.get("district_id"), data.get("age_band"))


def forget_voter(session: MutableMapping[str, Any], kind: str) -> None:
    session.pop(kind, None)


def in_kiosk(session: MutableMapping[str, Any], user: User | None) -> bool:
    return (
        user is not None and user.has_role(Role.VOTING_ASSISTANT, Role.ADMIN) and isinstance(session.get(KIOSK), dict)
    )


async def current_voter(
    session: MutableMapping[str, Any], user: User | None, db: AsyncSession, process: Process
) -> Voter:
    """The voter of this request, or EligibilityRefused saying what to do first."""
    if in_kiosk(session, user):
        kiosk = stored_voter(session, KIOSK, process)
        if kiosk is not None:
            return kiosk
    code_voter = stored_voter(session, CODE_VOTER, process)
    if code_voter is not None:
        return code_voter
    if user is None:
        raise EligibilityRefused(N_("Sign in or enter the voting code from your letter to vote."))
    return await voter_for_user(db, process, user)
