"""Finding 3 of the attack run, field by field: every reference a client sends is checked against the
sender's scope. 洪湖市's office sends, in turn, one id (or region code) of 宣恩县 in an otherwise
valid body: the API answers 400 naming that field, the page shows the error on that field, and no row
is created. (Suggestions have their own: tests/suggestions/test_suggestion_value_rules.py.)"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Campaign
from deputies.models import Deputy, DeputyGroup, Mandate, Membership
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard
from residents.models import ResidentMessage
from suggestions.models import Suggestion
from tests.security.routes import CONGRESS_OFFICE

pytestmark = pytest.mark.django_db


@dataclass
class Honghu:
    """洪湖市's own objects: each body names them wherever the field under test is not."""

    office: object
    station: object
    deputy: object
    group: object
    item: object


@pytest.fixture
def honghu(world) -> Honghu:
    tree = world.tree
    station = LiaisonStation.objects.create(name="峰口镇代表联络站", region=tree.fengkou)
    deputy = Deputy.objects.create(name="李洪湖", region=tree.fengkou)
    StationAssignment.objects.create(station=station, deputy=deputy)
    group = DeputyGroup.objects.create(name="峰口镇代表小组", region=tree.fengkou)
    Membership.objects.create(group=group, deputy=deputy)
    item = StandardItem.objects.create(name="有固定场所（洪湖）", region=tree.honghu)
    return Honghu(world.outsiders[CONGRESS_OFFICE], station, deputy, group, item)


def _today() -> str:
    return timezone.localdate().isoformat()


def _next_week() -> str:
    return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()


def _activity(w, h, **override) -> dict:
    body = {"type": "visit", "date": _today(), "region": w.tree.fengkou.code, "deputies": [h.deputy.pk], "summary": "走访"}
    return {**body, **override}


def _group(w, h, **override) -> dict:
    return {"name": "峰口镇第二小组", "kind": "regional", "region": w.tree.fengkou.code, **override}


def _campaign(w, **override) -> dict:
    year = timezone.localdate().year
    body = {"year": year, "title": "洪湖市自选动作", "kind": "self_chosen", "region": w.tree.honghu.code,
            "start_date": f"{year}-01-01", "end_date": f"{year}-12-31"}
    return {**body, **override}


# (id, path, body(world, honghu), the field the 400 must name, the model that must gain no row)
API_CASES = [
    ("station-region", "/api/v1/stations/", lambda w, h: {"name": "新站", "region": w.tree.zhushan.code}, "region", LiaisonStation),
    ("standard-item-region", "/api/v1/standard-items/", lambda w, h: {"name": "新标准", "region": w.tree.xuanen.code}, "region", StandardItem),
    ("station-standard-item", "/api/v1/station-standards/",
     lambda w, h: {"station": h.station.pk, "item": w.standard_item_a.pk, "met": True}, "item", StationStandard),
    ("station-standard-station", "/api/v1/station-standards/",
     lambda w, h: {"station": w.station_a.pk, "item": h.item.pk, "met": True}, "station", StationStandard),
    ("assignment-deputy", "/api/v1/station-assignments/", lambda w, h: {"station": h.station.pk, "deputy": w.deputy_a.pk}, "deputy", StationAssignment),
    ("assignment-station", "/api/v1/station-assignments/", lambda w, h: {"station": w.station_a.pk, "deputy": h.deputy.pk}, "station", StationAssignment),
    ("reception-deputies", "/api/v1/reception-days/",
     lambda w, h: {"station": h.station.pk, "date": _next_week(), "deputies": [w.deputy_a.pk]}, "deputies", ReceptionDay),
    ("reception-station", "/api/v1/reception-days/",
     lambda w, h: {"station": w.station_a.pk, "date": _next_week(), "deputies": []}, "station", ReceptionDay),
    ("activity-region", "/api/v1/activities/", lambda w, h: _activity(w, h, region=w.tree.zhushan.code), "region", Activity),
    ("activity-station", "/api/v1/activities/", lambda w, h: _activity(w, h, station=w.station_a.pk), "station", Activity),
    ("activity-group", "/api/v1/activities/", lambda w, h: _activity(w, h, group=w.group_a.pk), "group", Activity),
    ("activity-deputies", "/api/v1/activities/", lambda w, h: _activity(w, h, deputies=[h.deputy.pk, w.deputy_a.pk]), "deputies", Activity),
    ("activity-campaigns", "/api/v1/activities/", lambda w, h: _activity(w, h, campaigns=[w.campaign_a.pk]), "campaigns", Activity),
    ("activity-issue-deputies", "/api/v1/activities/",
     lambda w, h: _activity(w, h, issues=[{"text": "路灯坏了", "deputies": [w.deputy_a.pk]}]), "issues", Activity),
    ("campaign-region", "/api/v1/campaigns/", lambda w, h: _campaign(w, region=w.tree.xuanen.code), "region", Campaign),
    ("deputy-region", "/api/v1/deputies/", lambda w, h: {"name": "李四", "region": w.tree.zhushan.code}, "region", Deputy),
    ("mandate-congress-region", "/api/v1/mandates/",
     lambda w, h: {"deputy": h.deputy.pk, "level": "county", "congress_region": w.tree.xuanen.code, "term": "第十九届"}, "congress_region", Mandate),
    ("mandate-deputy", "/api/v1/mandates/",
     lambda w, h: {"deputy": w.deputy_a.pk, "level": "county", "congress_region": w.tree.honghu.code, "term": "第十九届"}, "deputy", Mandate),
    ("group-region", "/api/v1/deputy-groups/", lambda w, h: _group(w, h, region=w.tree.zhushan.code), "region", DeputyGroup),
    ("group-leader", "/api/v1/deputy-groups/", lambda w, h: _group(w, h, leader=w.deputy_a.pk), "leader", DeputyGroup),
    ("group-home-station", "/api/v1/deputy-groups/", lambda w, h: _group(w, h, home_station=w.station_a.pk), "home_station", DeputyGroup),
    ("membership-deputy", "/api/v1/memberships/", lambda w, h: {"group": h.group.pk, "deputy": w.deputy_a.pk}, "deputy", Membership),
    ("membership-group", "/api/v1/memberships/", lambda w, h: {"group": w.group_a.pk, "deputy": h.deputy.pk}, "group", Membership),
]


@pytest.mark.parametrize(("path", "body", "field", "model"), [pytest.param(*case[1:], id=case[0]) for case in API_CASES])
def test_the_api_refuses_a_reference_from_another_county_naming_the_field(world, honghu, api_as, path, body, field, model):
    # given a valid body of 洪湖市 with one reference of 宣恩县
    data = body(world, honghu)
    before = model.objects.count()
    # when 洪湖市's office sends it
    response = api_as(honghu.office).post(path, data, format="json")
    # then it is refused, naming the field, and nothing is created
    assert response.status_code == 400, response.content.decode()
    assert field in response.json(), response.json()
    assert model.objects.count() == before


@pytest.mark.parametrize(("path", "body", "field", "model"), [pytest.param(*case[1:], id=case[0]) for case in API_CASES])
def test_the_same_body_with_honghus_own_reference_is_accepted(world, honghu, api_as, path, body, field, model):
    """The control: the refusal above is about the one reference, not a body that could never pass."""
    data = body(world, honghu)
    own = {
        "region": {"stations": world.tree.fengkou.code, "standard-items": world.tree.honghu.code, "activities": world.tree.fengkou.code,
                   "campaigns": world.tree.honghu.code, "deputies": world.tree.fengkou.code, "deputy-groups": world.tree.fengkou.code},
        "item": honghu.item.pk, "station": honghu.station.pk, "deputy": honghu.deputy.pk, "deputies": [honghu.deputy.pk],
        "group": honghu.group.pk, "campaigns": [], "issues": [{"text": "路灯坏了", "deputies": [honghu.deputy.pk]}],
        "congress_region": world.tree.honghu.code, "leader": honghu.deputy.pk, "home_station": honghu.station.pk,
    }[field]
    if field == "region":
        own = own[path.split("/")[3]]
    # 洪湖市's deputy is already in its group and at its station: a second row would be a duplicate.
    if path == "/api/v1/memberships/":
        honghu.group.memberships.all().delete()
    if path == "/api/v1/station-assignments/":
        StationAssignment.objects.filter(station=honghu.station).delete()
    data[field] = own
    response = api_as(honghu.office).post(path, data, format="json")
    assert response.status_code == 201, response.content.decode()


def test_adopting_a_message_with_another_countys_lead_deputy_is_refused(world, honghu, api_as, client_as):
    message = ResidentMessage.objects.create(station=honghu.station, region=world.tree.fengkou, text="峰口镇的路灯坏了很久")
    url = f"/api/v1/resident-messages/{message.pk}/adopt/"
    response = api_as(honghu.office).post(url, {"lead_deputy": world.deputy_a.pk}, format="json")
    assert response.status_code == 400 and "lead_deputy" in response.json()
    page = client_as(honghu.office).post(reverse("residents:adopt", args=[message.pk]), {"lead_deputy": world.deputy_a.pk})
    assert page.status_code == 400 and "lead_deputy" in page.context["adopt_form"].errors
    assert not Suggestion.objects.exists()
    message.refresh_from_db()
    assert message.suggestion_id is None


# --- the page forms ---------------------------------------------------------------------------------


def _visit(w, h, **override) -> dict:
    data = {
        "type": "visit", "date": _today(), "region": str(w.tree.fengkou.pk), "deputies": [str(h.deputy.pk)],
        "households_visited": "1", "summary": "走访",
        "issues-TOTAL_FORMS": "1", "issues-INITIAL_FORMS": "0", "issues-MIN_NUM_FORMS": "0", "issues-MAX_NUM_FORMS": "30",
    }
    return {**data, **override}


# (id, url(world, honghu), data(world, honghu), the field whose error the page shows, the model)
PAGE_CASES = [
    ("station-region", lambda w, h: reverse("liaison_stations:create"),
     lambda w, h: {"name": "新站", "kind": "station", "region": w.tree.zhushan.pk}, "region", LiaisonStation),
    ("standard-item-region", lambda w, h: reverse("liaison_stations:standard_item_create"),
     lambda w, h: {"name": "新标准", "region": w.tree.xuanen.pk, "position": 0, "active": "on"}, "region", StandardItem),
    ("assignment-deputy", lambda w, h: reverse("liaison_stations:assignment_create", args=[h.station.pk]),
     lambda w, h: {"deputy": w.deputy_a.pk}, "deputy", StationAssignment),
    ("reception-deputies", lambda w, h: reverse("liaison_stations:reception_create", args=[h.station.pk]),
     lambda w, h: {"date": _next_week(), "deputies": [w.deputy_a.pk]}, "deputies", ReceptionDay),
    ("activity-region", lambda w, h: reverse("activities:visit"), lambda w, h: _visit(w, h, region=str(w.tree.zhushan.pk)), "region", Activity),
    ("activity-station", lambda w, h: reverse("activities:visit"), lambda w, h: _visit(w, h, station=str(w.station_a.pk)), "station", Activity),
    ("activity-group", lambda w, h: reverse("activities:visit"), lambda w, h: _visit(w, h, group=str(w.group_a.pk)), "group", Activity),
    ("activity-deputies", lambda w, h: reverse("activities:visit"),
     lambda w, h: _visit(w, h, deputies=[str(h.deputy.pk), str(w.deputy_a.pk)]), "deputies", Activity),
    ("activity-campaigns", lambda w, h: reverse("activities:visit"),
     lambda w, h: _visit(w, h, campaigns=[str(w.campaign_a.pk)]), "campaigns", Activity),
    ("campaign-region", lambda w, h: reverse("activities:campaign_new"),
     lambda w, h: {k: (w.tree.xuanen.pk if k == "region" else v) for k, v in _campaign(w).items()}, "region", Campaign),
    ("deputy-region", lambda w, h: reverse("deputies:create"), lambda w, h: {"name": "李四", "region": w.tree.zhushan.pk}, "region", Deputy),
    ("mandate-congress-region", lambda w, h: reverse("deputies:mandate_create", args=[h.deputy.pk]),
     lambda w, h: {"level": "county", "congress_region": w.tree.xuanen.pk, "term": "第十九届"}, "congress_region", Mandate),
    ("group-region", lambda w, h: reverse("deputies:group_create"),
     lambda w, h: {"name": "新小组", "kind": "regional", "region": w.tree.zhushan.pk, "active": "on"}, "region", DeputyGroup),
    ("group-leader", lambda w, h: reverse("deputies:group_create"),
     lambda w, h: {"name": "新小组", "kind": "regional", "region": w.tree.fengkou.pk, "leader": w.deputy_a.pk}, "leader", DeputyGroup),
    ("group-home-station", lambda w, h: reverse("deputies:group_create"),
     lambda w, h: {"name": "新小组", "kind": "regional", "region": w.tree.fengkou.pk, "home_station": w.station_a.pk}, "home_station", DeputyGroup),
    ("membership-deputy", lambda w, h: reverse("deputies:membership_create", args=[h.group.pk]),
     lambda w, h: {"deputy": w.deputy_a.pk, "role": "member"}, "deputy", Membership),
]


@pytest.mark.parametrize(("url", "data", "field", "model"), [pytest.param(*case[1:], id=case[0]) for case in PAGE_CASES])
def test_the_page_form_refuses_a_reference_from_another_county_on_its_field(world, honghu, client_as, url, data, field, model):
    before = model.objects.count()
    response = client_as(honghu.office).post(url(world, honghu), data(world, honghu))
    # A refused form comes back as the page with its errors, answered 400 (config.forms: every page form).
    assert response.status_code == 400, response.status_code
    errors = response.context["form"].errors
    assert field in errors, errors
    # the error is Chinese, said on the field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(errors[field]))
    assert model.objects.count() == before
