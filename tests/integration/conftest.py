"""Fixtures shared by the real-worker fault tests."""

from __future__ import annotations

import pytest

from suggestions.models import RouterModel
from suggestions.routing import router
from suggestions.routing.classifier import default_classifier
from tests.factories.suggestions import DepartmentFactory, deputy_user


@pytest.fixture
def county(tree):
    router.reset_cache()
    # A stored version, as in production: each worker process loads these bytes (milliseconds)
    # instead of training the bundled model (seconds), far inside the short time limits used here.
    RouterModel.objects.create(version=1, data=default_classifier().dumps(), examples=150, active=True)
    user, deputy = deputy_user(tree.zhushan)
    DepartmentFactory(region=tree.xuanen, type="transport", name="宣恩县交通运输局")
    DepartmentFactory(region=tree.xuanen, type="education", name="宣恩县教育局")
    return user, deputy
