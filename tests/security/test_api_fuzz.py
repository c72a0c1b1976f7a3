"""API fuzzing: schemathesis generates requests from /api/schema/ for every operation and sends them
through the WSGI application (no server needed), authenticated with a real token of a county congress
office, and holds every answer to the schema with all of schemathesis's checks: no 5xx, only documented
status codes and content types, bodies and headers as documented, invalid input refused, valid input
accepted. Any failure fails the test.

Valid input may still be refused for what a schema cannot state — an id outside the caller's region, a
date after today (config/schema.py). The schema lists those fields on the operation's 400 answer
(``x-refused-beyond-schema``); a 400 that names only such fields is not a failure of valid input.

Bounded (a few examples per operation, derandomized, no deadline) so it runs with the normal suite.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import Role
from accounts.tokens import token_issue
from config.schema import EXTENSION
from config.wsgi import application
from tests.factories.accounts import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# No text holds a NUL byte: the edge refuses one anywhere (config/hygiene.py), as the API's description says.
schema.config.generation.update(allow_x00=False)

MAX_EXAMPLES = 25


@pytest.fixture
def _keep_the_test_connection():
    # The raw WSGI handler closes "old" connections when a request starts and ends; inside the
    # test's transaction that would close it under the test (PostgreSQL). Django's test client
    # does the same disconnection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(tree, monkeypatch, _keep_the_test_connection) -> str:
    # Throttling has its own test; here it would only turn the fuzzer's volume into 429s.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute", "user": "100000/minute"})
    user = UserFactory(username="fuzz-office", role=Role.CONGRESS_OFFICE, region=tree.xuanen)
    return token_issue(user=user)


def _names_the_problem(body) -> bool:
    """``{"detail": "…", "code": "…"}`` or ``{"field": ["message"]}`` with something in it."""
    if isinstance(body, dict) and body:
        if body.get("detail"):
            return True
        return all(isinstance(v, list | dict | str) and v for v in body.values())
    return False


def every_refusal_is_json_naming_the_problem(ctx, response, case):
    """Also for answers no schema describes (a 405 to a method the operation does not have)."""
    if 400 <= response.status_code < 500 and response.content:
        content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or [""]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), f"{response.status_code} as {content_type}"
        assert _names_the_problem(json.loads(response.content)), response.content[:300]


def valid_input_is_accepted_or_refused_as_documented(ctx, response, case):
    """schemathesis's ``positive_data_acceptance``, except for a 400 naming only fields the schema says
    may be refused though well-formed."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        documented = case.operation.definition.raw.get("responses", {}).get("400", {}).get(EXTENSION, {})
        named = set(json.loads(response.content)) - {"code"} if response.status_code == 400 else {"?"}
        if named and named <= set(documented):
            return None
        raise


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema(case, office_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {office_token}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_input_is_accepted_or_refused_as_documented, every_refusal_is_json_naming_the_problem],
    )
