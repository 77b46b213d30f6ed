"""Whatever is typed or sent to the proposal forms and the list's address, the answer is never a 500."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.accounts.models import User
from pb.processes.models import Process
from tests.conftest import FormClient
from tests.personas import AINO

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            '" NEAR(',
            "😀" * 50,
            "a" * 9000,
            "%s%n%x",
            "1e308",
            "-0",
            "NaN",
            "12 000,50",
            "60,1699",
            "city",
            "1",
            "99999999999999999999",
        ]
    ),
)
FIELD_ERROR = re.compile(r'id="([a-z_0-9]+)-error"')
PROFILE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROFILE
@given(
    title=HOSTILE,
    summary=HOSTILE,
    body=HOSTILE,
    district=HOSTILE,
    theme=HOSTILE,
    address=HOSTILE,
    latitude=HOSTILE,
    longitude=HOSTILE,
    cost=HOSTILE,
    action=HOSTILE,
    alt=HOSTILE,
    remove=HOSTILE,
)
def test_the_proposal_form_survives_anything(
    client: FormClient,
    personas: dict[str, User],
    process: Process,
    title: str,
    summary: str,
    body: str,
    district: str,
    theme: str,
    address: str,
    latitude: str,
    longitude: str,
    cost: str,
    action: str,
    alt: str,
    remove: str,
) -> None:
    if client.get("/account", follow_redirects=False).status_code != 200:
        client.log_in(AINO)
    response = client.submit(
        f"/processes/{process.slug}/proposals",
        {
            "title": title,
            "summary": summary,
            "body": body,
            "district": district,
            "theme": theme,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
            "cost": cost,
            "action": action,
            "new_image_alt_1": alt,
            "remove_image": remove,
        },
    )
    assert response.status_code in {200, 303, 422}, response.status_code
    if response.status_code == 422:
        assert FIELD_ERROR.search(response.text), "422 without a message next to a field"
    if response.status_code != 303:
        assert "<script>alert(1)</script>" not in response.text


@PROFILE
@given(q=HOSTILE, district=HOSTILE, theme=HOSTILE, status=HOSTILE, sort=HOSTILE, page=HOSTILE)
def test_the_list_survives_any_address(
    client: FormClient, process: Process, q: str, district: str, theme: str, status: str, sort: str, page: str
) -> None:
    params = {"q": q, "district": district, "theme": theme, "status": status, "sort": sort, "page": page}
    response = client.get(f"/processes/{process.slug}/proposals", params=params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
