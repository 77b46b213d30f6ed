"""The OpenAPI document: a valid OpenAPI 3.1 document with the licence, every schema valid JSON Schema, every
operation documenting its errors; and the checker the other API tests rely on does catch a wrong answer."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from schemathesis.specs.openapi.definitions import OPENAPI_31

from pb.accounts.models import User
from pb.settings import Settings
from tests.api.support import BASE, Api
from tests.conftest import FormClient


@pytest.fixture
def api(client: FormClient) -> Api:
    return Api(client)


def test_the_document_is_valid_openapi_3_1_with_the_licence(api: Api, settings: Settings) -> None:
    document = api.document
    # The official OpenAPI 3.1 schema (spec.openapis.org/oas/3.1/schema), as schemathesis ships it.
    Draft202012Validator(OPENAPI_31).validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["license"] == {
        "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "identifier": "CC-BY-4.0",
    }
    assert document["servers"] == [{"url": "http://testserver.local/api/v1"}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_documents_its_parameters_304_and_429(api: Api) -> None:
    for path, item in api.document["paths"].items():
        operation = item["get"]
        assert set(item) == {"get"}, path
        assert operation["operationId"] and operation["summary"], path
        assert {"200", "304", "429"} <= set(operation["responses"]), path
        named = {api.resolve(parameter)["name"] for parameter in operation.get("parameters", [])}
        assert {part[1:-1] for part in path.split("/") if part.startswith("{")} <= named, path
        if "limit" in named:
            assert "400" in operation["responses"], path


def test_the_checker_refuses_an_undocumented_field_status_or_media_type(
    api: Api, client: FormClient, personas: dict[str, User]
) -> None:
    response = client.get(f"{BASE}/processes")
    api.check(f"{BASE}/processes", response)
    schema = api.document["paths"]["/processes"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = response.json()
    body["data"] = [{"slug": "x", "author_email": "aino@example.fi"}]
    with pytest.raises(jsonschema.ValidationError):
        api.validate(body, schema)
    missing = client.get(f"{BASE}/processes/none-such")
    missing.status_code = 500
    with pytest.raises(AssertionError, match="500 is not documented"):
        api.check(f"{BASE}/processes/none-such", missing)
    with pytest.raises(AssertionError, match="is not documented"):
        api.check(f"{BASE}/not-an-endpoint", response)
