"""The demo panel (pb.demo_panels): in recruitment, with a register, a drawn lottery, letters and registrations."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import Role, User
from pb.db import Database
from pb.demo_panels import DEMO_PANEL, DEMO_SEED, load_panels_demo
from pb.districts.models import District
from pb.panels import lottery
from pb.panels.models import InvitationDraw, Panel, PanelAddress, Registration
from pb.settings import Settings
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI


async def _load(database_url: str, settings: Settings) -> None:
    database = Database.connect(database_url)
    try:
        async with database.sessionmaker() as db:
            users = {Role.FACILITATOR.value: await db.scalar(select(User).where(User.email == FANNI.email))}
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
    draw = db.scalars(select(InvitationDraw)).one()
    keys = list(db.scalars(select(PanelAddress.address_key)))
    assert draw.seed == DEMO_SEED
    assert draw.drawn_sha256 == lottery.list_digest(lottery.draw(DEMO_SEED, keys, draw.drawn_count))
    assert len(db.scalars(select(Registration)).all()) == 8
    client.log_in(FANNI)
    assert "Sixten Lindqvist" in client.get(f"/facilitator/panels/{panel.id}/pool").text
    assert client.get(f"/panels/{DEMO_PANEL}/register").status_code == 200
