"""Residents' voice personas: a station in 珠山镇 with its deputy, and the same in 洪湖市 (outsiders)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Role
from tests.factories.accounts import UserFactory
from tests.factories.liaison_stations import AssignmentFactory, StationFactory
from tests.factories.suggestions import deputy_user


@dataclass
class Voice:
    station: object
    deputy_user: object
    deputy: object
    other_deputy_user: object  # a deputy of the same county but not of this station
    honghu_station: object
    honghu_deputy_user: object
    city_office: object


@pytest.fixture
def voice(tree) -> Voice:
    station = StationFactory(name="东门社区代表联络站", region=tree.zhushan)
    user, deputy = deputy_user(tree.zhushan, username="station-deputy", name="向明华")
    AssignmentFactory(station=station, deputy=deputy)
    other_user, _other = deputy_user(tree.jiaoyuan, username="other-deputy", name="田大有")
    honghu_station = StationFactory(name="峰口镇代表联络站", region=tree.fengkou)
    honghu_user, honghu_deputy = deputy_user(tree.fengkou, username="honghu-deputy", name="李洪")
    AssignmentFactory(station=honghu_station, deputy=honghu_deputy)
    city = UserFactory(username="enshi-office", role=Role.CONGRESS_OFFICE, region=tree.enshi)
    return Voice(station, user, deputy, other_user, honghu_station, honghu_user, city)
