"""regions.scope.in_scope_or_above: what an office may name but not edit — its own region, those inside
it and those above it (the congresses and campaigns of the city and province), never a sibling's."""

from __future__ import annotations

import pytest

from accounts.models import Role
from regions.models import Region
from regions.scope import in_scope_or_above, region_in_scope_or_above
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_county_office_names_its_own_region_below_and_above_never_a_sibling(tree):
    office = UserFactory(username="xuanen-office", role=Role.CONGRESS_OFFICE, region=tree.xuanen)
    named = set(in_scope_or_above(Region.objects.all(), office, region_field=""))
    assert {tree.province, tree.enshi, tree.xuanen, tree.zhushan} <= named
    assert tree.honghu not in named and tree.fengkou not in named
    assert region_in_scope_or_above(office, tree.province) and region_in_scope_or_above(office, tree.zhushan)
    assert not region_in_scope_or_above(office, tree.honghu)


def test_no_scope_names_nothing(tree):
    handler_without_region = UserFactory(username="nobody", role=Role.CONGRESS_OFFICE, region=None)
    assert not in_scope_or_above(Region.objects.all(), handler_without_region, region_field="").exists()
    assert not region_in_scope_or_above(handler_without_region, tree.province)
