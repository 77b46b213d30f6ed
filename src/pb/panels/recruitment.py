"""Recruitment for a panel: the address register, the invitation lottery and its letters, the registrations of
the people who answer, and the facilitators' (audit-logged) view of the pool. No HTTP here; every change is one
transaction with its audit entry, committed explicitly.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import anyio.to_process
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import pb
from pb import i18n
from pb.accounts.models import User
from pb.audit.services import record
from pb.db import utcnow
from pb.i18n import N_
from pb.panels import lottery
from pb.panels.forms import AddressRow, RegistrationForm
from pb.panels.models import (
    Invitation,
    InvitationDraw,
    Panel,
    PanelAddress,
    PanelCategory,
    PanelCategoryValue,
    PanelRegister,
    PrivacyNotice,
    Registration,
)
from pb.panels.services import PanelRefused, draw_of
from pb.reports.pdf import Letter
from pb.reports.services import RendererConfig, render_pdf_in_worker
from pb.settings import Settings
from pb.voting.secrecy import new_code, normalise_code

logger = logging.getLogger(__name__)
# The letter is bilingual, Finnish first (Kielilaki 423/2003 32 §: a bilingual municipality informs residents in
# both national languages).
LETTER_LANGUAGES = ("fi", "sv")
LETTERS_TEMPLATE = "panels/letters.html"

# --- the address register --------------------------------------------------------------------------------------


async def register_of(db: AsyncSession, panel: Panel) -> PanelRegister | None:
    return await db.scalar(select(PanelRegister).where(PanelRegister.panel_id == panel.id))


async def replace_register(
    db: AsyncSession, actor: User, panel: Panel, rows: Sequence[AddressRow], file_sha256: str, address: str
) -> PanelRegister:
    if await draw_of(db, panel) is not None:
        # The published lottery refers to this register's digest.
        raise PanelRefused(N_("The invitations have been drawn from the current register, so it cannot change."))
    await db.execute(delete(PanelRegister).where(PanelRegister.panel_id == panel.id))
    await db.execute(delete(PanelAddress).where(PanelAddress.panel_id == panel.id))
    if rows:
        await db.execute(
            insert(PanelAddress),
            [
                {
                    "panel_id": panel.id,
                    "address_key": row.address_key,
                    "street_address": row.street_address,
                    "postal_code": row.postal_code,
                    "district": row.district,
                }
                for row in rows
            ],
        )
    register = PanelRegister(
        panel_id=panel.id,
        imported_by_id=actor.id,
        file_sha256=file_sha256,
        register_sha256=lottery.register_digest(row.address_key for row in rows),
        addresses=len(rows),
    )
    db.add(register)
    record(
        db,
        actor=actor,
        action="panel.register_imported",
        object_type="panel",
        object_id=panel.id,
        after={"addresses": len(rows), "file_sha256": file_sha256, "register_sha256": register.register_sha256},
        client_address=address,
    )
    await db.commit()
    return register


# --- the invitation lottery ------------------------------------------------------------------------------------


def new_seed() -> str:
    """A seed for when the facilitator enters none: 128 random bits, published with the result."""
    return secrets.token_hex(16)


async def draw_invitations(
    db: AsyncSession, actor: User, panel: Panel, seed: str, count: int, address: str
) -> InvitationDraw:
    if await draw_of(db, panel) is not None:
        raise PanelRefused(N_("The invitations have already been drawn."))
    register = await register_of(db, panel)
    if register is None:
        raise PanelRefused(N_("Import the address register first."))
    seed_generated = not seed
    seed = seed or new_seed()
    rows = (
        await db.execute(select(PanelAddress.address_key, PanelAddress.id).where(PanelAddress.panel_id == panel.id))
    ).all()
    ids = {key: address_id for key, address_id in rows}
    register_sha256 = lottery.register_digest(ids)
    if register_sha256 != register.register_sha256:
        raise RuntimeError("the stored addresses do not match the register's digest")
    drawn = lottery.draw(seed, list(ids), count)
    draw = InvitationDraw(
        panel_id=panel.id,
        drawn_by_id=actor.id,
        method=lottery.METHOD,
        seed=seed,
        seed_generated=seed_generated,
        register_sha256=register_sha256,
        register_size=len(ids),
        drawn_count=len(drawn),
        drawn_sha256=lottery.list_digest(drawn),
        software_version=pb.__version__,
    )
    db.add(draw)
    db.add_all(
        Invitation(panel_id=panel.id, address_id=ids[key], position=position)
        for position, key in enumerate(drawn, start=1)
    )
    record(
        db,
        actor=actor,
        action="panel.invitations_drawn",
        object_type="panel",
        object_id=panel.id,
        after={
            "method": draw.method,
            "seed": seed,
            "register_sha256": register_sha256,
            "drawn": len(drawn),
            "drawn_sha256": draw.drawn_sha256,
        },
        client_address=address,
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise PanelRefused(N_("The invitations have already been drawn.")) from None
    return draw


async def drawn_ids(db: AsyncSession, panel: Panel) -> list[str]:
    """The drawn address ids in the lottery's order (as published by their digest)."""
    query = (
        select(PanelAddress.address_key)
        .join(Invitation, Invitation.address_id == PanelAddress.id)
        .where(Invitation.panel_id == panel.id)
        .order_by(Invitation.position)
    )
    return list(await db.scalars(query))


# --- letters -----------------------------------------------------------------------------------------------


def code_hash(secret_key: str, panel_id: int, code: str) -> str:
    """The keyed hash kept instead of a registration code (STYLE.md, Data: identifiers as keyed hashes).

    Keyed with the server secret, so a copy of the database alone does not let anyone test guessed codes; the
    panel id is in the message, so a code is valid only for its own panel."""
    key = hmac.new(secret_key.encode(), b"pb-panel-key:registration-code", hashlib.sha256).digest()
    return hmac.new(key, f"{panel_id}:{normalise_code(code)}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PrintedLetter:
    invitation_id: int
    position: int
    street_address: str
    postal_code: str
    code: str
    reprint: bool


async def plan_letters(db: AsyncSession, panel: Panel, first: int, last: int) -> list[PrintedLetter]:
    """New codes for the letters ``first`` … ``last`` (lottery positions), skipping addresses that have already
    registered. Nothing is stored yet: the PDF is made first, so no code exists that nobody can print."""
    invitations = await db.scalars(
        select(Invitation)
        .where(Invitation.panel_id == panel.id, Invitation.position.between(first, last), Invitation.used_at.is_(None))
        .order_by(Invitation.position)
    )
    return [
        PrintedLetter(
            item.id,
            item.position,
            item.address.street_address,
            item.address.postal_code,
            new_code(),
            item.code_hash is not None,
        )
        for item in invitations
    ]


async def store_letters(
    db: AsyncSession, secret_key: str, actor: User, panel: Panel, letters: Sequence[PrintedLetter], address: str
) -> None:
    """Keeps the hashes of the printed codes. A reprinted letter's new code replaces the old one, which stops
    working (the old letter was lost or never sent)."""
    moment = utcnow()
    for letter in letters:
        await db.execute(
            update(Invitation)
            .where(Invitation.id == letter.invitation_id, Invitation.used_at.is_(None))
            .values(code_hash=code_hash(secret_key, panel.id, letter.code), letter_printed_at=moment)
        )
    record(
        db,
        actor=actor,
        action="panel.letters_printed",
        object_type="panel",
        object_id=panel.id,
        after={
            "positions": [letter.position for letter in letters],
            "reprinted": [letter.position for letter in letters if letter.reprint],
        },
        client_address=address,
    )
    await db.commit()


# The letter's text, translated into each language of the letter.
LETTER_TEXTS = {
    "title": N_("Invitation to the citizens' panel"),
    "heading": N_("You are invited to the citizens' panel “%(panel)s”"),
    "chosen": N_(
        "Your household is one of %(num)s households in %(municipality)s chosen by lot to receive this letter. "
        "The panel of %(size)s residents will answer this question for %(commissioner)s:"
    ),
    "sessions": N_("The panel meets between %(first)s and %(last)s."),
    "how": N_(
        "To volunteer, register at %(url)s or scan the QR code, and enter the code below by %(closes)s. "
        "One person per household can register."
    ),
    "selection": N_(
        "Among those who register, the panel is chosen by lot so that it reflects the residents by age, gender, "
        "district and language. Everyone who registers hears whether they were chosen."
    ),
    "code_label": N_("Registration code"),
    "number": N_("Letter number %(number)s"),
}


def letters_context(
    panel: Panel, letters: Sequence[PrintedLetter], draw: InvitationDraw, settings: Settings, day: date
) -> dict[str, Any]:
    """Plain data for the letters template (rendered in a worker process)."""
    # The code is never put in the link: links end up in browser histories and server logs.
    url = settings.base_url.rstrip("/") + f"/panels/{panel.slug}/register"
    texts: dict[str, dict[str, str]] = {}
    for language in LETTER_LANGUAGES:
        translated = {key: i18n.gettext(language, message) for key, message in LETTER_TEXTS.items()}
        texts[language] = {
            "title": translated["title"],
            "heading": translated["heading"] % {"panel": panel.text("name", language)},
            "chosen": translated["chosen"]
            % {
                "num": draw.drawn_count,
                "municipality": settings.municipality_name,
                "size": panel.size,
                "commissioner": panel.commissioner,
            },
            "remit": panel.text("remit", language),
            "sessions": translated["sessions"]
            % {
                "first": i18n.format_date(panel.first_session_on, language),
                "last": i18n.format_date(panel.last_session_on, language),
            },
            "how": translated["how"] % {"url": url, "closes": i18n.format_date(panel.registration_closes_on, language)},
            "selection": translated["selection"],
            "code_label": translated["code_label"],
            "number": translated["number"],
        }
    household = f"{i18n.gettext('fi', N_('To the household'))} / {i18n.gettext('sv', N_('To the household'))}"
    return {
        "title": texts["fi"]["title"],
        "letters": [
            Letter(
                address_lines=(household, letter.street_address, f"{letter.postal_code} {settings.municipality_name}"),
                code=letter.code,
                qr_url=url,
                details={"number": str(letter.position)},
            )
            for letter in letters
        ],
        "letter_date": day,
        "texts": texts,
        "languages": list(LETTER_LANGUAGES),
    }


async def letters_pdf(settings: Settings, context: Mapping[str, Any]) -> bytes:
    """The letters as one PDF, laid out in a worker process by pb.reports.

    Not through `pb.reports.services.Reports`: its disk cache would keep the codes in clear on the server. The
    codes exist only in this request's memory and in the PDF sent to the facilitator; pb keeps their keyed hashes.
    So letters are made when their codes are made, and a lost batch is printed again with new codes."""
    pdf, messages = await anyio.to_process.run_sync(
        render_pdf_in_worker, RendererConfig(settings), LETTERS_TEMPLATE, dict(context), "fi", "pdf/ua-1", ()
    )
    for level, message in messages:
        logger.log(level, "WeasyPrint (panel letters): %s", message)
    return pdf


# --- registration ----------------------------------------------------------------------------------------------


def registration_open(panel: Panel, draw: InvitationDraw | None, notice: PrivacyNotice | None, day: date) -> bool:
    return draw is not None and notice is not None and day <= panel.registration_closes_on


async def register(
    db: AsyncSession, secret_key: str, panel: Panel, notice: PrivacyNotice, form: RegistrationForm
) -> Registration:
    """Registers the holder of a letter's code; a code registers one person (the household rule's key)."""
    invitation = await db.scalar(
        select(Invitation).where(
            Invitation.panel_id == panel.id, Invitation.code_hash == code_hash(secret_key, panel.id, form.code)
        )
    )
    if invitation is None:
        raise PanelRefused(N_("This code is not valid for this panel. Check the code in your letter."), "code")
    if invitation.used_at is not None:
        raise PanelRefused(
            N_("Someone has already registered with this code. Only one person per household can register."), "code"
        )
    moment = utcnow()
    # The update claims the code only if it is still unused, so two people racing with one letter get one place.
    claimed = await db.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None)).values(used_at=moment)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await db.rollback()
        raise PanelRefused(
            N_("Someone has already registered with this code. Only one person per household can register."), "code"
        )
    registration = Registration(
        panel_id=panel.id,
        invitation_id=invitation.id,
        household_key=invitation.address.address_key,
        name=form.name,
        email=form.email,
        phone=form.phone,
        language=form.language,
        answers=dict(form.answers),
        accessibility_needs=form.accessibility_needs,
        dietary_needs=form.dietary_needs,
        available_all_sessions=form.available_all_sessions,
        availability_notes=form.availability_notes,
        willing_reserve=form.willing_reserve,
        privacy_notice_id=notice.id,
        consented_at=moment,
        registered_at=moment,
    )
    db.add(registration)
    await db.flush()
    # The audit entry names the registration, never the person: the log is read more widely than the pool.
    record(
        db,
        actor=None,
        action="panel.registered",
        object_type="panel",
        object_id=panel.id,
        after={"registration_id": registration.id, "privacy_version": notice.version},
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise PanelRefused(
            N_("Someone has already registered with this code. Only one person per household can register."), "code"
        ) from None
    return registration


# --- the pool ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Recruitment so far (deliberation-panels.md §3.5: invited → registered → selected → attended)."""

    addresses: int
    invited: int
    letters_printed: int
    registered: int
    willing_reserve: int


async def funnel(db: AsyncSession, panel: Panel) -> Funnel:
    register = await register_of(db, panel)
    # Registrations are counted by the letters whose code was used, not by the registrations' rows: the rows of
    # the people not selected are deleted after the draw (pb.panels.retention), the used letters stay, and the
    # report's funnel must still say how many volunteered.
    invited, printed, registered = (
        await db.execute(
            select(func.count(), func.count(Invitation.letter_printed_at), func.count(Invitation.used_at)).where(
                Invitation.panel_id == panel.id
            )
        )
    ).one()
    reserve = await db.scalar(
        select(func.count()).where(Registration.panel_id == panel.id, Registration.willing_reserve.is_(True))
    )
    return Funnel(register.addresses if register else 0, invited, printed, registered, int(reserve or 0))


async def read_pool(db: AsyncSession, actor: User, panel: Panel, address: str) -> list[Registration]:
    """The registered people, for the panel's facilitators; every read is audit-logged (issue 8, Privacy)."""
    registrations = list(
        await db.scalars(select(Registration).where(Registration.panel_id == panel.id).order_by(Registration.id))
    )
    record(
        db,
        actor=actor,
        action="panel.pool_viewed",
        object_type="panel",
        object_id=panel.id,
        after={"registrations": len(registrations)},
        client_address=address,
    )
    await db.commit()
    return registrations


@dataclass(frozen=True)
class QuotaRow:
    value: PanelCategoryValue
    population_share: int  # hundredths of a percent
    min_count: int | None
    max_count: int | None
    in_pool: int


def quota_table(panel: Panel, registrations: Sequence[Registration]) -> list[tuple[PanelCategory, list[QuotaRow]]]:
    """Quotas against the population and the pool, per category (the facilitator's view before selection)."""
    counts: Counter[tuple[str, str]] = Counter(
        (category_id, value_id) for item in registrations for category_id, value_id in item.answers.items()
    )
    return [
        (
            category,
            [
                QuotaRow(
                    value,
                    value.population_share,
                    value.min_count,
                    value.max_count,
                    counts[(str(category.id), str(value.id))],
                )
                for value in category.values
            ],
        )
        for category in panel.categories
    ]


def answer_labels(panel: Panel, language: str) -> dict[str, dict[str, str]]:
    """Category id -> value id -> the value's name, for showing registrations' answers."""
    return {
        str(category.id): {str(value.id): value.text("name", language) for value in category.values}
        for category in panel.categories
    }
