"""Helpers for the proposal tests: a process in its proposals phase, and proposals arranged in the database."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.db import utcnow
from pb.processes.models import Process
from pb.proposals.models import Proposal, ProposalStatus
from tests.conftest import make_process


@pytest.fixture
def process(db: Session, personas: dict[str, User]) -> Process:
    """A published process whose proposals phase is open now."""
    process: Process = make_process(db, open_phase="proposals")
    return process


def add_proposal(
    db: Session,
    process: Process,
    author: User | None,
    *,
    title: str = "Uusi leikkipuisto",
    summary: str = "Keinut ja hiekkalaatikko",
    body: str = "Puistoon tarvitaan keinut.",
    status: str = ProposalStatus.PUBLISHED,
    district_id: int | None = None,
    theme_id: int | None = None,
    support_count: int = 0,
    comment_count: int = 0,
    published_days_ago: int = 1,
    hidden_reason: str | None = None,
) -> Proposal:
    published = status != ProposalStatus.DRAFT
    proposal = Proposal(
        process_id=process.id,
        author_id=author.id if author else None,
        title=title,
        summary=summary,
        body=body,
        status=status,
        district_id=district_id,
        theme_id=theme_id,
        support_count=support_count,
        comment_count=comment_count,
        published_at=utcnow() - timedelta(days=published_days_ago) if published else None,
        hidden_at=utcnow() if hidden_reason else None,
        hidden_reason=hidden_reason,
    )
    db.add(proposal)
    db.commit()
    return proposal


def form_for(process: Process, **overrides: Any) -> dict[str, Any]:
    """A valid submission of the proposal form."""
    form: dict[str, Any] = {
        "title": "Penkkejä rantaan",
        "summary": "Lisää penkkejä rantapolun varrelle.",
        "body": "Rantapolulla ei ole **yhtään** penkkiä.",
        "district": str(process.districts[0].district_id),
        "theme": str(process.themes[0].id),
        "address": "Rantapolku 1",
        "latitude": "60,1699",
        "longitude": "24.9384",
        "cost": "12 000",
        "action": "publish",
    }
    form.update(overrides)
    return form


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, with_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    output = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "Camera Maker Oy"  # Make
        exif[0x0131] = "SecretPhone 1.0"  # Software
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (60.0, 10.0, 12.0)
        gps[3] = "E"
        gps[4] = (24.0, 56.0, 18.0)
        image.save(output, format="JPEG", exif=exif, comment=b"taken at home")
    else:
        image.save(output, format="JPEG")
    return output.getvalue()


def png_bytes(size: tuple[int, int] = (32, 32)) -> bytes:
    output = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(output, format="PNG")
    return output.getvalue()
