import datetime

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityPhoto, IssueRaised
from tests.activities.conftest import png_upload
from tests.factories.accounts import UserFactory
from tests.factories.activities import ActivityFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/activities/"


def payload(tree, world, **overrides):
    data = {
        "type": "visit",
        "date": timezone.localdate().isoformat(),
        "region": tree.zhushan_village.code,
        "campaigns": [world.mandated.pk],
        "station": world.station.pk,
        "deputies": [d.pk for d in world.deputies],
        "households_visited": 8,
        "people_reached": 20,
        "summary": "走访农户",
        "issues": [{"text": "村道破损", "deputies": [world.deputies[0].pk]}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def activity(world, tree, xuanen_staff):
    a = ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff, deputies=world.deputies[:2])
    a.campaigns.add(world.mandated)
    IssueRaised.objects.create(activity=a, text="村道破损").deputies.add(world.deputies[0])
    return a


def test_staff_create_an_activity_with_attendance_and_issues(api_as, xuanen_staff, world, tree):
    response = api_as(xuanen_staff).post(LIST, payload(tree, world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert sorted(body["deputies"]) == sorted(d.pk for d in world.deputies)
    assert body["issues"][0]["text"] == "村道破损"
    assert body["region"] == tree.zhushan_village.code
    activity = Activity.objects.get()
    assert activity.created_by == xuanen_staff
    assert activity.issues.get().deputies.get() == world.deputies[0]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"date": "2999-01-01"}, "date", "活动日期不能晚于今天"),
        ({"households_visited": -1}, "households_visited", "数量不能为负数"),
        ({"region": "421083101200"}, "region", "不在本辖区内"),
        ({"station": "OUTSIDER_STATION"}, "station", "不在本辖区内"),
        ({"deputies": ["OUTSIDER_DEPUTY"]}, "deputies", "不在本辖区内"),
        ({"issues": [{"text": "x", "deputies": ["OUTSIDER_DEPUTY"]}]}, "issues", "不在本辖区内"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, xuanen_staff, world, tree, overrides, field, message):
    swap = {"OUTSIDER_STATION": world.outsider_station.pk, "OUTSIDER_DEPUTY": world.outsider_deputy.pk}
    overrides = {
        k: (swap.get(v, v) if not isinstance(v, list) else [swap.get(x, x) if not isinstance(x, dict) else {**x, "deputies": [swap.get(d, d) for d in x["deputies"]]} for x in v])
        for k, v in overrides.items()
    }
    response = api_as(xuanen_staff).post(LIST, payload(tree, world, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert message in str(response.json()[field])
    assert not Activity.objects.exists()


def test_a_deputy_cannot_create_activities(api_as, tree, world):
    deputy_user = UserFactory(role="deputy", region=tree.zhushan)
    assert api_as(deputy_user).post(LIST, payload(tree, world), format="json").status_code == 403
    assert not Activity.objects.exists()


def test_the_list_is_scoped_and_filtered(api_as, xuanen_staff, honghu_staff, activity, world, tree):
    ActivityFactory(region=tree.fengkou_village, created_by=honghu_staff)
    ids = [a["id"] for a in api_as(xuanen_staff).get(LIST).json()["results"]]
    assert ids == [activity.pk]
    assert api_as(xuanen_staff).get(LIST, {"deputy": world.deputies[0].pk}).json()["count"] == 1
    assert api_as(xuanen_staff).get(LIST, {"type": "training"}).json()["count"] == 0
    assert api_as(xuanen_staff).get(LIST, {"campaign": world.mandated.pk}).json()["count"] == 1


def test_outsiders_get_404_on_the_activity_endpoint(api_as, honghu_office, activity):
    before = Activity.objects.filter(pk=activity.pk).values().get()
    client = api_as(honghu_office)
    assert client.get(f"{LIST}{activity.pk}/").status_code == 404
    assert client.get(LIST).json()["count"] == 0
    assert Activity.objects.filter(pk=activity.pk).values().get() == before


def test_the_detail_has_attendance_ids_and_nested_issues(api_as, xuanen_office, activity, world):
    body = api_as(xuanen_office).get(f"{LIST}{activity.pk}/").json()
    assert sorted(body["deputies"]) == sorted(d.pk for d in world.deputies[:2])
    assert body["issues"] == [{"id": activity.issues.get().pk, "text": "村道破损", "deputies": [world.deputies[0].pk]}]
    assert body["campaigns"] == [world.mandated.pk]


def test_a_list_row_carries_every_field(api_as, xuanen_staff, world, tree):
    # given an activity with every field filled, attendance, a campaign, an issue and a photo
    activity = ActivityFactory(
        type="visit", date=datetime.date(2026, 5, 4), start_time=datetime.time(9, 30), region=tree.zhushan_village,
        station=world.station, group=world.group, deputies=world.deputies[:2], households_visited=8, enterprises_visited=2,
        people_reached=20, person_times=25, summary="走访农户", created_by=xuanen_staff,
    )
    activity.campaigns.add(world.mandated)
    issue = IssueRaised.objects.create(activity=activity, text="村道破损")
    issue.deputies.add(world.deputies[0])
    photo = ActivityPhoto.objects.create(activity=activity, image=png_upload())
    Activity.objects.filter(pk=activity.pk).update(created_at=datetime.datetime(2026, 5, 4, 2, 0, tzinfo=datetime.UTC))
    # when the list is read
    [row] = api_as(xuanen_staff).get(LIST).json()["results"]
    # then the row is exactly this (ids of related rows, the region's code and name, times in Beijing time)
    assert row == {
        "id": activity.pk,
        "type": "visit",
        "campaigns": [world.mandated.pk],
        "date": "2026-05-04",
        "start_time": "09:30:00",
        "region": tree.zhushan_village.code,
        "region_name": tree.zhushan_village.name,
        "station": world.station.pk,
        "group": world.group.pk,
        "deputies": [d.pk for d in sorted(world.deputies[:2], key=lambda d: (d.name_pinyin, d.pk))],
        "households_visited": 8,
        "enterprises_visited": 2,
        "people_reached": 20,
        "person_times": 25,
        "summary": "走访农户",
        "issues": [{"id": issue.pk, "text": "村道破损", "deputies": [world.deputies[0].pk]}],
        "photos": [f"/activities/{activity.pk}/photos/{photo.pk}/"],
        "created_by": xuanen_staff.display_name,
        "created_at": "2026-05-04T10:00:00+08:00",
    }


def test_a_list_row_without_the_optional_links_reads_null(api_as, xuanen_staff, tree):
    ActivityFactory(region=tree.zhushan_village, station=None, group=None, start_time=None, created_by=None)
    [row] = api_as(xuanen_staff).get(LIST).json()["results"]
    assert (row["station"], row["group"], row["start_time"], row["created_by"]) == (None, None, None, None)
    assert (row["campaigns"], row["deputies"], row["issues"], row["photos"]) == ([], [], [], [])


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_endpoint_query_count_does_not_grow(api_as, xuanen_staff, world, tree, rows, django_assert_num_queries):
    for i in range(rows):
        a = ActivityFactory(
            region=tree.zhushan_village, created_by=xuanen_staff, deputies=world.deputies, date=timezone.localdate() - datetime.timedelta(days=i)
        )
        a.campaigns.add(world.mandated)
        IssueRaised.objects.create(activity=a, text="问题").deputies.add(world.deputies[0])
    client = api_as(xuanen_staff)
    # the page, then its rows' campaigns, deputies, photos, issues and the issues' deputies in one query
    with django_assert_num_queries(2):  # the list ends on its page: counted without a COUNT query
        response = client.get(LIST)
    assert response.json()["count"] == rows
    assert all(row["campaigns"] == [world.mandated.pk] and len(row["issues"]) == 1 for row in response.json()["results"])


def test_each_list_row_shows_its_own_related_rows_as_its_detail_does(api_as, xuanen_staff, world, tree):
    # given activities with several campaigns, deputies, issues heard by some of them and photos, and one with none
    today = timezone.localdate()
    first = ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff, deputies=world.deputies, date=today)
    from tests.factories.activities import CampaignFactory

    last_year = CampaignFactory(
        region=tree.xuanen, kind="self_chosen", title="去年自选", year=today.year - 1,
        start_date=today - datetime.timedelta(days=400), end_date=today - datetime.timedelta(days=200),
    )
    first.campaigns.add(last_year, world.mandated)
    IssueRaised.objects.create(activity=first, text="村道破损").deputies.add(*world.deputies[:2])
    IssueRaised.objects.create(activity=first, text="路灯不亮")
    ActivityPhoto.objects.create(activity=first, image=png_upload("a.png"))
    ActivityPhoto.objects.create(activity=first, image=png_upload("b.png"))
    second = ActivityFactory(
        region=tree.zhushan_village, created_by=xuanen_staff, deputies=world.deputies[1:2], date=today - datetime.timedelta(days=1)
    )
    second.campaigns.add(world.self_chosen)
    IssueRaised.objects.create(activity=second, text="饮水困难").deputies.add(world.deputies[1])
    ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff, deputies=[], date=today - datetime.timedelta(days=2))
    client = api_as(xuanen_staff)
    # when the list is read
    rows = client.get(LIST).json()["results"]
    # then each row is what the activity's own endpoint shows (read with the ordinary prefetches), in the same order
    assert [row["id"] for row in rows] == [first.pk, second.pk, rows[2]["id"]]
    assert rows == [client.get(f"{LIST}{row['id']}/").json() for row in rows]
    assert rows[0]["campaigns"] == [world.mandated.pk, last_year.pk]  # newest first
    assert len(rows[0]["photos"]) == 2 and len(rows[0]["issues"][0]["deputies"]) == 2
    assert (rows[2]["campaigns"], rows[2]["deputies"], rows[2]["issues"], rows[2]["photos"]) == ([], [], [], [])


# --- campaigns --------------------------------------------------------------------------------------


def test_campaigns_cover_the_users_region(api_as, xuanen_staff, honghu_staff, world, tree):
    from tests.factories.activities import CampaignFactory

    CampaignFactory(region=tree.honghu, kind="self_chosen", title="洪湖市自选")
    titles = {c["title"] for c in api_as(xuanen_staff).get("/api/v1/campaigns/").json()["results"]}
    assert titles == {"察民情、聚民智、惠民生", "宣恩县优化营商环境"}
    titles = {c["title"] for c in api_as(honghu_staff).get("/api/v1/campaigns/").json()["results"]}
    assert titles == {"察民情、聚民智、惠民生", "洪湖市自选"}
    assert api_as(honghu_staff).get(f"/api/v1/campaigns/{world.self_chosen.pk}/").status_code == 404


@pytest.mark.parametrize("rows", [2, 50])
def test_the_campaign_endpoint_query_count_does_not_grow(api_as, xuanen_office, tree, rows, django_assert_num_queries):
    from tests.factories.activities import CampaignFactory

    for i in range(rows):
        CampaignFactory(region=tree.xuanen, kind="self_chosen", title=f"主题{i}")
    client = api_as(xuanen_office)
    with django_assert_num_queries(1):  # the list ends on its page: counted without a COUNT query
        assert client.get("/api/v1/campaigns/").json()["count"] == rows


def test_an_office_creates_a_self_chosen_campaign_in_its_region(api_as, xuanen_office, xuanen_staff, tree):
    data = {"year": 2026, "title": "宣恩自选", "kind": "self_chosen", "region": "422825", "start_date": "2026-03-01", "end_date": "2026-12-31"}
    assert api_as(xuanen_office).post("/api/v1/campaigns/", data, format="json").status_code == 201
    assert api_as(xuanen_staff).post("/api/v1/campaigns/", data, format="json").status_code == 403
    response = api_as(xuanen_office).post("/api/v1/campaigns/", {**data, "region": "421083"}, format="json")
    assert response.status_code == 400 and "region" in response.json()
    response = api_as(xuanen_office).post("/api/v1/campaigns/", {**data, "kind": "mandated"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()


def test_the_schema_documents_campaigns_and_activities(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/activities/" in schema and "/api/v1/campaigns/" in schema
    assert "IssueRaised" in schema
