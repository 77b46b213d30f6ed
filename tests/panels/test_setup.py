"""Setting a panel up: details, categories with population shares, proposed and edited quotas; who may."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.panels.models import Panel, PanelCategoryValue, PanelFacilitator
from tests.conftest import FormClient, add_persona
from tests.panels.support import FANNI, FOLKE, add_category, make_panel
from tests.personas import AINO, ANNA

DETAILS = {
    "slug": "raati-2027",
    "name_fi": "Kuntalaisraati 2027",
    "name_sv": "Invånarpanelen 2027",
    "name_en": "",
    "remit_fi": "Miten kirjastopalvelut järjestetään?",
    "remit_sv": "Hur ordnas bibliotekstjänsterna?",
    "remit_en": "",
    "commissioner": "Kaupunginhallitus",
    "size": "21",
    "tolerance": "1",
    "registration_closes_on": "2027-02-01",
    "first_session_on": "2027-02-20",
    "last_session_on": "2027-03-06",
    "is_published": "yes",
}


def test_a_facilitator_creates_a_panel_and_runs_it(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    client.log_in(FANNI)

    response = client.submit("/facilitator/panels/new", DETAILS)

    assert response.status_code == 303
    panel = db.scalars(select(Panel)).one()
    assert response.headers["location"] == f"/facilitator/panels/{panel.id}"
    assert (panel.size, panel.commissioner, panel.remit_sv) == (21, "Kaupunginhallitus", DETAILS["remit_sv"])
    assert db.scalars(select(PanelFacilitator.user_id)).all() == [fanni.id]
    assert db.scalars(select(AuditEvent.action)).all() == ["panel.created"]
    assert "Kuntalaisraati 2027" in client.get(f"/facilitator/panels/{panel.id}").text


def test_the_details_form_explains_each_mistake_next_to_its_field(client: FormClient, db: Session) -> None:
    add_persona(db, FANNI)
    client.log_in(FANNI)

    response = client.submit(
        "/facilitator/panels/new", {**DETAILS, "remit_fi": "", "size": "1", "first_session_on": "2027-01-01"}
    )

    assert response.status_code == 422
    assert 'id="remit_fi-error"' in response.text
    assert 'id="size-error"' in response.text
    assert 'id="first_session_on-error"' in response.text
    assert db.scalars(select(Panel)).all() == []


def test_pb_proposes_quotas_from_population_shares_and_the_facilitator_edits_them(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)  # size 4, tolerance 1
    client.log_in(FANNI)
    client.submit(f"/facilitator/panels/{panel.id}/categories", {"category_fi": "Ikä", "category_sv": "Ålder"})
    category = db.get(Panel, panel.id).categories[0]  # type: ignore[union-attr]
    for name, share in (("18–39", "33,3"), ("40–64", "33.3"), ("65+", "33,4 %")):
        response = client.submit(
            f"/facilitator/panels/{panel.id}/categories/{category.id}/values", {"value_fi": name, "share": share}
        )
        assert response.status_code == 303, response.text

    assert client.submit(f"/facilitator/panels/{panel.id}/quotas/propose").status_code == 303

    db.expire_all()
    values = db.scalars(select(PanelCategoryValue).order_by(PanelCategoryValue.position)).all()
    assert [value.population_share for value in values] == [3330, 3330, 3340]
    # Centres 1, 1, 2 (largest remainder: 1.332, 1.332, 1.336 → the third gets the fourth seat) ± 1.
    assert [(value.min_count, value.max_count) for value in values] == [(0, 2), (0, 2), (1, 3)]

    edited = {f"min_{value.id}": "1" for value in values} | {f"max_{value.id}": "2" for value in values}
    assert client.submit(f"/facilitator/panels/{panel.id}/quotas", edited).status_code == 303
    db.expire_all()
    assert [(value.min_count, value.max_count) for value in db.scalars(select(PanelCategoryValue))] == [(1, 2)] * 3


def test_quotas_that_cannot_hold_are_refused_or_flagged(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    category = add_category(db, panel, "Sukupuoli", [("Nainen", 5000), ("Mies", 4000)])
    first, second = category.values
    client.log_in(FANNI)

    refused = client.submit(
        f"/facilitator/panels/{panel.id}/quotas",
        {f"min_{first.id}": "3", f"max_{first.id}": "2", f"min_{second.id}": "0", f"max_{second.id}": "9"},
    )
    assert refused.status_code == 422
    assert f'id="max_{first.id}-error"' in refused.text
    assert f'id="max_{second.id}-error"' in refused.text

    client.submit(
        f"/facilitator/panels/{panel.id}/quotas",
        {f"min_{first.id}": "3", f"max_{first.id}": "3", f"min_{second.id}": "3", f"max_{second.id}": "3"},
    )
    page = client.get(f"/facilitator/panels/{panel.id}/quotas").text
    assert "Problems with the quotas" in page or "Ongelmia" in page
    assert "90" in page  # the shares add up to 90 %, not 100 %


def test_residents_are_refused_the_facilitator_pages(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    add_persona(db, AINO)
    panel = make_panel(db, fanni)
    client.log_in(AINO)
    for path in (
        "/facilitator/panels",
        "/facilitator/panels/new",
        f"/facilitator/panels/{panel.id}",
        f"/facilitator/panels/{panel.id}/quotas",
        f"/facilitator/panels/{panel.id}/recruitment",
        f"/facilitator/panels/{panel.id}/pool",
    ):
        assert client.get(path).status_code == 403, path
    assert client.submit("/facilitator/panels/new", DETAILS).status_code == 403


def test_a_facilitator_of_another_panel_does_not_find_this_one(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    add_persona(db, FOLKE)
    panel = make_panel(db, fanni)
    client.log_in(FOLKE)
    assert client.get(f"/facilitator/panels/{panel.id}").status_code == 404
    assert "Kuntalaisraati 2026" not in client.get("/facilitator/panels").text


def test_an_admin_may_run_every_panel_and_add_a_facilitator(
    client: FormClient, db: Session, personas: dict[str, User]
) -> None:
    fanni = add_persona(db, FANNI)
    folke = add_persona(db, FOLKE)
    panel = make_panel(db, fanni)
    client.log_in(ANNA)
    assert client.get(f"/facilitator/panels/{panel.id}").status_code == 200

    refused = client.submit(f"/facilitator/panels/{panel.id}/facilitators", {"email": AINO.email})
    assert refused.status_code == 422
    assert 'id="email-error"' in refused.text
    assert client.submit(f"/facilitator/panels/{panel.id}/facilitators", {"email": FOLKE.email}).status_code == 303
    assert sorted(db.scalars(select(PanelFacilitator.user_id))) == sorted([fanni.id, folke.id])
