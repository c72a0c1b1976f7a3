"""The record of duty (履职档案): what it gathers, who may see it, and the masked phone."""

from __future__ import annotations

import pytest

from accounts.models import Role
from deputies.models import DeputyGroup, MandateLevel, Membership
from suggestions.models import CoSignature, OutcomeClass, RatingValue, Status
from tests.factories.accounts import UserFactory
from tests.factories.dashboards import (
    DashActivityFactory,
    DashAnswerFactory,
    DashAssignmentFactory,
    DashDepartmentFactory,
    DashDeputyFactory,
    DashMandateFactory,
    DashRatingFactory,
    DashStationAssignmentFactory,
    DashStationFactory,
    DashSuggestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_user(tree):
    return UserFactory(username="deputy-li", role=Role.DEPUTY, region=tree.zhushan)


@pytest.fixture
def deputy(tree, deputy_user):
    deputy = DashDeputyFactory(region=tree.zhushan, user=deputy_user, name="李代表", phone="13812345678")
    DashMandateFactory(deputy=deputy, level=MandateLevel.COUNTY, congress_region=tree.xuanen)
    group = DeputyGroup.objects.create(name="珠山镇代表小组", region=tree.zhushan)
    Membership.objects.create(group=group, deputy=deputy)
    DashStationAssignmentFactory(station=DashStationFactory(region=tree.zhushan, name="东门社区联络站"), deputy=deputy)
    DashActivityFactory.create_batch(3, region=tree.zhushan, attendees=[deputy])
    DashActivityFactory(region=tree.fengkou, attendees=[deputy])  # outside 宣恩县
    led = DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, title="关于村道硬化的建议", status=Status.CLOSED)
    answer = DashAnswerFactory(
        assignment=DashAssignmentFactory(suggestion=led, department=DashDepartmentFactory(region=tree.xuanen)),
        outcome_class=OutcomeClass.A,
    )
    DashRatingFactory(answer=answer, deputy=deputy, value=RatingValue.SATISFIED)
    DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, title="还在起草的建议", status=Status.DRAFT)
    DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, title="已撤回的建议", status=Status.WITHDRAWN)
    other = DashSuggestionFactory(
        region=tree.zhushan, lead_deputy=DashDeputyFactory(region=tree.zhushan), title="关于饮水安全的建议"
    )
    CoSignature.objects.create(suggestion=other, deputy=deputy)
    return deputy


def test_a_deputy_sees_their_own_record_with_everything_it_gathers(deputy, deputy_user, client_as):
    response = client_as(deputy_user).get("/dashboard/record/")
    assert response.status_code == 200
    html = response.content.decode()
    led = {s.title: s for s in response.context["led"]}
    for text in (
        "李代表",
        "宣恩县第十九届人大代表",
        "珠山镇代表小组",
        "东门社区联络站",
        "关于村道硬化的建议",
        "关于饮水安全的建议",
    ):
        assert text in html
    # drafts and withdrawn suggestions are not duties done: the record counts submitted ones only
    assert "还在起草的建议" not in html and "已撤回的建议" not in html
    assert set(led) == {"关于村道硬化的建议"}
    assert response.context["activities_count"] == 4  # all of their own, wherever held
    assert (led["关于村道硬化的建议"].outcome, led["关于村道硬化的建议"].rating_value) == ("A", RatingValue.SATISFIED)
    assert "A类" in html and "满意" in html
    assert response.context["phone"] == "138****5678"


def test_a_deputy_may_open_their_own_record_by_id_but_no_one_elses(tree, deputy, deputy_user, client_as):
    client = client_as(deputy_user)
    assert client.get(f"/dashboard/record/{deputy.pk}/").status_code == 200
    neighbour = DashDeputyFactory(region=tree.zhushan)
    assert client.get(f"/dashboard/record/{neighbour.pk}/").status_code == 404


def test_a_deputy_user_without_a_deputy_gets_404(tree, client_as):
    user = UserFactory(role=Role.DEPUTY, region=tree.zhushan)
    assert client_as(user).get("/dashboard/record/").status_code == 404


def test_an_office_over_the_deputy_sees_the_full_phone(deputy, xuanen_office, provincial, client_as):
    for office in (xuanen_office, provincial):
        response = client_as(office).get(f"/dashboard/record/{deputy.pk}/")
        assert response.context["phone"] == "13812345678"


def test_township_staff_see_the_phone_masked_and_no_drafts(deputy, xuanen_staff, client_as):
    response = client_as(xuanen_staff).get(f"/dashboard/record/{deputy.pk}/")
    assert response.status_code == 200
    assert response.context["phone"] == "138****5678"
    assert "13812345678" not in response.content.decode()
    assert "还在起草的建议" not in response.content.decode()


def test_an_office_sees_only_the_activities_inside_its_scope(deputy, xuanen_office, client_as):
    assert client_as(xuanen_office).get(f"/dashboard/record/{deputy.pk}/").context["activities_count"] == 3


@pytest.mark.parametrize("who", ["honghu_office", "honghu_staff"])
def test_an_outsider_gets_404_for_the_record(who, request, deputy, client_as):
    user = request.getfixturevalue(who)
    assert client_as(user).get(f"/dashboard/record/{deputy.pk}/").status_code == 404


def test_a_handler_gets_404_for_a_record(tree, deputy, client_as):
    handler = UserFactory(role=Role.DEPARTMENT_HANDLER, region=tree.xuanen)
    assert client_as(handler).get(f"/dashboard/record/{deputy.pk}/").status_code == 404


def test_the_navigation_shows_the_record_to_deputies(deputy_user, client_as):
    response = client_as(deputy_user).get("/")
    assert "/dashboard/record/" in response.content.decode()
