"""HTTP for the open data API under /api/v1: read-only JSON, with ETags, caching, paging and a rate limit.

- No cookie and no session: the handlers never touch the session (the shell's SessionLayer then writes none,
  pb.web.sessions), and the routes are left out of the CSRF middleware, which would otherwise set its cookie on
  every GET. Every answer is the same for everybody (the API reads as an anonymous visitor), so it may be cached
  by anyone (``Cache-Control: public``) and used from any web page (``Access-Control-Allow-Origin: *``).
- Conditional requests (RFC 9110 13.1.2): a strong ETag over the body; If-None-Match with it gives 304.
- Errors are RFC 9457 problem objects with the licence ``meta`` like every other answer: 400 names each wrong
  query parameter, 404 says that nothing public is there, 429 says when to come back.
- Rate limit per client address with the app's throttle counters (Redis when configured, so several app
  processes share them): ``API_LIMIT`` requests per window, then 429 with Retry-After (RFC 6585 4).
"""

from __future__ import annotations

import hashlib
import json
import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from pb.api import bulk, forms, openapi, outcomes, recommendations
from pb.api import services as api
from pb.api.forms import InvalidParameters, Query, Window
from pb.web.auth import client_address
from pb.web.deps import Services
from pb.web.throttle import Limit

log = logging.getLogger("pb.api")

# 600 requests per 10 minutes per client address (one a second on average, with room for bursts): enough to
# mirror a round in minutes, not enough for one client to crowd out the residents using the site.
API_LIMIT = Limit("api", 600, 600, 600)
CACHE_SHORT = "public, max-age=60"
# A published record's ballots file never changes, nor does this document between deployments. (A record's
# JSON says whether it is still its budget's current result, which a recount changes: it is cached briefly.)
CACHE_LONG = "public, max-age=3600"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After",
}
JSON = "application/json"
PROBLEM = "application/problem+json"


# --- answers --------------------------------------------------------------------------------------------------


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str | None, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x"; * matches anything."""
    if header is None:
        return False
    wanted = [item.strip().removeprefix("W/") for item in header.split(",")]
    return "*" in wanted or tag in wanted


def conditional(
    request: Request[Any, Any, Any],
    body: bytes,
    media_type: str,
    *,
    cache: str = CACHE_SHORT,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    tag = _etag(body)
    common = {"ETag": tag, "Cache-Control": cache, **CORS}
    if _matches(request.headers.get("if-none-match"), tag):
        return Response(b"", status_code=304, headers=common)
    return Response(body, media_type=media_type, headers={**common, **(headers or {})})


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def services_of(request: Request[Any, Any, Any]) -> Services:
    found: Services = request.app.state.services
    return found


def urls_of(request: Request[Any, Any, Any]) -> api.Urls:
    return api.Urls(services_of(request).settings.base_url)


def item(request: Request[Any, Any, Any], data: dict[str, Any], *, cache: str = CACHE_SHORT) -> Response[bytes]:
    settings = services_of(request).settings
    self_url = data.get("links", {}).get("self") or urls_of(request).page(request.url.path)
    envelope = {"data": data, "links": {"self": self_url}, "meta": api.meta(settings)}
    return conditional(request, _json(envelope), JSON, cache=cache)


def _page_url(request: Request[Any, Any, Any], offset: int) -> str:
    """This list's address with another offset (the other parameters as the client gave them)."""
    pairs = [(key, value) for key, value in request.query_params.multi_items() if key != "offset"]
    pairs.append(("offset", str(offset)))
    return urls_of(request).page(request.url.path) + "?" + urlencode(pairs)


def listing(request: Request[Any, Any, Any], found: api.Listing, window: Window) -> Response[bytes]:
    settings = services_of(request).settings
    following = window.offset + window.limit
    envelope = {
        "data": found.items,
        "links": {
            "self": _page_url(request, window.offset),
            "next": _page_url(request, following) if following < found.total else None,
        },
        "meta": {**api.meta(settings), "total": found.total, "limit": window.limit, "offset": window.offset},
    }
    return conditional(request, _json(envelope), JSON)


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body["meta"] = api.meta(services_of(request).settings)
    return Response(
        _json(body),
        status_code=status,
        media_type=PROBLEM,
        headers={"Cache-Control": "no-store", **CORS, **(headers or {})},
    )


NOT_FOUND = "There is no public resource at this address."


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    """Also meant for the app's own handler of routing errors under /api/ (an unknown path, a POST: 404, 405),
    which Litestar answers before this router's handlers can."""
    detail = exc.detail
    if exc.status_code == 404 and detail in ("", HTTPStatus.NOT_FOUND.phrase):
        detail = NOT_FOUND
    return problem(request, exc.status_code, detail, headers=dict(exc.headers or {}))


def invalid_parameters(request: Request[Any, Any, Any], exc: InvalidParameters) -> Response[bytes]:
    errors = [{"parameter": item.parameter, "message": item.message} for item in exc.problems]
    return problem(request, 400, "A query parameter has a value the API cannot use.", errors=errors)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "Something went wrong on our side.")


async def rate_limit(request: Request[Any, Any, Any]) -> Response[bytes] | None:
    """Counts the request against its client address; over the limit, 429 before any database work."""
    services = services_of(request)
    address = client_address(request)
    # The throttle keeps an account counter and an address counter; here both are the address.
    if await services.throttle.is_blocked(API_LIMIT, address, address):
        return problem(
            request,
            429,
            f"Too many requests: at most {API_LIMIT.per_address} in {API_LIMIT.window_seconds // 60} minutes.",
            # When the address's window ends, so a well-behaved client waits no longer than it must.
            headers={"Retry-After": str(await services.throttle.retry_after(API_LIMIT, address, address))},
        )
    await services.throttle.record(API_LIMIT, address, address)
    return None


def query_of(request: Request[Any, Any, Any]) -> Query:
    values: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(key, []).append(value)
    return Query(values)


def an_id(raw: str) -> int:
    found = forms.path_id(raw)
    if found is None:
        raise NotFoundException()
    return found


def a_slug(raw: str) -> str:
    if not forms.is_slug(raw):
        raise NotFoundException()
    return raw


# --- handlers -------------------------------------------------------------------------------------------------


@get("/", name="api_index")
async def index(request: Request[Any, Any, Any]) -> Response[bytes]:
    urls = urls_of(request)
    data = {
        "name": openapi.document(services_of(request).settings)["info"]["title"],
        "links": {
            "openapi": urls.api("/openapi.json"),
            "processes": urls.api("/processes"),
            "budgets": urls.api("/budgets"),
            "projects": urls.api("/projects"),
            "proposals": urls.api("/proposals"),
            "results": urls.api("/results"),
            "implementations": urls.api("/implementations"),
            "panels": urls.api("/panels"),
        },
    }
    return item(request, data)


@get("/openapi.json", name="api_openapi")
async def openapi_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    return conditional(request, _json(openapi.document(services_of(request).settings)), JSON, cache=CACHE_LONG)


@get("/processes")
async def processes_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.process_filters(query)
    query.check()
    return listing(request, await api.list_processes(db, filters, urls_of(request)), filters.window)


@get("/processes/{slug:str}")
async def process_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
) -> Response[bytes]:
    return item(request, await api.get_process(db, a_slug(slug), urls_of(request)))


@get("/processes/{slug:str}/participation")
async def participation_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
) -> Response[bytes]:
    return item(request, await bulk.participation_document(db, a_slug(slug), urls_of(request)))


@get("/processes/{slug:str}/bulk.zip")
async def bulk_zip(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
) -> Response[bytes]:
    name, data = await bulk.bulk_download(db, a_slug(slug), services_of(request).settings, urls_of(request))
    return conditional(
        request,
        data,
        "application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get("/budgets")
async def budgets_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.budget_filters(query)
    query.check()
    return listing(request, await api.list_budgets(db, filters, urls_of(request)), filters.window)


@get("/budgets/{budget_id:str}")
async def budget_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], budget_id: FromPath[str]
) -> Response[bytes]:
    process, budget = await api.public_budget(db, an_id(budget_id))
    return item(request, api.budget_document(process, budget, urls_of(request)))


@get("/budgets/{budget_id:str}/ballots")
async def ballots_list(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], budget_id: FromPath[str]
) -> Response[bytes]:
    wanted = an_id(budget_id)
    query = query_of(request)
    window = forms.ballot_window(query)
    query.check()
    _process, _budget, found = await outcomes.ballots_of(db, wanted, window)
    return listing(request, found, window)


@get("/projects")
async def projects_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.project_filters(query)
    query.check()
    return listing(request, await outcomes.list_projects(db, filters, urls_of(request)), filters.window)


@get("/projects/{project_id:str}")
async def project_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], project_id: FromPath[str]
) -> Response[bytes]:
    return item(request, await outcomes.get_project(db, an_id(project_id), urls_of(request)))


@get("/implementations")
async def implementations_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.implementation_filters(query)
    query.check()
    return listing(request, await outcomes.list_implementations(db, filters, urls_of(request)), filters.window)


@get("/proposals")
async def proposals_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.proposal_filters(query)
    query.check()
    return listing(request, await api.list_proposals(db, filters, urls_of(request)), filters.window)


@get("/proposals/{proposal_id:str}")
async def proposal_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], proposal_id: FromPath[str]
) -> Response[bytes]:
    return item(request, await api.get_proposal(db, an_id(proposal_id), urls_of(request)))


@get("/results")
async def results_list(request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Response[bytes]:
    query = query_of(request)
    filters = forms.result_filters(query)
    query.check()
    return listing(request, await outcomes.list_results(db, filters, urls_of(request)), filters.window)


@get("/results/{record_id:str}")
async def result_item(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], record_id: FromPath[str]
) -> Response[bytes]:
    return item(request, await outcomes.get_result(db, an_id(record_id), urls_of(request)))


@get("/results/{record_id:str}/ballots.pb")
async def result_ballots(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], record_id: FromPath[str]
) -> Response[bytes]:
    process, budget, record = await outcomes.public_record(db, an_id(record_id))
    name = f"{process.slug}-{budget.id}-record-{record.id}.pb"
    return conditional(
        request,
        record.ballots_file.encode(),
        "text/plain; charset=utf-8",
        cache=CACHE_LONG,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get("/panels")
async def panels_list(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], services: NamedDependency[Services]
) -> Response[bytes]:
    query = query_of(request)
    window = forms.window_only(query)
    query.check()
    return listing(request, await api.list_panels(db, window, services.settings, urls_of(request)), window)


@get("/panels/{slug:str}")
async def panel_item(
    request: Request[Any, Any, Any],
    db: NamedDependency[AsyncSession],
    services: NamedDependency[Services],
    slug: FromPath[str],
) -> Response[bytes]:
    return item(request, await api.get_panel(db, a_slug(slug), services.settings, urls_of(request)))


@get("/panels/{slug:str}/recommendations")
async def recommendations_list(
    request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
) -> Response[bytes]:
    wanted = a_slug(slug)
    query = query_of(request)
    filters = forms.recommendation_filters(query)
    query.check()
    return listing(
        request, await recommendations.list_recommendations(db, wanted, filters, urls_of(request)), filters.window
    )


API_ROUTER = Router(
    path="/api/v1",
    route_handlers=[
        index,
        openapi_document,
        processes_list,
        process_item,
        participation_item,
        bulk_zip,
        budgets_list,
        budget_item,
        ballots_list,
        projects_list,
        project_item,
        implementations_list,
        proposals_list,
        proposal_item,
        results_list,
        result_item,
        result_ballots,
        panels_list,
        panel_item,
        recommendations_list,
    ],
    before_request=rate_limit,
    exception_handlers={
        InvalidParameters: invalid_parameters,
        HTTPException: http_error,
        Exception: server_error,
    },
    include_in_schema=False,
)

ROUTES: list[Any] = [API_ROUTER]
