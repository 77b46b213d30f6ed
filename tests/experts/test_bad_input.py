"""Bad input gets a message next to its field or a 404, never a 500: numbers that ``int`` refuses ("²", thousands
of digits), numbers too large to name a row (ids are 32-bit on PostgreSQL), and years the ledger cannot show."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.forms import parse_id
from pb.experts.models import Attendance, ExpertInput, LedgerEntry
from tests.conftest import FormClient
from tests.experts.personas import DORA, EEVA, KAISA
from tests.experts.support import Arranged, profile
from tests.personas import Persona

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
TOO_MANY_DIGITS = "9" * 5000  # int() refuses more than 4300 digits
TOO_LARGE = "99999999999"  # more than a 32-bit id


def as_(client: FormClient, persona: Persona) -> FormClient:
    client.cookies.clear()
    client.log_in(persona)
    return client


def test_a_row_number_is_ascii_digits_within_the_range_of_ids() -> None:
    assert parse_id(" 42 ") == 42
    for raw in (None, "", "0", "-1", "4.0", SUPERSCRIPT_TWO, "١", TOO_MANY_DIGITS, TOO_LARGE, "2147483648"):
        assert parse_id(raw) is None, raw
    assert parse_id("2147483647") == 2**31 - 1


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        (KAISA, f"/coordinator/experts/{TOO_LARGE}"),
        (KAISA, "/coordinator/experts/99999999999999999999999"),
        (KAISA, f"/coordinator/groups/{TOO_LARGE}/ledger"),
        (KAISA, f"/coordinator/assignments/{TOO_LARGE}/input"),
        (EEVA, f"/experts/{TOO_LARGE}/profile"),
        (DORA, f"/expert-summaries/{TOO_LARGE}"),
    ],
)
def test_a_number_too_large_to_name_a_row_is_not_found(
    client: FormClient, group: Arranged, people: dict[str, User], persona: Persona, path: str
) -> None:
    assert as_(client, persona).get(path).status_code == 404


@pytest.mark.parametrize("year", ["-5", "abc", SUPERSCRIPT_TWO, "1999", "99999", TOO_MANY_DIGITS])
def test_the_ledger_names_a_year_it_cannot_show_next_to_the_field(
    client: FormClient, group: Arranged, people: dict[str, User], year: str
) -> None:
    response = as_(client, KAISA).get(f"/coordinator/groups/{group.group.id}/ledger", params={"year": year})
    assert response.status_code == 422
    assert 'id="year-error"' in response.text and 'aria-invalid="true"' in response.text


def test_the_ledger_shows_the_year_asked_for(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    from datetime import date

    from pb.experts.models import LedgerKind, Payee

    db.add(
        LedgerEntry(
            group_id=group.group.id,
            expert_id=group.eeva.id,
            kind=LedgerKind.EXPENSE,
            payee=Payee.EXPERT,
            description="Vanha bussilippu",
            earned_on=date(2024, 5, 2),
            amount_cents=300,
        )
    )
    db.commit()
    path = f"/coordinator/groups/{group.group.id}/ledger"
    as_(client, KAISA)
    assert "Vanha bussilippu" not in client.get(path).text
    shown = client.get(path, params={"year": "2024"})
    assert shown.status_code == 200 and "Vanha bussilippu" in shown.text and 'value="2024"' in shown.text


def test_the_coordinators_forms_name_an_unreadable_number_next_to_its_field(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    base = f"/coordinator/assignments/{group.assignment.id}"
    as_(client, KAISA)
    search = client.get(base, params={"searched": "1", "area": [SUPERSCRIPT_TWO, TOO_MANY_DIGITS]})
    assert search.status_code == 200  # a search simply ignores what is not a filter
    for path, form, field in [
        (f"{base}/fees", {"session_id": SUPERSCRIPT_TWO}, "session_id"),
        (f"{base}/fees", {"session_id": TOO_LARGE}, "session_id"),
        (
            f"{base}/expenses",
            {"expert_id": SUPERSCRIPT_TWO, "description": "X", "amount": "5", "spent_on": "1.3.2026"},
            "expert_id",
        ),
        (f"{base}/invitations", {"expert": [SUPERSCRIPT_TWO, TOO_MANY_DIGITS]}, "expert"),
        (f"{base}/details", {"experts_wanted": TOO_MANY_DIGITS}, "experts_wanted"),
        (f"{base}/sessions", {"duration_minutes": TOO_MANY_DIGITS}, "duration_minutes"),
    ]:
        response = client.submit(path, form)
        assert response.status_code == 422, (path, response.status_code)
        assert f'id="{field}-error"' in response.text, path
    assert db.scalars(select(LedgerEntry)).all() == []
    # Minutes that cannot be read count the whole session, as documented in forms.parse_attendance.
    eeva = str(group.eeva.id)
    marked = client.submit(
        f"{base}/sessions/{group.session.id}/attendance", {"attended": [eeva], f"minutes_{eeva}": SUPERSCRIPT_TWO}
    )
    assert marked.status_code == 303
    db.expire_all()
    row = db.scalars(select(Attendance).where(Attendance.expert_id == group.eeva.id)).one()
    assert (row.attended, row.minutes) == (True, group.session.duration_minutes)


def test_the_experts_and_requesters_forms_name_an_unreadable_number_next_to_its_field(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, EEVA)
    chosen = client.submit(f"/experts/{group.eeva.id}/profile", {**profile([]), "areas": [SUPERSCRIPT_TWO, TOO_LARGE]})
    assert chosen.status_code == 422 and 'id="areas-error"' in chosen.text
    path = f"/experts/assignments/{group.eeva_invitation.id}/input/{TOO_LARGE}/delete"
    assert client.submit(path).status_code == 404  # no input can have that id (pb.web.ids)
    assert db.scalars(select(ExpertInput).where(ExpertInput.expert_id == group.eeva.id)).all()
    as_(client, DORA)
    requested = client.submit("/expert-requests", {"group_id": SUPERSCRIPT_TWO, "experts_wanted": TOO_MANY_DIGITS})
    assert requested.status_code == 422
    assert 'id="group_id-error"' in requested.text and 'id="experts_wanted-error"' in requested.text
