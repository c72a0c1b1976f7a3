"""The menu offers a page exactly to those its view admits: it asks the app's rule, not a copy of it."""

import pytest
from django.urls import reverse

from accounts.models import Role
from activities.selectors import can_log_activities
from config.navigation import navigation_for
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

VISIT = reverse("activities:visit")


def _region_for(role, tree):
    return tree.province if role == Role.PROVINCIAL_OFFICE else tree.zhushan if role == Role.TOWNSHIP_STAFF else tree.xuanen


@pytest.mark.parametrize("role", list(Role))
def test_the_visit_form_is_in_the_menu_of_exactly_those_who_may_log(role, tree, client_as):
    user = UserFactory(role=role, region=_region_for(role, tree))
    offered = any(item["name"] == "activities:visit" for item in navigation_for(user))
    assert offered == can_log_activities(user)
    answer = client_as(user).get(VISIT)
    assert (answer.status_code == 200) == offered


def test_the_provincial_office_is_offered_the_visit_form_it_may_use(provincial, client_as):
    page = client_as(provincial).get("/").content.decode()
    assert VISIT in page
