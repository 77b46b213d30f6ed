"""The panel's report to the council, read back with pypdf: language, title, its sections, the recommendations with
support and minority statements, the integrity appendix, and no names."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any

import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.db import Database, utcnow
from pb.panels.models import Panel, PanelSelection, Registration
from pb.panels.report import report_context
from pb.panels.work_models import (
    CouncilResponse,
    MinorityStatement,
    PanelAttendance,
    PanelHearing,
    PanelMember,
    PanelSession,
    RecommendationVote,
)
from tests.conftest import FormClient, add_persona
from tests.panels.selection_support import Pooled, drawn
from tests.panels.support import FOLKE
from tests.panels.work_support import add_recommendation
from tests.personas import AINO


def finished(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Pooled, PanelSelection]:
    """A drawn panel that met once, heard an expert, voted on a recommendation and got the council's answer."""
    pooled, selection = drawn(client, db, database_url, monkeypatch)
    members = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).all()
    starts = utcnow().replace(microsecond=0) - timedelta(days=3)
    session = PanelSession(
        panel_id=pooled.panel.id, starts_at=starts, ends_at=starts + timedelta(hours=4), place="Torni"
    )
    db.add(session)
    db.flush()
    db.add_all(PanelAttendance(session_id=session.id, member_id=m.id, present=True) for m in members)
    db.add(PanelHearing(panel_id=pooled.panel.id, speaker="Liisa Liikenne", declared_interests="Ei sidonnaisuuksia"))
    recommendation = add_recommendation(db, pooled.panel, members[0], "Penkkejä torille")
    for member, score in zip(members, [5, 5, 4, 2], strict=True):
        recommendation.votes.append(RecommendationVote(member_id=member.id, score=score))
    recommendation.minority_statements.append(
        MinorityStatement(member_id=members[3].id, body="Tori jää liian täyteen.")
    )
    db.add(CouncilResponse(recommendation_id=recommendation.id, decision="accepted", reasoning="Penkit tulevat."))
    pooled.panel.recommendations_stage = "final"
    pooled.panel.response_published_at = utcnow()
    db.commit()
    return pooled, selection


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_has_the_sections_the_recommendations_and_the_integrity_appendix(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = finished(client, db, database_url, monkeypatch)

    response = client.get(f"/facilitator/panels/{pooled.panel.id}/report.pdf")

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert (
        reader.metadata is not None and reader.metadata.title == "Report of the citizens' panel: Citizens' panel 2026"
    )
    text = " ".join(text_of(response.content).split())
    for heading in (
        "Remit and commission",
        "How the panel worked",
        "Experts heard",
        "Who took part",
        "Recruitment funnel",
        "Recommendations",
        "The council's response",
        "Methodology and integrity",
    ):
        assert heading in text, heading
    assert "How should the city centre be developed?" in text and "Liisa Liikenne" in text
    assert "Penkkejä torille" in text and "Supported: 75 %" in text and "Strongly supported" not in text
    assert "Tori jää liian täyteen." in text and "Penkit tulevat." in text
    assert selection.lottery_sha256[:16] in text and "6-2-5-1" in text and selection.algorithm[:20] in text
    for registration in pooled.registrations:
        assert registration.name not in text


def test_the_report_is_in_the_readers_language_and_public_once_final(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = finished(client, db, database_url, monkeypatch)
    client.cookies.clear()

    swedish = client.get(f"/panels/{pooled.panel.slug}/report.pdf?lang=sv")

    assert swedish.status_code == 200
    assert pypdf.PdfReader(io.BytesIO(swedish.content)).trailer["/Root"]["/Lang"] == "sv"
    pooled.panel.recommendations_stage = "voting"
    db.commit()
    assert client.get(f"/panels/{pooled.panel.slug}/report.pdf").status_code == 404


def test_only_the_panels_facilitators_get_the_report_before_it_is_public(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, _ = finished(client, db, database_url, monkeypatch)
    add_persona(db, AINO)
    add_persona(db, FOLKE)
    client.log_in(AINO)
    assert client.get(f"/facilitator/panels/{pooled.panel.id}/report.pdf").status_code == 403
    client.log_in(FOLKE)
    assert client.get(f"/facilitator/panels/{pooled.panel.id}/report.pdf").status_code == 404


def context_of(database_url: str, panel_id: int) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        database = Database.connect(database_url)
        try:
            async with database.sessionmaker() as db:
                panel = await db.get(Panel, panel_id)
                assert panel is not None
                return await report_context(db, panel, "en", utcnow().date())
        finally:
            await database.engine.dispose()

    return asyncio.run(read())


def test_the_recruitment_funnel_counts_each_stage_from_the_letters_to_full_attendance(
    client: FormClient, db: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled, selection = finished(client, db, database_url, monkeypatch)
    members = db.scalars(select(PanelMember).where(PanelMember.panel_id == pooled.panel.id)).all()
    # A second session, which one member missed; a session without attendance recorded does not count.
    starts = utcnow().replace(microsecond=0) - timedelta(days=1)
    for day, present in ((0, [m.id for m in members[1:]]), (5, None)):
        session = PanelSession(
            panel_id=pooled.panel.id, starts_at=starts + timedelta(days=day), ends_at=starts + timedelta(days=day)
        )
        db.add(session)
        db.flush()
        if present is not None:
            db.add_all(PanelAttendance(session_id=session.id, member_id=m.id, present=m.id in present) for m in members)
    db.commit()

    expected = (
        ("Invited by lot", "10"),
        ("Registered", "10"),
        ("Selected", "4"),
        ("Members at the end", "4"),
        ("Attended every session", "3"),
    )

    context = context_of(database_url, pooled.panel.id)
    assert context["funnel"].table.rows == expected
    # The composition against the quotas and the population: every member counted once per category.
    gender = next(table for table in context["composition"] if table.category == "Sukupuoli")
    assert [(row.value, row.population_share, row.quota) for row in gender.rows] == [
        ("Nainen", "51 %", "1–3"),
        ("Mies", "49 %", "1–3"),
    ]
    assert all(sum(row.on_panel for row in table.rows) == 4 for table in context["composition"])
    # The data of the six not selected is deleted after the draw; they still count as having registered.
    selection.drawn_at = utcnow() - timedelta(days=31)
    db.commit()
    assert client.submit(f"/facilitator/panels/{pooled.panel.id}/purge").status_code == 303
    assert len(db.scalars(select(Registration)).all()) == 4
    assert context_of(database_url, pooled.panel.id)["funnel"].table.rows == expected
