"""Fixtures for the cross-cutting security tests: the two-county world of tests/security/routes.py."""

from __future__ import annotations

import pytest

from tests.security.routes import World


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests make a dozen users each; the production hasher's cost is tested elsewhere.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(tree) -> World:
    return World.make(tree)
