"""Random and hostile posts to the comment and report forms never cause a 500 and are never echoed unescaped."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.proposals.models import Proposal
from tests.comments.factories import add_comment
from tests.conftest import FormClient
from tests.personas import AINO, SIXTEN

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "😀" * 50, "a" * 6000, "%s%n"]),
)
FIELD_ERROR = re.compile(r'id="[a-z0-9_-]+-error"')
PROFILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def answered_well(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status in {200, 303, 422}, status
    text = response.text  # type: ignore[attr-defined]
    if status == 422:
        assert FIELD_ERROR.search(text), "422 without a message next to a field"
    assert "<script>alert(1)</script>" not in text


@PROFILE
@given(body=HOSTILE, stance=HOSTILE, htmx=st.booleans())
def test_the_comment_and_reply_forms_survive_anything(
    client: FormClient, personas: dict[str, User], proposal: Proposal, db: Session, body: str, stance: str, htmx: bool
) -> None:
    client.log_in(AINO)
    answered_well(client.submit(f"/proposals/{proposal.id}/comments", {"body": body, "stance": stance}, htmx=htmx))
    parent = add_comment(db, proposal, personas[SIXTEN.email])
    answered_well(client.submit(f"/comments/{parent.id}/reply", {"body": body, "stance": stance}, htmx=htmx))
    own = add_comment(db, proposal, personas[AINO.email], minutes_ago=1)
    answered_well(client.submit(f"/comments/{own.id}/edit", {"body": body, "stance": stance}, htmx=htmx))
    answered_well(client.submit(f"/comments/{parent.id}/upvote", {"vote": stance}, htmx=htmx))


@PROFILE
@given(reason=HOSTILE, details=HOSTILE, next_page=HOSTILE)
def test_the_report_form_survives_anything(
    client: FormClient,
    personas: dict[str, User],
    proposal: Proposal,
    db: Session,
    reason: str,
    details: str,
    next_page: str,
) -> None:
    client.log_in(AINO)
    response = client.submit(
        f"/report/user/{personas[SIXTEN.email].id}", {"reason": reason, "details": details, "next": next_page}
    )
    answered_well(response)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/") and not response.headers["location"].startswith("//")
