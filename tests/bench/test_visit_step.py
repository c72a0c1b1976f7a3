"""The bench's visit step: it sends new visits (never a double tap) and says which field a refused save names."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from bench.harness import refused
from bench.web import free_days
from tests.activities.conftest import world  # noqa: F401 - the visit form's fixture data
from tests.activities.helpers import visit_data

pytestmark = pytest.mark.django_db


def test_a_refused_save_is_reported_by_its_field_errors(client_as, xuanen_staff, world, tree):  # noqa: F811
    client = client_as(xuanen_staff)
    client.post(reverse("activities:visit"), visit_data(tree, world))
    response = client.post(reverse("activities:visit"), visit_data(tree, world))
    report = refused(SimpleNamespace(status_code=response.status_code, text=response.content.decode()))
    assert report.startswith("400; field errors: save_anyway: ")
    assert "已有一条相同的活动记录" in report
    assert "<html" not in report


def test_the_bench_skips_days_already_taken_by_the_same_visit(client_as, xuanen_staff, world, tree):  # noqa: F811
    client = client_as(xuanen_staff)
    today = timezone.localdate()
    assert client.post(reverse("activities:visit"), visit_data(tree, world)).status_code == 302
    deputies = [d.pk for d in world.deputies]
    days = free_days(tree.zhushan_village.pk, deputies, today, 3)
    assert days == [today - timedelta(days=n) for n in (1, 2, 3)]
    # other deputies on the same day are another visit
    assert free_days(tree.zhushan_village.pk, deputies[:1], today, 1) == [today]
