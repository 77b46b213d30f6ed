"""Images on proposals: re-encoded without metadata, described for people who cannot see them, at most three."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.processes.models import Process
from pb.proposals.images import MAX_DIMENSION, ImageProblem, reencode
from pb.proposals.models import Proposal, ProposalImage
from tests.conftest import FormClient
from tests.personas import AINO, SIXTEN
from tests.proposals.conftest import add_proposal, form_for, jpeg_bytes, png_bytes


def submit_with_files(
    client: FormClient, url: str, data: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
) -> Any:
    data = {**data, "_csrf_token": client.csrf_token()}
    return client.post(url, data=data, files=files, follow_redirects=False)


def test_an_uploaded_photo_loses_its_gps_position_and_camera_data(
    client: FormClient, db: Session, process: Process
) -> None:
    original = jpeg_bytes(with_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825), "the test photo must carry GPS data"
    client.log_in(AINO)
    response = submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, new_image_alt_1="Ranta auringonlaskussa"),
        {"new_image_1": ("kuva.jpg", original, "image/jpeg")},
    )
    assert response.status_code == 303, response.text
    stored = db.scalars(select(ProposalImage)).one()
    assert (stored.media_type, stored.alt_text, stored.width, stored.height) == (
        "image/jpeg",
        "Ranta auringonlaskussa",
        64,
        48,
    )
    reopened = Image.open(io.BytesIO(stored.data))
    assert reopened.format == "JPEG"
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info and "comment" not in reopened.info
    for secret in (b"Exif", b"Camera Maker", b"SecretPhone", b"taken at home"):
        assert secret not in stored.data

    served = client.get(f"/proposals/{stored.proposal_id}/images/{stored.id}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content == stored.data
    page = client.get(f"/proposals/{stored.proposal_id}").text
    assert 'alt="Ranta auringonlaskussa"' in page


def test_every_image_needs_a_description(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    response = submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, new_image_alt_1="  "),
        {"new_image_1": ("kuva.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 422
    assert 'id="new_image_alt_1-error"' in response.text
    assert db.scalars(select(Proposal)).all() == []


def test_a_file_that_is_not_an_image_is_refused_next_to_its_input(
    client: FormClient, db: Session, process: Process
) -> None:
    client.log_in(AINO)
    response = submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, new_image_alt_2="Kuva"),
        {"new_image_2": ("kuva.jpg", b"<svg onload=alert(1)>", "image/jpeg")},
    )
    assert response.status_code == 422
    assert 'id="new_image_2-error"' in response.text
    assert db.scalars(select(ProposalImage)).all() == []


def test_a_fourth_image_is_refused(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    client.log_in(AINO)
    three = {f"new_image_{slot}": (f"{slot}.png", png_bytes(), "image/png") for slot in (1, 2, 3)}
    alts = {f"new_image_alt_{slot}": f"Kuva {slot}" for slot in (1, 2, 3)}
    response = submit_with_files(
        client, f"/processes/{process.slug}/proposals", form_for(process, action="draft", **alts), three
    )
    assert response.status_code == 303
    proposal = db.scalars(select(Proposal)).one()
    assert len(db.scalars(select(ProposalImage)).all()) == 3

    edit_page = client.get(f"/proposals/{proposal.id}/edit").text
    assert 'name="new_image_1"' not in edit_page  # no empty slot is offered

    response = submit_with_files(
        client,
        f"/proposals/{proposal.id}/edit",
        form_for(process, action="draft", new_image_alt_1="Neljäs"),
        {"new_image_1": ("4.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 422
    assert 'id="images-error"' in response.text
    assert len(db.scalars(select(ProposalImage)).all()) == 3


def test_an_author_replaces_an_image_and_edits_a_description(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, new_image_alt_1="Vanha", new_image_alt_2="Toinen"),
        {
            "new_image_1": ("1.png", png_bytes(), "image/png"),
            "new_image_2": ("2.jpg", jpeg_bytes(), "image/jpeg"),
        },
    )
    proposal = db.scalars(select(Proposal)).one()
    first, second = db.scalars(select(ProposalImage).order_by(ProposalImage.position)).all()
    response = submit_with_files(
        client,
        f"/proposals/{proposal.id}/edit",
        {
            **form_for(process, action="save", new_image_alt_1="Uusi"),
            "remove_image": str(first.id),
            f"image_alt_{second.id}": "Toinen, tarkemmin kuvattu",
        },
        {"new_image_1": ("3.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    images = db.scalars(select(ProposalImage).order_by(ProposalImage.position)).all()
    assert [image.alt_text for image in images] == ["Toinen, tarkemmin kuvattu", "Uusi"]


def test_images_of_a_draft_are_not_shown_to_others(
    client: FormClient, another_client: FormClient, db: Session, process: Process
) -> None:
    client.log_in(AINO)
    submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, action="draft", new_image_alt_1="Luonnoskuva"),
        {"new_image_1": ("1.png", png_bytes(), "image/png")},
    )
    image = db.scalars(select(ProposalImage)).one()
    url = f"/proposals/{image.proposal_id}/images/{image.id}"
    assert client.get(url).status_code == 200
    another_client.log_in(SIXTEN)
    assert another_client.get(url).status_code == 404
    assert another_client.get(f"/proposals/{image.proposal_id}/images/99999").status_code == 404


def test_an_image_of_a_hidden_proposal_is_not_served_to_residents(
    client: FormClient, db: Session, process: Process, personas: dict[str, User]
) -> None:
    proposal = add_proposal(db, process, personas[AINO.email], hidden_reason="Henkilötietoja")
    image = ProposalImage(
        proposal_id=proposal.id, alt_text="x", media_type="image/png", width=1, height=1, data=png_bytes()
    )
    db.add(image)
    db.commit()
    client.log_in(SIXTEN)
    assert client.get(f"/proposals/{proposal.id}/images/{image.id}").status_code == 404


def test_large_images_are_scaled_down_and_png_stays_png() -> None:
    output = io.BytesIO()
    Image.new("RGB", (MAX_DIMENSION * 2, 100), (1, 2, 3)).save(output, format="PNG")
    cleaned = reencode(output.getvalue())
    assert not isinstance(cleaned, ImageProblem)
    assert (cleaned.media_type, cleaned.width, cleaned.height) == ("image/png", MAX_DIMENSION, 50)


def test_webp_is_accepted_and_gif_is_not() -> None:
    webp, gif = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (10, 10)).save(webp, format="WEBP")
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    cleaned = reencode(webp.getvalue())
    assert not isinstance(cleaned, ImageProblem) and cleaned.media_type == "image/webp"
    assert reencode(gif.getvalue()) == ImageProblem.WRONG_FORMAT


def test_a_file_over_five_megabytes_is_refused_before_decoding() -> None:
    assert reencode(b"\xff\xd8" + b"0" * (5 * 1024 * 1024)) == ImageProblem.TOO_LARGE


def test_a_truncated_image_is_refused() -> None:
    assert reencode(jpeg_bytes()[:100]) == ImageProblem.NOT_AN_IMAGE


def test_an_image_over_five_megabytes_is_refused_next_to_its_input(
    client: FormClient, db: Session, process: Process
) -> None:
    client.log_in(AINO)
    response = submit_with_files(
        client,
        f"/processes/{process.slug}/proposals",
        form_for(process, new_image_alt_1="Iso kuva"),
        {"new_image_1": ("iso.jpg", b"\xff\xd8" + b"0" * (5 * 1024 * 1024), "image/jpeg")},
    )
    assert response.status_code == 422
    assert 'id="new_image_1-error"' in response.text
    assert db.scalars(select(Proposal)).all() == []


def test_a_form_larger_than_three_full_images_is_refused_whole(client: FormClient, process: Process) -> None:
    client.log_in(AINO)
    files = {f"new_image_{slot}": (f"{slot}.jpg", b"0" * (6 * 1024 * 1024), "image/jpeg") for slot in (1, 2, 3)}
    response = submit_with_files(client, f"/processes/{process.slug}/proposals", form_for(process), files)
    assert response.status_code == 413


def test_a_multipart_form_without_the_csrf_token_is_refused(client: FormClient, db: Session, process: Process) -> None:
    client.log_in(AINO)
    # A multipart body (as the form with file inputs sends) with no token among its parts. The part is text, not
    # a file: Litestar's CSRF middleware does not close the files of a form it refuses (ResourceWarning).
    response = client.post(
        f"/processes/{process.slug}/proposals",
        files={key: (None, value) for key, value in form_for(process).items()},
        follow_redirects=False,
    )
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert response.status_code == 403
    assert db.scalars(select(Proposal)).all() == []
    with_token = client.post(
        f"/processes/{process.slug}/proposals",
        files={key: (None, value) for key, value in {**form_for(process), "_csrf_token": client.csrf_token()}.items()},
        follow_redirects=False,
    )
    assert with_token.status_code == 303
