"""The JSON API fuzzed with schemathesis against its own OpenAPI schema: whatever the
parameters, no 5xx, and every response (errors included) matches the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mediamon.web import api
from mediamon.web.app import create_app
from tests.support.web_api import database_file, seed

OPERATIONS = [
    route.path
    for route in api.router.routes
    if isinstance(route, APIRoute) and route.include_in_schema
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ctx = seed(database_file(tmp_path_factory.mktemp("schema")))
    return schemathesis.openapi.from_asgi(f"{api.PREFIX}/openapi.json", create_app(ctx))


def test_every_operation_is_in_the_schema(api_schema: Any) -> None:
    assert len(OPERATIONS) == 11
    assert set(api_schema.raw_schema["paths"]) == set(OPERATIONS)


@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_answers_every_request_as_its_schema_says(api_schema: Any, path: str) -> None:
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        # Every check but "schema-valid data is accepted": a schema cannot say "a cursor this
        # server handed out" or "a query in the topic language", and a 422 with the reason is
        # the right answer to a forged cursor or a malformed query (it must match the schema).
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
