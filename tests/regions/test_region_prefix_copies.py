"""Suggestions, activities and deputies keep a copy of their region's prefix (``region_prefix``) that
scope filters on: the copy follows the region on every save, and a scoped list reads it without a
join to the region tree, with the same rows as the region's own prefix would give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scope import in_scope
from activities.models import Activity
from deputies.models import Deputy
from regions.scope import prefix_path
from suggestions.models import Suggestion
from tests.factories.accounts import UserFactory
from tests.factories.activities import ActivityFactory
from tests.factories.deputies import DeputyFactory
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(tree):
    deputy = DeputyFactory(region=tree.zhushan)
    return {
        Deputy: deputy,
        Activity: ActivityFactory(region=tree.zhushan),
        Suggestion: SuggestionFactory(region=tree.zhushan, lead_deputy=deputy),
    }


@pytest.mark.parametrize("model", [Deputy, Activity, Suggestion])
def test_the_copy_follows_the_region_on_every_save(tree, rows, model):
    row = rows[model]
    assert model.objects.get(pk=row.pk).region_prefix == tree.zhushan.prefix
    row.region = tree.honghu
    row.save(update_fields=["region"])
    assert model.objects.get(pk=row.pk).region_prefix == row.region.prefix
    row.region = tree.xuanen
    row.save()
    assert model.objects.get(pk=row.pk).region_prefix == tree.xuanen.prefix


@pytest.mark.parametrize("model", [Deputy, Activity, Suggestion])
def test_scope_reads_the_copy_without_joining_the_region_tree(tree, rows, model):
    assert prefix_path(model) == "region_prefix"
    office = UserFactory(username=f"office-{model.__name__}", role="congress_office", region=tree.xuanen)
    outsider = UserFactory(username=f"outsider-{model.__name__}", role="congress_office", region=tree.honghu)
    with CaptureQueriesContext(connection) as captured:
        mine = list(in_scope(model.objects.all(), office).values_list("pk", flat=True))
    assert mine == [rows[model].pk]
    assert "regions_region" not in captured.captured_queries[0]["sql"]
    assert not in_scope(model.objects.all(), outsider).exists()
    # The same rows as the region's own prefix gives.
    assert set(mine) == set(model.objects.filter(region__prefix__startswith=tree.xuanen.prefix).values_list("pk", flat=True))


def test_a_model_without_a_copy_is_scoped_through_its_region():
    from liaison_stations.models import LiaisonStation

    assert prefix_path(LiaisonStation) == "region__prefix"
    assert prefix_path(Activity, "station__region") == "station__region__prefix"
