"""Random and hostile form posts never cause a 500: the form comes back with the error next to the field."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.accounts.models import User
from tests.conftest import FormClient
from tests.personas import AINO

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a@b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "😀" * 50,
            "a" * 5000,
            "%s%n%x",
            "../../etc/passwd",
            "\r\nSet-Cookie: x=1",
            "ä@ö.fi",
            "x@example.fi\x00",
        ]
    ),
)
FIELD_ERROR = re.compile(r'id="([a-z_]+)-error"')
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_answered_well(response: object, allowed_redirects: set[str]) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status in {303, 422}, status
    if status == 422:
        page = response.text  # type: ignore[attr-defined]
        assert FIELD_ERROR.search(page), "422 without a message next to a field"
        assert "<script>alert(1)</script>" not in page  # echoed values are escaped
    else:
        assert response.headers["location"].split("?")[0] in allowed_redirects  # type: ignore[attr-defined]


@PROFILE
@given(email=HOSTILE, name=HOSTILE, password=HOSTILE, again=HOSTILE, language=HOSTILE, accept=HOSTILE)
def test_the_registration_form_survives_anything(
    client: FormClient, email: str, name: str, password: str, again: str, language: str, accept: str
) -> None:
    response = client.submit(
        "/register",
        {
            "email": email,
            "display_name": name,
            "password": password,
            "password_again": again,
            "language": language,
            "accept_terms": accept,
        },
    )
    assert_answered_well(response, {"/register/sent"})


@PROFILE
@given(email=HOSTILE, password=HOSTILE, next_page=HOSTILE)
def test_the_login_form_survives_anything(client: FormClient, email: str, password: str, next_page: str) -> None:
    client.cookies.delete("pb_session")
    response = client.submit("/login", {"email": email, "password": password, "next": next_page})
    assert_answered_well(response, {"/"})


@PROFILE
@given(email=HOSTILE)
def test_the_password_reset_form_survives_anything(client: FormClient, email: str) -> None:
    response = client.submit("/password-reset", {"email": email})
    assert_answered_well(response, {"/password-reset/sent"})


@PROFILE
@given(name=HOSTILE, language=HOSTILE, new_email=HOSTILE, current=HOSTILE, new=HOSTILE)
def test_the_account_forms_survive_anything(
    client: FormClient, personas: dict[str, User], name: str, language: str, new_email: str, current: str, new: str
) -> None:
    if client.get("/account", follow_redirects=False).status_code != 200:
        client.log_in(AINO)
    assert_answered_well(client.submit("/account/profile", {"display_name": name, "language": language}), {"/account"})
    assert_answered_well(client.submit("/account/email", {"new_email": new_email}), {"/account"})
    assert_answered_well(
        client.submit(
            "/account/password",
            {"current_password": current, "new_password": new, "new_password_again": new},
        ),
        {"/account"},
    )
