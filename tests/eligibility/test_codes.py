"""Voting codes: a numbered batch per request, its letters as a PDF made only then, hashes stored, lost letters
replaced. The audit log never holds a code."""

from __future__ import annotations

import io
import re

import pypdf
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.audit.models import AuditEvent
from pb.eligibility import services as eligibility
from pb.eligibility.models import CodeStatus, VotingCode
from pb.processes.models import Process, VotingMethod
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO, ANNA
from tests.voting_support import district, keys_for, make_voting_process

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def code_round(db: Session) -> Process:
    process = make_voting_process(db)
    process.voting_methods = [VotingMethod.CODE, VotingMethod.PAPER]
    db.commit()
    return process


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def generate(client: FormClient, db: Session, process: Process, **counts: int) -> object:
    form = {f"count_{district(db, code).id}": str(number) for code, number in counts.items()}
    return client.submit(f"/admin/processes/{process.id}/codes", form)


def test_a_batch_downloads_one_letter_per_code_and_stores_only_the_hashes(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = code_round(db)
    client.log_in(ANNA)

    response = generate(client, db, process, keskusta=3, saaristo=2)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/pdf"  # type: ignore[attr-defined]
    assert "attachment" in response.headers["content-disposition"]  # type: ignore[attr-defined]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]
    texts = pages(response.content)  # type: ignore[attr-defined]
    assert len(texts) == 5
    printed = [CODE.findall(text)[0] for text in texts]
    assert all(f"{settings.base_url}/processes/{process.slug}/vote/code" in text for text in texts)
    assert "Äänestyskoodi" in texts[0] or "Voting code" in texts[0]
    stored = db.scalars(select(VotingCode).order_by(VotingCode.serial)).all()
    keys = keys_for(settings)
    assert [code.code_hash for code in stored] == [keys.voting_code(code) for code in printed]
    assert [(code.batch, code.serial) for code in stored] == [(1, n) for n in range(1, 6)]
    central, archipelago = district(db, "keskusta").id, district(db, "saaristo").id
    assert [code.district_id for code in stored] == [central] * 3 + [archipelago] * 2
    assert all(f"1/{n}" in text for n, text in enumerate(texts, start=1))
    (event,) = db.scalars(select(AuditEvent)).all()
    assert event.action == "voting_codes.generated"
    assert not any(code in str(event.after) for code in printed)


def test_the_next_batch_gets_the_next_number_and_the_page_counts_codes_by_status(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = code_round(db)
    client.log_in(ANNA)
    generate(client, db, process, keskusta=2)
    generate(client, db, process, saaristo=1)
    first = db.scalars(select(VotingCode).where(VotingCode.batch == 1)).first()
    assert first is not None
    first.status = CodeStatus.USED
    db.commit()

    page = client.get(f"/admin/processes/{process.id}/codes?lang=en").text

    assert sorted(db.scalars(select(VotingCode.batch))) == [1, 1, 2]
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    cells = [re.sub(r"<[^>]+>", " ", row).split() for row in rows[1:]]
    assert cells[0][-3:] == ["1", "1", "0"] and cells[1][-3:] == ["1", "0", "0"]
    assert "printed again" in page  # the page says the letters exist only at generation time


def test_a_batch_without_letters_or_with_too_many_is_refused_and_nothing_is_stored(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = code_round(db)
    client.log_in(ANNA)
    assert generate(client, db, process).status_code == 422  # type: ignore[attr-defined]
    assert generate(client, db, process, keskusta=60, saaristo=41).status_code == 422  # type: ignore[attr-defined]
    response = generate(client, db, process, keskusta=-1)
    assert response.status_code == 422 and f'id="count_{district(db, "keskusta").id}-error"' in response.text  # type: ignore[attr-defined]
    assert db.scalar(select(func.count()).select_from(VotingCode)) == 0


def test_a_lost_letter_is_replaced_by_a_new_code_in_the_same_batch_and_the_old_code_stops_working(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = code_round(db)
    client.log_in(ANNA)
    old_code = CODE.findall(pages(generate(client, db, process, keskusta=2).content)[1])[0]  # type: ignore[attr-defined]

    response = client.submit(f"/admin/processes/{process.id}/codes/lost", {"batch": "1", "serial": "2"})

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    (text,) = pages(response.content)
    new_code = CODE.findall(text)[0]
    assert "1/3" in text and new_code != old_code
    lost = db.scalars(select(VotingCode).where(VotingCode.serial == 2)).one()
    replacement = db.scalars(select(VotingCode).where(VotingCode.serial == 3)).one()
    keys = keys_for(settings)
    assert (lost.status, lost.code_hash) == (CodeStatus.LOST, keys.voting_code(old_code))
    assert (replacement.replaces_id, replacement.status, replacement.district_id) == (
        lost.id,
        CodeStatus.UNUSED,
        lost.district_id,
    )
    assert replacement.code_hash == keys.voting_code(new_code)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "voting_code.lost")).one()
    assert event.after == {"batch": 1, "serial": 2, "replacement_serial": 3}
    again = client.submit(f"/admin/processes/{process.id}/codes/lost?lang=en", {"batch": "1", "serial": "2"})
    assert again.status_code == 422 and "letter 3 of batch 1" in again.text


async def test_the_replacement_code_votes_as_the_same_code_voter_as_the_lost_one(
    db: Session, settings: Settings
) -> None:
    from pb.db import Database

    process = code_round(db)
    keys = keys_for(settings)
    lost = VotingCode(
        process_id=process.id,
        district_id=district(db, "keskusta").id,
        code_hash=keys.voting_code("AAAA-AAAA-AAAA"),
        serial=1,
        status=CodeStatus.LOST,
    )
    db.add(lost)
    db.commit()
    db.add(
        VotingCode(
            process_id=process.id,
            district_id=lost.district_id,
            code_hash=keys.voting_code("BBBB-BBBB-BBBB"),
            serial=2,
            replaces_id=lost.id,
        )
    )
    db.commit()
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            loaded = await session.get(Process, process.id)
            assert loaded is not None
            voter, _ = await eligibility.voter_for_code(session, keys, loaded, "bbbb bbbb bbbb")
    finally:
        await database.engine.dispose()
    assert voter.key == keys.code_voter(lost.id)


def test_an_unknown_letter_number_is_explained_next_to_its_field(
    client: FormClient, personas: dict[str, User], db: Session
) -> None:
    process = code_round(db)
    client.log_in(ANNA)
    response = client.submit(f"/admin/processes/{process.id}/codes/lost", {"batch": "4", "serial": "x"})
    assert response.status_code == 422 and 'id="serial-error"' in response.text
    response = client.submit(f"/admin/processes/{process.id}/codes/lost", {"batch": "4", "serial": "1"})
    assert response.status_code == 422 and 'id="serial-error"' in response.text


def test_a_resident_is_refused_the_code_pages(client: FormClient, personas: dict[str, User], db: Session) -> None:
    process = code_round(db)
    client.log_in(AINO)
    assert client.get(f"/admin/processes/{process.id}/codes").status_code == 403
    assert generate(client, db, process, keskusta=1).status_code == 403  # type: ignore[attr-defined]
    assert client.submit(f"/admin/processes/{process.id}/codes/lost", {"batch": "1", "serial": "1"}).status_code == 403
    assert db.scalar(select(func.count()).select_from(VotingCode)) == 0
