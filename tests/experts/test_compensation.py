"""The compensation ledger: fees per session or per hour by each expert's choice (fee with withholding, to an
association, declined), expenses kept apart, the sums, the CSV file for payroll and each expert's own view with
the private earnings alert."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.experts.compensation import Totals, fee_for, share, totals, withholding
from pb.experts.models import (
    Attendance,
    ExpertIdentity,
    ExpertPaymentDetails,
    FeeBasis,
    LedgerEntry,
    LedgerKind,
    Payee,
    RegistrySettings,
)
from tests.conftest import FormClient
from tests.experts.personas import EEVA, ELIAS, KAISA
from tests.experts.support import Arranged, audit
from tests.personas import Persona


def as_(client: FormClient, persona: Persona) -> FormClient:
    client.cookies.clear()
    client.log_in(persona)
    return client


def lines(db: Session) -> list[LedgerEntry]:
    db.expire_all()
    return list(db.scalars(select(LedgerEntry).order_by(LedgerEntry.id)))


def test_rounding_is_half_up_to_the_cent_in_integers() -> None:
    assert share(3000, 90, 60) == 4500
    assert fee_for(FeeBasis.HOUR, 2550, 90) == 3825
    assert fee_for(FeeBasis.HOUR, 2550, 50) == 2125
    assert fee_for(FeeBasis.SESSION, 3000, 17) == 3000
    assert withholding(2550, 2550) == 650  # 650.25
    assert withholding(1001, 5000) == 501  # 500.5 rounds up
    assert withholding(3000, 0) == 0


def test_fees_of_a_session_follow_each_experts_choice(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    path = f"/coordinator/assignments/{group.assignment.id}/fees"
    assert client.submit(path, {"session_id": "999"}).status_code == 422
    assert client.submit(path, {"session_id": str(group.session.id)}).status_code == 303
    written = {entry.expert_id: entry for entry in lines(db)}
    eeva, elias = written[group.eeva.id], written[group.elias.id]
    # Eeva: a taxable fee with her tax card's 25 %.
    assert (eeva.kind, eeva.payee, eeva.amount_cents, eeva.withholding_basis_points, eeva.withheld_cents) == (
        LedgerKind.FEE,
        Payee.EXPERT,
        3000,
        2500,
        750,
    )
    assert eeva.net_cents == 2250
    # Elias: to his association, nothing withheld.
    assert (elias.payee, elias.association_name, elias.amount_cents, elias.withheld_cents) == (
        Payee.ASSOCIATION,
        "Mielen ry",
        3000,
        0,
    )
    # Once per session: writing again adds nothing.
    client.submit(path, {"session_id": str(group.session.id)})
    assert len(lines(db)) == 2


def test_an_hourly_fee_counts_the_minutes_attended_and_a_declined_fee_is_a_zero_line(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    group.assignment.fee_basis = FeeBasis.HOUR
    group.assignment.fee_rate_cents = 2550
    attendance = db.scalars(select(Attendance).where(Attendance.expert_id == group.elias.id)).one()
    attendance.minutes = 50
    payment = db.get(ExpertPaymentDetails, group.elias.id)
    assert payment is not None
    payment.fee_preference = "decline"
    db.merge(group.assignment)
    db.commit()
    as_(client, KAISA).submit(
        f"/coordinator/assignments/{group.assignment.id}/fees", {"session_id": str(group.session.id)}
    )
    written = {entry.expert_id: entry for entry in lines(db)}
    assert written[group.eeva.id].amount_cents == 3825  # 90 minutes at 25,50 €/h
    assert written[group.eeva.id].withheld_cents == 956  # 25 % of 38,25 € is 9,5625 €
    assert (written[group.elias.id].payee, written[group.elias.id].amount_cents) == (Payee.DECLINED, 0)


def test_expenses_are_kept_apart_from_fees_and_the_sums_add_up(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA)
    base = f"/coordinator/assignments/{group.assignment.id}"
    client.submit(f"{base}/fees", {"session_id": str(group.session.id)})
    bad = client.submit(
        f"{base}/expenses", {"expert_id": str(group.eeva.id), "description": "", "amount": "-3", "spent_on": "x"}
    )
    assert bad.status_code == 422
    for field in ("description", "amount", "spent_on"):
        assert f'id="{field}-error"' in bad.text
    added = client.submit(
        f"{base}/expenses",
        {"expert_id": str(group.eeva.id), "description": "Bussiliput", "amount": "12,40", "spent_on": "2.3.2026"},
    )
    assert added.status_code == 303
    expense = lines(db)[-1]
    assert (expense.kind, expense.amount_cents, expense.withheld_cents) == (LedgerKind.EXPENSE, 1240, 0)
    assert totals(lines(db)) == Totals(
        fees_cents=3000, withheld_cents=750, to_associations_cents=3000, expenses_cents=1240, declined=0
    )
    page = client.get(f"{base}/compensation").text
    assert "12,40" in page or "12.40" in page


def test_the_payroll_file_has_every_line_once_with_names_and_safe_cells(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    identity = db.get(ExpertIdentity, group.eeva.id)
    assert identity is not None
    identity.name = '=HYPERLINK("http://evil.example")'
    db.commit()
    as_(client, KAISA)
    client.submit(f"/coordinator/assignments/{group.assignment.id}/fees", {"session_id": str(group.session.id)})
    exported = client.submit(f"/coordinator/groups/{group.group.id}/ledger/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["cache-control"] == "no-store"
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    by_name = {row["pseudonym"]: row for row in rows}
    eeva, elias = by_name["KA-EEVA22"], by_name["KA-ELIAS2"]
    assert eeva["name"].startswith("'=")  # OWASP CSV injection: never a live formula
    assert (eeva["taxable"], eeva["gross_eur"], eeva["withholding_percent"], eeva["withheld_eur"], eeva["net_eur"]) == (
        "yes",
        "30,00",
        "25,00",
        "7,50",
        "22,50",
    )
    assert (elias["payee"], elias["association"], elias["taxable"], elias["withheld_eur"]) == (
        "association",
        "Mielen ry",
        "no",
        "0,00",
    )
    assert all(entry.exported_at is not None and entry.export_batch == eeva["batch"] for entry in lines(db))
    # The next file holds only lines written since.
    again = client.submit(f"/coordinator/groups/{group.group.id}/ledger/export")
    assert list(csv.DictReader(io.StringIO(again.content.decode("utf-8-sig")), delimiter=";")) == []
    assert len(audit(db, "experts.ledger_exported")) == 2


def test_an_expert_sees_their_own_earnings_and_only_they_get_the_earnings_alert(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    as_(client, KAISA).submit(
        f"/coordinator/assignments/{group.assignment.id}/fees", {"session_id": str(group.session.id)}
    )
    as_(client, EEVA)
    page = client.get("/experts/earnings").text
    assert "30,00" in page and "7,50" in page and "22,50" in page
    assert "close to the earnings limit" not in page and "over the earnings limit" not in page

    payment = db.get(ExpertPaymentDetails, group.eeva.id)
    assert payment is not None
    payment.has_earnings_limit = True
    payment.earnings_limit_cents = 3500  # 30 € is over 80 % of 35 €
    db.commit()
    assert "close to the earnings limit" in client.get("/experts/earnings?lang=en").text
    payment.earnings_limit_cents = 2000
    db.commit()
    assert "over the earnings limit" in client.get("/experts/earnings?lang=en").text
    # Elias sees his association line, not Eeva's fee.
    elias_page = as_(client, ELIAS).get("/experts/earnings?lang=en").text
    assert "Mielen ry" in elias_page and "7,50" not in elias_page and "earnings limit" not in elias_page


def test_the_earnings_alert_uses_the_registrys_limit_and_each_years_own_fees(
    client: FormClient, db: Session, group: Arranged, people: dict[str, User]
) -> None:
    this_year = date.today().year
    for year, cents in ((this_year, 2000), (this_year - 1, 3000)):
        db.add(
            LedgerEntry(
                group_id=group.group.id,
                expert_id=group.eeva.id,
                kind=LedgerKind.FEE,
                payee=Payee.EXPERT,
                description="Tapaaminen",
                earned_on=date(year, 6, 1),
                amount_cents=cents,
            )
        )
    # The limit is a registry setting; Eeva ticked "warn me" without a limit of her own.
    db.add(RegistrySettings(earnings_limit_cents=3500, alert_percent=80))
    payment = db.get(ExpertPaymentDetails, group.eeva.id)
    assert payment is not None
    payment.has_earnings_limit = True
    payment.earnings_limit_cents = None
    db.commit()
    page = as_(client, EEVA).get("/experts/earnings?lang=en").text
    # Last year: 30 € of 35 € is over 80 %. This year: 20 € is not; added to last year's it would be over the limit.
    assert page.count("close to the earnings limit") == 1 and "over the earnings limit" not in page
    assert page.index(str(this_year)) < page.index(str(this_year - 1)) < page.index("close to the earnings limit")
