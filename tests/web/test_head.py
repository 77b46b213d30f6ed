"""HEAD requests: RFC 9110 9.3.2 (and 9.1: general-purpose servers support GET and HEAD). A link checker, a
cache or an open-data client asks for the headers without the content and gets exactly what GET would send."""

from __future__ import annotations

from tests.conftest import FormClient


def test_a_page_answers_head_with_its_headers_and_no_content(client: FormClient) -> None:
    got = client.get("/")
    asked = client.head("/")
    assert asked.status_code == got.status_code == 200
    assert asked.content == b""
    assert asked.headers["content-type"] == got.headers["content-type"]
    assert asked.headers["content-security-policy"] == got.headers["content-security-policy"]


def test_the_open_data_api_answers_head_with_its_cache_headers(client: FormClient) -> None:
    got = client.get("/api/v1/processes")
    asked = client.head("/api/v1/processes")
    assert asked.status_code == 200
    assert asked.content == b""
    assert asked.headers["etag"] == got.headers["etag"]
    assert asked.headers["cache-control"] == got.headers["cache-control"]
    assert int(asked.headers["content-length"]) == len(got.content)


def test_head_of_a_missing_page_is_a_404_without_content(client: FormClient) -> None:
    asked = client.head("/no-such-page")
    assert asked.status_code == 404
    assert asked.content == b""


def test_head_does_not_run_a_post_handler(client: FormClient) -> None:
    # /logout only accepts POST: HEAD is GET, which that route does not have.
    assert client.head("/logout").status_code == 405
