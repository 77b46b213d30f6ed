"""Friendly error pages in the visitor's language, for every status the app can answer with."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from pb.api.controllers import http_error as api_error
from pb.web.auth import LoginRequired

log = logging.getLogger("pb.errors")


def _error_page(status: int, *, csrf: bool = False) -> Template:
    return Template(template_name="errors/error.html", context={"status": status, "csrf": csrf}, status_code=status)


def login_required(request: Request[Any, Any, Any], _: LoginRequired) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.headers.get("hx-request") == "true":
        return Response(content="", status_code=401, headers={"HX-Redirect": "/login"})
    if request.method not in {"GET", "HEAD"}:
        target = "/"
    return Redirect(path="/login", query_params={"next": target}, status_code=303)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if request.url.path.startswith("/api/"):
        # The open data API answers with JSON problems, also for routing errors raised before its own handlers
        # run (unknown paths, wrong methods).
        return api_error(request, exc)
    csrf = isinstance(exc, PermissionDeniedException) and "csrf" in str(exc.detail).lower()
    response = _error_page(exc.status_code, csrf=csrf)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(HTTP_500_INTERNAL_SERVER_ERROR)
