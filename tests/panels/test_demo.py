"""The demo panel (pb.demo_panels): in recruitment, with a register, a drawn lottery, letters and registrations."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import Database
from pb.demo_panels import DEMO_PANEL, DEMO_SEED, FINISHED_DRAW_VALUE, FINISHED_PANEL, load_panels_demo
from pb.districts.models import District
from pb.panels import lottery
from pb.panels.models import InvitationDraw, Panel, PanelAddress, PanelSelection, Registration
from pb.panels.work_models import PanelMember
from pb.settings import Settings
from pb.sortition.draw import choose_index
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI
from tests.personas import AINO


async def _load(database_url: str, settings: Settings, others: dict[str, User] | None = None) -> None:
    database = Database.connect(database_url)
    try:
        async with database.sessionmaker() as db:
            users = {Role.FACILITATOR.value: await db.scalar(select(User).where(User.email == FANNI.email))}
            for role, user in (others or {}).items():
                users[role] = await db.get(User, user.id)
            districts = list(await db.scalars(select(District)))
            await load_panels_demo(db, users, districts, settings)  # type: ignore[arg-type]
    finally:
        await database.engine.dispose()


def test_the_demo_has_a_panel_in_recruitment_whose_lottery_can_be_recomputed(
    client: FormClient, db: Session, database_url: str, settings: Settings
) -> None:
    add_persona(db, FANNI)
    db.add_all(
        [
            District(code="keskusta", name_fi="Keskusta", name_sv="Centrum", name_en="Centre"),
            District(code="saaristo", name_fi="Saaristo", name_sv="Skärgården", name_en="Archipelago"),
        ]
    )
    db.commit()

    asyncio.run(_load(database_url, settings))

    panel = db.scalars(select(Panel).where(Panel.slug == DEMO_PANEL)).one()
    assert len(panel.categories) == 3
    assert all(value.min_count is not None for category in panel.categories for value in category.values)
    draw = db.scalars(select(InvitationDraw).where(InvitationDraw.panel_id == panel.id)).one()
    keys = list(db.scalars(select(PanelAddress.address_key).where(PanelAddress.panel_id == panel.id)))
    assert draw.seed == DEMO_SEED
    assert draw.drawn_sha256 == lottery.list_digest(lottery.draw(DEMO_SEED, keys, draw.drawn_count))
    assert len(db.scalars(select(Registration).where(Registration.panel_id == panel.id)).all()) == 8
    client.log_in(FANNI)
    assert "Sixten Lindqvist" in client.get(f"/facilitator/panels/{panel.id}/pool").text
    assert client.get(f"/panels/{DEMO_PANEL}/register").status_code == 200


def test_the_demo_has_a_finished_panel_whose_draw_anyone_can_recompute_and_the_councils_answer(
    client: FormClient, db: Session, database_url: str, settings: Settings
) -> None:
    fanni = add_persona(db, FANNI)
    resident = add_persona(db, AINO)
    db.add(District(code="keskusta", name_fi="Keskusta", name_sv="Centrum", name_en="Centre"))
    db.commit()

    asyncio.run(_load(database_url, settings, {Role.RESIDENT.value: resident}))

    panel = db.scalars(select(Panel).where(Panel.slug == FINISHED_PANEL)).one()
    selection = db.scalars(select(PanelSelection).where(PanelSelection.panel_id == panel.id)).one()
    assert selection.drawn_index == choose_index(selection.lottery_sha256, FINISHED_DRAW_VALUE, len(selection.lottery))
    assert panel.recommendations_stage == "final" and panel.response_published_at is not None
    assert panel.unselected_purged_at is not None
    kept = {p.registration_id for p in selection.people if p.registration_id is not None}
    assert len(kept) == len([p for p in selection.people if p.on_panel])
    assert db.scalars(select(PanelMember).where(PanelMember.user_id == resident.id)).one()
    public = client.get(f"/panels/{FINISHED_PANEL}").text
    assert "Omatoimiaukiolo laajennetaan" in public and AINO.name in public  # she agreed to be named
    client.log_in(AINO)
    assert client.get(f"/panels/{FINISHED_PANEL}/workspace").status_code == 200
    client.log_in(FANNI)
    assert client.get(f"/facilitator/panels/{panel.id}/selection").status_code == 200
    assert fanni.id == panel.created_by_id
