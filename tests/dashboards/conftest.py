"""Test data for the dashboards: every figure gets something to count in a township."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import ActivityType
from deputies.models import MandateLevel
from regions.models import Region, RegionLevel
from suggestions.models import AssignmentState, OutcomeClass, RatingValue, Status
from tests.factories.dashboards import (
    DashActivityFactory,
    DashAnswerFactory,
    DashAssignmentFactory,
    DashCampaignFactory,
    DashDepartmentFactory,
    DashDeputyFactory,
    DashMandateFactory,
    DashRatingFactory,
    DashReceptionDayFactory,
    DashStandardItemFactory,
    DashStationAssignmentFactory,
    DashStationFactory,
    DashStationStandardFactory,
    DashSuggestionFactory,
)


def populate(township, *, size: int, campaign, department, county_item=None) -> dict:
    """``size`` of each kind of row in ``township``: deputies, a station, activities, suggestions in
    every state the dashboard counts. Returns the objects a test may want to look at."""
    today = dt.date.today()
    station = DashStationFactory(region=township)
    if county_item is not None:
        DashStationStandardFactory(station=station, item=county_item, met=True)
    deputies = []
    for i in range(size):
        deputy = DashDeputyFactory(region=township)
        DashMandateFactory(deputy=deputy, level=MandateLevel.TOWNSHIP, congress_region=township)
        if i % 2 == 0:
            DashMandateFactory(deputy=deputy, level=MandateLevel.COUNTY, congress_region=township.parent)
        if i % 3 == 0:
            DashStationAssignmentFactory(station=station, deputy=deputy)
        deputies.append(deputy)
    DashReceptionDayFactory(station=station)
    for i in range(size):
        DashActivityFactory(
            region=township, station=station if i % 2 else None, campaigns=[campaign], attendees=deputies[: i % 3 + 1]
        )
    DashActivityFactory(
        region=township, type=ActivityType.TRAINING, person_times=size * 4, households_visited=0, campaigns=[campaign]
    )

    lead = deputies[0]

    def suggestion(status, **kw):
        return DashSuggestionFactory(region=township, lead_deputy=lead, campaign=campaign, status=status, **kw)

    for i in range(size):
        suggestion(Status.TRIAGE)
        s = suggestion(Status.ASSIGNED)
        DashAssignmentFactory(suggestion=s, department=department, due_at=today + dt.timedelta(days=1))  # due soon
        s = suggestion(Status.ACKNOWLEDGED)
        DashAssignmentFactory(
            suggestion=s, department=department, state=AssignmentState.ACKNOWLEDGED, due_at=today - dt.timedelta(days=1)
        )  # overdue
        s = suggestion(Status.ASSIGNED)
        DashAssignmentFactory(suggestion=s, department=department, due_at=today - dt.timedelta(days=40))  # long overdue
        s = suggestion(Status.ANSWERED)
        a = DashAssignmentFactory(suggestion=s, department=department, state=AssignmentState.ANSWERED)
        DashAnswerFactory(assignment=a, outcome_class=OutcomeClass.A, on_time=i % 2 == 0)
        s = suggestion(Status.CLOSED)
        a = DashAssignmentFactory(suggestion=s, department=department, state=AssignmentState.ANSWERED)
        first = DashAnswerFactory(assignment=a, outcome_class=OutcomeClass.C)
        DashRatingFactory(answer=first, value=RatingValue.UNSATISFIED)
        second = DashAnswerFactory(assignment=a, outcome_class=OutcomeClass.B, on_time=False)
        DashRatingFactory(answer=second, value=RatingValue.BASICALLY_SATISFIED)
    suggestion(Status.NOT_ACCEPTED)
    suggestion(Status.DRAFT)  # never counted
    return {"station": station, "deputies": deputies}


def add_city(n: int, campaign, county_item) -> None:
    """A city with one county and one township holding data, directly under 湖北省."""
    city = Region.objects.create(
        code=f"42{n:02d}00", name=f"测试市{n}", level=RegionLevel.CITY, parent=Region.objects.get(code="420000")
    )
    county = Region.objects.create(code=f"42{n:02d}01", name=f"测试县{n}", level=RegionLevel.COUNTY, parent=city)
    township = Region.objects.create(code=f"42{n:02d}01001", name=f"测试镇{n}", level=RegionLevel.TOWNSHIP, parent=county)
    populate(township, size=3, campaign=campaign, department=DashDepartmentFactory(region=county), county_item=county_item)


@pytest.fixture
def campaign(tree):
    return DashCampaignFactory(region=tree.province)


@pytest.fixture
def county_item(tree):
    return DashStandardItemFactory(region=tree.xuanen)


@pytest.fixture
def data(tree, campaign, county_item):
    """Data in two counties: 宣恩县 (two townships) and 洪湖市."""
    return two_counties(tree, campaign, county_item)


@pytest.fixture(scope="module")
def module_data(module_db, module_tree):
    """``(campaign, county_item, data)`` made once for a module whose every test reads the same data
    (tests/conftest.py ``module_db``); such a module overrides ``campaign``, ``county_item`` and ``data``
    with fixtures that hand each test ``fresh()`` instances of these."""
    with module_db.unblock():
        campaign = DashCampaignFactory(region=module_tree.province)
        county_item = DashStandardItemFactory(region=module_tree.xuanen)
        return campaign, county_item, two_counties(module_tree, campaign, county_item)


def two_counties(tree, campaign, county_item) -> dict:
    xuanen_dept = DashDepartmentFactory(region=tree.xuanen, name="宣恩县交通运输局")
    honghu_dept = DashDepartmentFactory(region=tree.honghu, name="洪湖市交通运输局")
    zhushan = populate(tree.zhushan, size=2, campaign=campaign, department=xuanen_dept, county_item=county_item)
    jiaoyuan = populate(tree.jiaoyuan, size=1, campaign=campaign, department=xuanen_dept, county_item=county_item)
    fengkou = populate(tree.fengkou, size=1, campaign=campaign, department=honghu_dept)
    return {"zhushan": zhushan, "jiaoyuan": jiaoyuan, "fengkou": fengkou, "xuanen_dept": xuanen_dept}
