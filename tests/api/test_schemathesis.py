"""Schemathesis against the app's own /api/v1/openapi.json, in process (ASGI): generated requests for every
operation must never get a 5xx, and every answer must match the document (status, media type, headers, body).

The database holds a round with published results, so that generated ids and the documented examples reach real
data, not only 404s. Kept short (a few examples per operation) so that the suite stays fast; the examples are
derandomised so that a failure is reproducible.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.python import asgi
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.api import controllers
from pb.panels.models import Panel
from pb.settings import Settings
from pb.web.shell import PbApp
from pb.web.throttle import Limit
from tests.api.panel_support import finished_panel
from tests.api.support import arrange
from tests.personas import ANNA

MAX_EXAMPLES = 8


async def test_generated_requests_get_no_server_error_and_match_the_document(
    app: PbApp, db: Session, settings: Settings, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    arranged = await arrange(db, settings, personas)
    # The document's examples are the demo's (pb demo); the arranged round already has the demo round's slug.
    db.get_one(Panel, arranged.panel.id).slug = "kuntalaisraati-2026"
    db.commit()
    # And a finished panel with the demo's finished panel's slug, whose recommendations have answers.
    finished_panel(db, db.get_one(User, arranged.panel.facilitators[0].user_id), personas[ANNA.email])
    # Generated requests come from one address; the rate limit is tested on its own (test_http.py).
    monkeypatch.setattr(controllers, "API_LIMIT", Limit("api-fuzz", 10**6, 10**6, 600))
    api_schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []

    def run(label: str, kind: str, strategy: Any) -> None:
        @given(case=strategy)
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.call_and_validate()

        try:
            call()
        except (Exception, BaseExceptionGroup) as error:  # collected: one run reports every failing operation
            failures.append(f"{label} ({kind}): {error}")

    try:
        for result in api_schema.get_all_operations():
            operation = result.ok()
            has_parameters = bool(api_schema.raw_schema["paths"][operation.path]["get"].get("parameters"))
            # Invalid data can only be made of parameters: an operation without any has no negative cases.
            modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if has_parameters else (GenerationMode.POSITIVE,)
            # The documented examples first: they reach the arranged round's data rather than 404s.
            for strategy in api_schema.get_strategies_from_examples(operation):
                run(operation.label, "examples", strategy)
            for mode in modes:
                run(operation.label, mode.value, operation.as_strategy(generation_mode=mode))
    finally:
        asgi.shutdown_lifespans()
    assert not failures, "\n\n".join(failures)
