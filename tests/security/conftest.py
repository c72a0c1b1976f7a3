"""Fixtures for the cross-cutting security tests: the two-county world of tests/security/routes.py."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.security.routes import World


@pytest.fixture(scope="module")
def _module_world(module_db, module_tree) -> World:
    # A dozen users, their deputies and departments: made once per module (the route matrix asks
    # for the world in well over a thousand cases).
    with module_db.unblock():
        return World.make(module_tree)


@pytest.fixture
def world(_module_world, tree) -> World:
    """The world's users re-read for this test; its ready-made objects (``deputy_a``…) are made on first
    use inside the test, so a test that changes or deletes one leaves the next test a new one."""
    made = _module_world
    users = User.objects.in_bulk([u.pk for u in (*made.insiders.values(), *made.outsiders.values())])
    return World(
        tree=tree,
        insiders={role: users[u.pk] for role, u in made.insiders.items()},
        outsiders={role: users[u.pk] for role, u in made.outsiders.items()},
    )
