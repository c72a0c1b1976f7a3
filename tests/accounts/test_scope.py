import pytest
from django.http import Http404

from accounts.scope import get_in_scope_or_404, in_scope, region_in_scope, regions_in_scope
from regions.models import Region
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_county_office_sees_its_county_and_below_only(tree, xuanen_office):
    visible = set(in_scope(Region.objects.all(), xuanen_office, "parent").values_list("code", flat=True))
    # regions whose parent lies inside 宣恩县: its townships and villages
    assert visible == {"422825100", "422825101", "422825100200"}
    assert region_in_scope(xuanen_office, tree.zhushan_village)
    assert not region_in_scope(xuanen_office, tree.honghu)
    assert not region_in_scope(xuanen_office, tree.enshi)  # the city above is not inside


def test_the_provincial_office_sees_every_region(tree, provincial):
    assert regions_in_scope(provincial).count() == Region.objects.count()


def test_a_user_without_a_region_sees_nothing(tree):
    nobody = UserFactory(username="nobody", region=None)
    assert regions_in_scope(nobody).count() == 0


def test_a_superuser_sees_everything(tree):
    root = UserFactory(username="root", region=None, is_superuser=True)
    assert regions_in_scope(root).count() == Region.objects.count()


def test_an_object_outside_scope_is_a_404_like_a_missing_one(tree, honghu_staff):
    with pytest.raises(Http404):
        get_in_scope_or_404(Region.objects.all(), honghu_staff, "parent", pk=tree.zhushan_village.pk)
    with pytest.raises(Http404):
        get_in_scope_or_404(Region.objects.all(), honghu_staff, "parent", pk=10**9)
    found = get_in_scope_or_404(Region.objects.all(), honghu_staff, "parent", pk=tree.fengkou_village.pk)
    assert found == tree.fengkou_village


def test_scope_is_one_query_without_recursion(tree, xuanen_office, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(in_scope(Region.objects.all(), xuanen_office, "parent"))
