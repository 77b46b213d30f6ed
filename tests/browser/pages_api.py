"""The open data API's GET routes: JSON for programs, not pages, so there is nothing for a browser and axe to
check. tests/api validates every response against the OpenAPI document instead; listing the routes here keeps
the page inventory (test_every_get_page_has_a_browser_check) complete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PAGES: dict[str, Callable[..., Any]] = {}

ROUTES: dict[str, list[str]] = {
    "/api/v1": [],
    "/api/v1/budgets": [],
    "/api/v1/budgets/{budget_id:str}": [],
    "/api/v1/budgets/{budget_id:str}/ballots": [],
    "/api/v1/implementations": [],
    "/api/v1/openapi.json": [],
    "/api/v1/panels": [],
    "/api/v1/panels/{slug:str}": [],
    "/api/v1/panels/{slug:str}/recommendations": [],
    "/api/v1/processes": [],
    "/api/v1/processes/{slug:str}": [],
    "/api/v1/processes/{slug:str}/bulk.zip": [],
    "/api/v1/processes/{slug:str}/participation": [],
    "/api/v1/projects": [],
    "/api/v1/projects/{project_id:str}": [],
    "/api/v1/proposals": [],
    "/api/v1/proposals/{proposal_id:str}": [],
    "/api/v1/results": [],
    "/api/v1/results/{record_id:str}": [],
    "/api/v1/results/{record_id:str}/ballots.pb": [],
}
