"""The hostile tests' proof that a refused form saved nothing must itself be able to fail: a row
added, a value changed or a row removed anywhere the product owns makes the state differ."""

from __future__ import annotations

import pytest

from regions.models import Region, RegionLevel
from tests.security.hostile import database_state

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_an_untouched_database_keeps_its_state(tree):
    assert database_state() == database_state()


def test_a_new_row_changes_the_state(tree):
    before = database_state()
    Region.objects.create(code="422825102", name="长潭河侗族乡", level=RegionLevel.TOWNSHIP, parent=tree.xuanen)
    assert database_state() != before


def test_a_changed_value_changes_the_state(tree):
    before = database_state()
    Region.objects.filter(pk=tree.zhushan.pk).update(name="珠山镇（改）")
    assert database_state() != before


def test_a_removed_row_changes_the_state(tree):
    before = database_state()
    Region.objects.filter(pk=tree.zhushan_village.pk).delete()
    assert database_state() != before
