"""Importing the census from a CSV file: spreadsheets' dialects, errors by line, all or nothing, hashes only."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.eligibility.models import CensusEntry, CensusImport, EligibilityProof
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO, ANNA
from tests.voting_support import AINO_IN_CENSUS, SIXTEN_IN_CENSUS, keys_for, make_voting_process, prove

GOOD = (
    "henkilötunnus,syntymäaika,alue\n"
    "150590-901A,1990-05-15,keskusta\n"
    "020310A902B,2010-03-02,saaristo\n"
    "111116-903C,2016-11-11,keskusta\n"
)
# What Excel in a Finnish locale writes with "CSV UTF-8": a byte order mark, semicolons, Finnish dates, CRLF.
EXCEL = "\ufeffTunnus;Syntynyt;Alue\r\n150590-901A;15.5.1990;Keskusta\r\n020310A902B;2.3.2010;saaristo\r\n"


def upload(client: FormClient, process_id: int, content: str | bytes) -> object:
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        f"/admin/processes/{process_id}/census",
        data={"_csrf_token": client.csrf_token()},
        files={"census_file": ("census.csv", data, "text/csv")},
        follow_redirects=False,
    )


def census_count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(CensusEntry)) or 0)


def test_an_admin_imports_a_census_and_sees_counts_per_district_and_age_band(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    client.log_in(ANNA)

    response = upload(client, process.id, GOOD)

    assert response.status_code == 303  # type: ignore[attr-defined]
    entries = db.scalars(select(CensusEntry).order_by(CensusEntry.birth_date)).all()
    keys = keys_for(settings)
    assert [entry.person_key for entry in entries] == [
        keys.person("150590-901A"),
        keys.person("020310A902B"),
        keys.person("111116-903C"),
    ]
    imported = db.scalars(select(CensusImport)).one()
    assert imported.rows == 3 and len(imported.file_digest) == 64
    assert db.scalars(select(AuditEvent.action)).all() == ["census.imported"]
    page = client.get(f"/admin/processes/{process.id}/census?lang=en").text
    assert "3 residents" in page
    assert "Under 12" in page and "Age 12-17" in page and imported.file_digest in page


def test_a_semicolon_file_with_excels_byte_order_mark_and_finnish_dates_is_read(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db)
    client.log_in(ANNA)

    assert upload(client, process.id, EXCEL.encode("utf-8")).status_code == 303  # type: ignore[attr-defined]

    assert sorted(str(entry.birth_date) for entry in db.scalars(select(CensusEntry))) == ["1990-05-15", "2010-03-02"]


def test_bad_lines_are_reported_with_their_numbers_and_nothing_is_stored(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db)
    client.log_in(ANNA)
    upload(client, process.id, GOOD)
    before = census_count(db)
    bad = (
        "150590-901A;15.5.1990;keskusta\n"
        "020310A902B;31.2.2010;saaristo\n"  # 2: no such date
        "111116-903C;2016-11-11;lappi\n"  # 3: not a district of the round
        "150590-901a;1990-05-15;keskusta\n"  # 4: line 1 again (case does not matter)
        "040404-904D;4.4.2004\n"  # 5: a column missing
    )

    response = upload(client, process.id, bad)

    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    for line in (2, 3, 4, 5):
        assert f"Line {line}:" in page, line
    assert "Line 1:" not in page
    assert "also on line 1" in page  # the duplicate points to the first line
    assert census_count(db) == before == 3
    assert db.scalar(select(func.count()).select_from(CensusImport)) == 1


def test_a_file_that_is_not_utf8_is_refused_with_advice(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db)
    client.log_in(ANNA)
    response = upload(client, process.id, "150590-901A;15.5.1990;Ä-alue\n".encode("cp1252"))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "CSV UTF-8" in response.text  # type: ignore[attr-defined]
    assert census_count(db) == 0


def test_a_new_census_replaces_the_old_one_and_proofs_stay(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    aino = personas[AINO.email]
    prove(db, keys_for(settings), process, aino.id, AINO_IN_CENSUS)
    client.log_in(ANNA)
    upload(client, process.id, GOOD)

    upload(client, process.id, "020310A902B;2.3.2010;saaristo\n")

    entries = db.scalars(select(CensusEntry)).all()
    assert [entry.person_key for entry in entries] == [keys_for(settings).person(SIXTEN_IN_CENSUS.identifier)]
    assert db.scalar(select(func.count()).select_from(EligibilityProof)) == 1
    assert db.scalar(select(func.count()).select_from(CensusImport)) == 2


def test_no_identifier_is_stored_in_clear_in_any_table(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = make_voting_process(db)
    client.log_in(ANNA)
    upload(client, process.id, GOOD)
    identifiers = ["150590-901A", "020310A902B", "111116-903C", "150590901A", "150590"]

    found = []
    for table in inspect(db.get_bind()).get_table_names():
        for row in db.execute(text(f'SELECT * FROM "{table}"')):
            cells = " ".join(str(value) for value in row).upper()
            found += [(table, identifier) for identifier in identifiers if identifier in cells]

    assert found == []


def test_a_resident_is_refused_the_census_page(client: FormClient, personas: dict[str, User], db: Session) -> None:
    process = make_voting_process(db)
    client.log_in(AINO)
    assert client.get(f"/admin/processes/{process.id}/census").status_code == 403
    # A plain form: a multipart upload refused by the guard leaves the framework's spooled file unclosed.
    assert client.submit(f"/admin/processes/{process.id}/census").status_code == 403
    assert census_count(db) == 0
