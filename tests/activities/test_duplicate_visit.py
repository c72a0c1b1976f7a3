"""The same visit saved twice is caught with a word, and the clerk may still save it."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.activities.helpers import visit_data

pytestmark = pytest.mark.django_db


def post(client, data):
    return client.post(reverse("activities:visit"), data)


def test_a_second_identical_visit_is_held_back_with_a_warning(client_as, xuanen_staff, world, tree):
    client = client_as(xuanen_staff)
    assert post(client, visit_data(tree, world)).status_code == 302
    # when the clerk sends the same visit again (a double tap, a resend)
    response = post(client, visit_data(tree, world))
    # then nothing more is saved and the page says why, with a way to save anyway
    assert response.status_code == 400
    page = response.content.decode()
    assert "已有一条相同的活动记录" in page
    assert 'name="save_anyway"' in page and 'type="checkbox"' in page
    assert Activity.objects.count() == 1


def test_the_clerk_may_save_it_anyway(client_as, xuanen_staff, world, tree):
    client = client_as(xuanen_staff)
    post(client, visit_data(tree, world))
    response = post(client, visit_data(tree, world, save_anyway="on"))
    assert response.status_code == 302
    assert Activity.objects.count() == 2


def test_a_visit_with_other_deputies_is_not_a_duplicate(client_as, xuanen_staff, world, tree):
    client = client_as(xuanen_staff)
    post(client, visit_data(tree, world))
    response = post(client, visit_data(tree, world, deputies=[str(world.deputies[0].pk)]))
    assert response.status_code == 302
    assert Activity.objects.count() == 2
