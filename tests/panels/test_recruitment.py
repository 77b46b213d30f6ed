"""Recruitment: importing the address register, the invitation lottery from a recorded seed, and the letters."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pikepdf
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.audit.models import AuditEvent
from pb.panels import lottery
from pb.panels.forms import parse_register
from pb.panels.models import Invitation, InvitationDraw, PanelAddress, PanelRegister
from pb.panels.recruitment import code_hash
from pb.settings import Settings
from tests.conftest import FormClient, add_persona
from tests.panels.support import CODE, FANNI, make_panel, pdf_pages


def english(message: str) -> str:
    return message


def figure_texts(pdf: bytes) -> Iterator[str]:
    """The text alternatives (/Alt) of the PDF's tagged figures, in reading order."""
    document = pikepdf.open(io.BytesIO(pdf))  # kept open while its objects are read
    pending = list(reversed(list(document.Root.StructTreeRoot.K)))
    while pending:
        element = pending.pop()
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            continue
        if element.S == "/Figure" and "/Alt" in element:
            yield str(element.Alt)
        kids = element.get("/K")
        if kids is not None:
            pending.extend(reversed(list(kids) if isinstance(kids, pikepdf.Array) else [kids]))


REGISTER = "\ufeffosoite_id;katuosoite;postinumero;alue\r\n" + "".join(
    f"A{number:03d};Kauppakatu {number};00100;Keskusta\r\n" for number in range(1, 41)
)


def test_a_register_from_excel_with_a_byte_order_mark_semicolons_and_headings_is_read() -> None:
    parsed = parse_register(REGISTER.encode(), english)
    assert parsed.is_valid
    assert len(parsed.rows) == 40
    assert parsed.rows[0].address_key == "A001"
    assert parsed.rows[0].postal_code == "00100"


def test_every_bad_line_of_the_register_is_named_by_its_line_number() -> None:
    text = (
        "id,street,postal code,district\n"
        "A1,Kauppakatu 1,00100,Keskusta\n"
        "A2,,0010,Keskusta\n"
        "A1,Kauppakatu 3,00100,Keskusta\n"
        "A4,Kauppakatu 4,00100\n"
        "\n"
        "A5,Kauppakatu 5,00100,\n"
    )
    parsed = parse_register(text.encode(), english)
    assert not parsed.is_valid
    assert parsed.rows == []
    lines = dict(parsed.line_errors)
    assert sorted(lines) == [3, 4, 5, 7]
    assert "street address is missing" in lines[3] and "five digits" in lines[3]
    assert "also on line 2" in lines[4]
    assert "3 columns" in lines[5]
    assert "district is missing" in lines[7]


def test_a_register_that_is_not_utf8_is_refused_with_advice() -> None:
    parsed = parse_register("A1;Åkervägen 1;00100;Centrum\n".encode("cp1252"), english)
    assert parsed.file_errors == ["The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."]


def test_the_facilitator_imports_the_register_and_draws_invitations_that_anyone_can_recompute(
    client: FormClient, db: Session
) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)

    imported = client.submit(
        f"/facilitator/panels/{panel.id}/register",
        files={"register_file": ("osoitteet.csv", REGISTER.encode(), "text/csv")},
    )
    assert imported.status_code == 303, imported.text
    register = db.scalars(select(PanelRegister)).one()
    keys = [f"A{number:03d}" for number in range(1, 41)]
    assert register.addresses == 40
    assert register.register_sha256 == lottery.register_digest(keys)

    drawn = client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "12", "seed": "arpa 6-2-5"})
    assert drawn.status_code == 303

    draw = db.scalars(select(InvitationDraw)).one()
    expected = lottery.draw("arpa 6-2-5", keys, 12)
    assert (draw.seed, draw.seed_generated, draw.method) == ("arpa 6-2-5", False, "sha256-order-v1")
    assert draw.register_sha256 == lottery.register_digest(keys)
    assert draw.drawn_sha256 == lottery.list_digest(expected)
    invited = (
        db.execute(select(PanelAddress.address_key).join(Invitation).order_by(Invitation.position)).scalars().all()
    )
    assert invited == expected
    # Published: the public page shows the seed and both digests.
    public = client.get(f"/panels/{panel.slug}").text
    assert "arpa 6-2-5" in public and draw.register_sha256 in public and draw.drawn_sha256 in public


def test_without_a_seed_pb_generates_one_and_records_that_it_did(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)
    client.submit(f"/facilitator/panels/{panel.id}/register", files={"register_file": ("r.csv", REGISTER.encode())})

    client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "5", "seed": ""})

    draw = db.scalars(select(InvitationDraw)).one()
    assert draw.seed_generated and len(draw.seed) == 32


def test_the_register_and_the_lottery_cannot_change_after_the_draw(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)
    client.submit(f"/facilitator/panels/{panel.id}/register", files={"register_file": ("r.csv", REGISTER.encode())})
    client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "5", "seed": "a"})

    again = client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "5", "seed": "b"})
    replaced = client.submit(
        f"/facilitator/panels/{panel.id}/register", files={"register_file": ("r.csv", REGISTER.encode())}
    )

    assert again.status_code == 422
    assert replaced.status_code == 409
    assert db.scalars(select(InvitationDraw.seed)).all() == ["a"]


def test_a_bad_register_file_imports_nothing_and_lists_the_lines(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)

    response = client.submit(
        f"/facilitator/panels/{panel.id}/register",
        files={"register_file": ("r.csv", b"A1;Katu 1;00100;Keskusta\nA2;Katu 2;100;Keskusta\n")},
    )

    assert response.status_code == 422
    assert "2:" in response.text or "Line 2" in response.text or "Rivi 2" in response.text
    assert db.scalars(select(PanelAddress)).all() == []


def test_letters_come_as_one_pdf_with_one_page_each_and_only_the_codes_hashes_are_kept(
    client: FormClient, db: Session, settings: Settings
) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)
    client.submit(f"/facilitator/panels/{panel.id}/register", files={"register_file": ("r.csv", REGISTER.encode())})
    client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "12", "seed": "arpa"})

    response = client.submit(f"/facilitator/panels/{panel.id}/letters", {"first": "1", "last": "3"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    pages = pdf_pages(response.content)
    assert len(pages) == 3
    codes = [CODE.findall(text)[0] for text in pages]
    assert all(f"{settings.base_url}/panels/{panel.slug}/register" in text for text in pages)
    assert all("Kauppakatu" in text and "00100" in text for text in pages)
    assert "kuntalaisraati" in pages[0].lower() and "invånarpanel" in pages[0].lower()
    # Each letter has a QR code that links to the registration page (never with the code in it).
    url = f"{settings.base_url}/panels/{panel.slug}/register"
    assert [text for text in figure_texts(response.content) if url in text] == [f"QR-koodi, jossa on osoite {url}"] * 3
    invitations = db.scalars(select(Invitation).order_by(Invitation.position)).all()
    assert [item.code_hash for item in invitations[:3]] == [code_hash(settings.secret_key, panel.id, c) for c in codes]
    assert all(item.code_hash is None for item in invitations[3:])
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "panel.letters_printed")).all()
    assert len(events) == 1
    assert not any(code in str(events[0].after) for code in codes)

    # Printing a letter again gives it a new code; the old one stops working.
    reprinted = client.submit(f"/facilitator/panels/{panel.id}/letters", {"first": "2", "last": "2"})
    new_code = CODE.findall(pdf_pages(reprinted.content)[0])[0]
    db.expire_all()
    second = db.scalars(select(Invitation).where(Invitation.position == 2)).one()
    assert (
        second.code_hash
        == code_hash(settings.secret_key, panel.id, new_code)
        != code_hash(settings.secret_key, panel.id, codes[1])
    )


def test_a_batch_of_letters_is_limited_so_the_pdf_is_made_in_time(client: FormClient, db: Session) -> None:
    fanni = add_persona(db, FANNI)
    panel = make_panel(db, fanni)
    client.log_in(FANNI)
    big = "".join(f"B{number};Katu {number};00100;Keskusta\n" for number in range(200)).encode()
    client.submit(f"/facilitator/panels/{panel.id}/register", files={"register_file": ("r.csv", big)})
    client.submit(f"/facilitator/panels/{panel.id}/draw", {"count": "150", "seed": "x"})

    response = client.submit(f"/facilitator/panels/{panel.id}/letters", {"first": "1", "last": "150"})

    assert response.status_code == 422
    assert 'id="last-error"' in response.text
