"""A resident links their account to the census: identifier and birth date, and the letter's code where the
round requires it. Throttled, with messages next to the fields."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.eligibility.models import CodeStatus, EligibilityProof, VotingCode
from pb.processes.models import Process, VotingMethod
from pb.settings import Settings
from pb.voting.secrecy import Keys
from tests.conftest import FormClient, add_persona
from tests.personas import AINO, ANNA, SIXTEN, Persona
from tests.voting_support import AINO_IN_CENSUS, Resident, add_census, district, keys_for, make_voting_process

TOO_YOUNG = Resident("111116-903C", date(2016, 11, 11), "keskusta")


def check(client: FormClient, process: Process, identifier: str, birth_date: str, code: str = "") -> object:
    data = {"identifier": identifier, "birth_date": birth_date}
    if code:
        data["code"] = code
    return client.submit(f"/processes/{process.slug}/eligibility?lang=en", data)


def proofs(db: Session) -> list[EligibilityProof]:
    return list(db.scalars(select(EligibilityProof)))


def add_code(db: Session, keys: Keys, process: Process, code: str, district_code: str, **fields: object) -> VotingCode:
    voting_code = VotingCode(
        process_id=process.id,
        district_id=district(db, district_code).id,
        code_hash=keys.voting_code(code),
        batch=1,
        serial=len(db.scalars(select(VotingCode)).all()) + 1,
        **fields,
    )
    db.add(voting_code)
    db.commit()
    return voting_code


def requiring_code(db: Session, process: Process) -> None:
    process.voting_methods = [VotingMethod.CENSUS_AND_CODE, VotingMethod.PAPER]
    db.commit()


def test_a_resident_in_the_census_is_linked_and_sent_on_to_vote(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    client.log_in(AINO)
    page = client.get(f"/processes/{process.slug}/eligibility?lang=en").text
    assert "keyed hash" in page and 'id="identifier"' in page

    response = check(client, process, "150590-901a", "15.5.1990")

    assert response.status_code == 303  # type: ignore[attr-defined]
    (proof,) = proofs(db)
    assert proof.user_id == personas[AINO.email].id
    assert proof.person_key == keys_for(settings).person(AINO_IN_CENSUS.identifier)
    after = client.get(f"/processes/{process.slug}/eligibility?lang=en").text
    assert f'href="/processes/{process.slug}/vote"' in after and 'id="identifier"' not in after


def test_a_wrong_birth_date_is_refused_next_to_the_identifier_and_the_identifier_is_not_shown_back(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    client.log_in(AINO)

    response = check(client, process, AINO_IN_CENSUS.identifier, "1990-05-16")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="identifier-error"' in response.text  # type: ignore[attr-defined]
    assert "could not find you in the census" in response.text  # type: ignore[attr-defined]
    assert AINO_IN_CENSUS.identifier not in response.text  # type: ignore[attr-defined]
    assert proofs(db) == []


def test_a_badly_written_date_is_explained_next_to_its_field_in_each_language(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    client.log_in(AINO)
    for language in ("fi", "sv", "en"):
        response = client.submit(
            f"/processes/{process.slug}/eligibility?lang={language}",
            {"identifier": AINO_IN_CENSUS.identifier, "birth_date": "15/5/1990"},
        )
        assert response.status_code == 422
        assert f'<html lang="{language}">' in response.text
        assert 'id="birth_date-error"' in response.text and 'aria-describedby="birth_date-hint birth_date-error"' in (
            response.text
        ), language


def test_a_child_under_the_minimum_age_is_refused(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, TOO_YOUNG)
    client.log_in(AINO)

    response = check(client, process, TOO_YOUNG.identifier, "11.11.2016")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert 'id="birth_date-error"' in response.text and "at least 12" in response.text  # type: ignore[attr-defined]
    assert proofs(db) == []


def test_a_person_already_linked_to_another_account_is_refused(
    client: FormClient, another_client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    another_client.log_in(SIXTEN)
    assert check(another_client, process, AINO_IN_CENSUS.identifier, "15.5.1990").status_code == 303  # type: ignore[attr-defined]
    client.log_in(AINO)

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "already linked to another account" in response.text  # type: ignore[attr-defined]
    assert [proof.user_id for proof in proofs(db)] == [personas[SIXTEN.email].id]


def test_a_round_that_requires_the_code_asks_for_it(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    requiring_code(db, process)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    client.log_in(AINO)
    assert 'id="code"' in client.get(f"/processes/{process.slug}/eligibility").text

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990")

    assert response.status_code == 422 and 'id="code-error"' in response.text  # type: ignore[attr-defined]
    assert proofs(db) == []


def test_with_the_right_code_the_proof_is_made_and_the_code_is_used(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    requiring_code(db, process)
    keys = keys_for(settings)
    add_census(db, keys, process, AINO_IN_CENSUS)
    code = add_code(db, keys, process, "ABCD-EFGH-JKMN", "keskusta")
    client.log_in(AINO)

    assert check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990", "abcd efgh jkmn").status_code == 303  # type: ignore[attr-defined]

    (proof,) = proofs(db)
    db.refresh(code)
    assert proof.voting_code_id == code.id and code.status == CodeStatus.USED


def test_a_code_of_another_district_is_refused(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    requiring_code(db, process)
    keys = keys_for(settings)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_code(db, keys, process, "ABCD-EFGH-JKMN", "saaristo")
    client.log_in(AINO)

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990", "ABCD-EFGH-JKMN")

    assert response.status_code == 422 and 'id="code-error"' in response.text  # type: ignore[attr-defined]
    assert "another district" in response.text  # type: ignore[attr-defined]
    assert proofs(db) == []


def test_a_lost_code_is_refused(client: FormClient, personas: dict[str, User], db: Session, settings: Settings) -> None:
    process = make_voting_process(db)
    requiring_code(db, process)
    keys = keys_for(settings)
    add_census(db, keys, process, AINO_IN_CENSUS)
    add_code(db, keys, process, "ABCD-EFGH-JKMN", "keskusta", status=CodeStatus.LOST)
    client.log_in(AINO)

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990", "ABCD-EFGH-JKMN")

    assert response.status_code == 422 and "reported lost" in response.text  # type: ignore[attr-defined]
    assert proofs(db) == []


def test_after_five_failed_tries_even_the_right_answer_waits(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    client.log_in(AINO)
    for day in range(1, 6):
        assert check(client, process, AINO_IN_CENSUS.identifier, f"{day}.1.1990").status_code == 422  # type: ignore[attr-defined]

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990")

    assert response.status_code == 422 and "Too many attempts" in response.text  # type: ignore[attr-defined]
    assert db.scalar(select(func.count()).select_from(EligibilityProof)) == 0


def test_the_limit_also_counts_tries_from_one_address_across_accounts(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    # The census limit allows 30 tries per address: six accounts of five tries each reach it.
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    for number in range(6):
        email = f"kokeilija{number}@example.fi"
        helper = Persona(email, f"Kokeilija {number}", "kokeilija-salasana-1", "fi", AINO.roles)
        add_persona(db, helper)
        client.cookies.clear()
        client.log_in(helper)
        for day in range(1, 6):
            check(client, process, AINO_IN_CENSUS.identifier, f"{day}.2.1990")
    client.cookies.clear()
    client.log_in(AINO)

    response = check(client, process, AINO_IN_CENSUS.identifier, "15.5.1990")

    assert "Too many attempts" in response.text  # type: ignore[attr-defined]


def test_an_anonymous_visitor_is_sent_to_sign_in(client: FormClient, db: Session) -> None:
    process = make_voting_process(db)
    response = client.get(f"/processes/{process.slug}/eligibility", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_an_admin_is_not_a_voter_by_being_an_admin(
    client: FormClient, personas: dict[str, User], db: Session, settings: Settings
) -> None:
    process = make_voting_process(db)
    add_census(db, keys_for(settings), process, AINO_IN_CENSUS)
    client.log_in(ANNA)
    assert check(client, process, "010101-999X", "1.1.2001").status_code == 422  # type: ignore[attr-defined]
    assert proofs(db) == []
