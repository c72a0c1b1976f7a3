"""Router fixtures: a county with departments, a deputy, and a fresh model cache per test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from suggestions import services
from suggestions.models import Department
from suggestions.routing import router
from tests.factories.suggestions import DepartmentFactory, deputy_user

ROAD_TITLE = "关于修缮椒园镇至珠山镇公路的建议"
ROAD_TEXT = "该路段坑洼严重，雨天积水，公交车绕行，群众出行困难，建议交通部门尽快修缮路面。"


@dataclass
class County:
    deputy_user: object
    deputy: object
    transport: Department
    education: Department


@pytest.fixture(autouse=True)
def _fresh_router():
    """The model and rules are cached per process; each test starts from what its database holds."""
    router.reset_cache()
    yield
    router.reset_cache()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(tree) -> County:
    user, deputy = deputy_user(tree.zhushan)
    return County(
        deputy_user=user,
        deputy=deputy,
        transport=DepartmentFactory(region=tree.xuanen, type="transport", name="宣恩县交通运输局"),
        education=DepartmentFactory(region=tree.xuanen, type="education", name="宣恩县教育局"),
    )


@pytest.fixture
def submit(county, tree):
    """A suggestion submitted by the county's deputy and left ``submitted`` (the dispatch never runs
    in a non-transactional test): the test calls the router itself."""

    def make(title=ROAD_TITLE, content=ROAD_TEXT, region=None):
        return services.suggestion_create(
            actor=county.deputy_user, title=title, content=content, region=region or tree.zhushan_village,
            lead_deputy=county.deputy, submit=True,
        )

    return make
