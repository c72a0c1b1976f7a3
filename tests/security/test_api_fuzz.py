"""API fuzzing: schemathesis generates requests from /api/schema/ for every operation and sends them
through the WSGI application (no server needed), authenticated with a real token of a congress
office. No answer may be a 5xx; every 4xx is JSON that names the problem.

Bounded (a few dozen examples per operation, no deadline) so it runs with the normal suite.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Role
from accounts.tokens import token_issue
from config.wsgi import application
from tests.factories.accounts import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

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
    return isinstance(body, list) and bool(body)


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_never_fails_and_explains_every_refusal(case, office_token):
    response = case.call(headers={"Authorization": f"Token {office_token}"})
    where = f"{case.method} {case.formatted_path} → {response.status_code}\n{case.as_curl_command()}"
    assert response.status_code < 500, where
    if 400 <= response.status_code < 500 and response.status_code != 405 or response.status_code == 405 and response.content:
        content_type = response.headers.get("Content-Type") or response.headers.get("content-type") or ""
        if isinstance(content_type, list):
            content_type = content_type[0]
        assert content_type.startswith("application/json"), f"{where}: {content_type}"
        body = json.loads(response.content)
        assert _names_the_problem(body), f"{where}: {body!r}"
