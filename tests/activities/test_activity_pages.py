import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.exports import LEDGER_HEADERS
from activities.models import Activity, ActivityPhoto, IssueRaised
from activities.selectors import activities_attended_by
from tests.activities.conftest import png_upload
from tests.activities.helpers import visit_data
from tests.factories.activities import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(world, tree, xuanen_staff):
    a = ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff, station=world.station, deputies=world.deputies[:2])
    a.campaigns.add(world.mandated)
    IssueRaised.objects.create(activity=a, text="村道破损").deputies.add(world.deputies[0])
    return a


def make_many(n, tree, world, user):
    for i in range(n):
        a = ActivityFactory(
            region=tree.zhushan if i % 2 else tree.zhushan_village,
            created_by=user,
            station=world.station,
            group=world.group,
            deputies=world.deputies,
            date=timezone.localdate() - datetime.timedelta(days=i % 20),
        )
        a.campaigns.add(world.mandated, world.self_chosen)


# --- list -------------------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_region(client_as, xuanen_staff, honghu_staff, activity, tree):
    other = ActivityFactory(region=tree.fengkou_village, created_by=honghu_staff)
    listed = list(client_as(xuanen_staff).get(reverse("activities:list")).context["activities"])
    assert listed == [activity]
    assert list(client_as(honghu_staff).get(reverse("activities:list")).context["activities"]) == [other]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"type": "visit"}, True),
        ({"type": "training"}, False),
        ({"deputy_name": "xmh"}, True),
        ({"deputy_name": "张建国"}, False),
        ({"region": "422825101"}, False),
        ({"region": "422825100"}, True),
        ({"date_from": "2000-01-01", "date_to": "2000-12-31"}, False),
    ],
)
def test_the_list_filters(client_as, xuanen_staff, activity, params, expected):
    listed = list(client_as(xuanen_staff).get(reverse("activities:list"), params).context["activities"])
    assert (listed == [activity]) is expected


def test_the_list_filters_by_campaign_station_group_and_deputy_id(client_as, xuanen_staff, activity, world):
    client = client_as(xuanen_staff)
    url = reverse("activities:list")
    assert list(client.get(url, {"campaign": world.mandated.pk}).context["activities"]) == [activity]
    assert list(client.get(url, {"campaign": world.self_chosen.pk}).context["activities"]) == []
    assert list(client.get(url, {"station": world.station.pk}).context["activities"]) == [activity]
    assert list(client.get(url, {"group": world.group.pk}).context["activities"]) == []
    assert list(client.get(url, {"deputy": world.deputies[0].pk}).context["activities"]) == [activity]
    assert list(client.get(url, {"deputy": world.deputies[2].pk}).context["activities"]) == []


def test_a_filter_naming_another_countys_station_shows_nothing(client_as, xuanen_staff, activity, world):
    response = client_as(xuanen_staff).get(reverse("activities:list"), {"station": world.outsider_station.pk})
    assert response.status_code == 200
    assert list(response.context["activities"]) == []


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_page_query_count_does_not_grow(client_as, xuanen_staff, world, tree, rows, django_assert_num_queries):
    make_many(rows, tree, world, xuanen_staff)
    client = client_as(xuanen_staff)
    # session, user, its region, totals (sum + count), page count, 4 filter selects, page, 2 prefetches
    with django_assert_num_queries(12):
        response = client.get(reverse("activities:list"))
    assert len(response.context["activities"]) == rows


def test_attended_by_gives_a_deputys_activities_within_the_viewers_scope(xuanen_staff, honghu_staff, activity, world):
    assert list(activities_attended_by(xuanen_staff, world.deputies[0])) == [activity]
    assert list(activities_attended_by(xuanen_staff, world.deputies[2])) == []
    assert list(activities_attended_by(honghu_staff, world.deputies[0])) == []


# --- detail, photos ---------------------------------------------------------------------------------


def test_the_detail_shows_attendance_issues_and_the_suggestion_slot(client_as, xuanen_staff, activity):
    response = client_as(xuanen_staff).get(reverse("activities:detail", args=[activity.pk]))
    html = response.content.decode()
    assert "向明华" in html and "村道破损" in html
    assert "data-clear-draft" not in html  # only right after a save
    assert "activities/_issue_actions.html" in [t.name for t in response.templates]


def test_photos_are_served_only_inside_the_region(client_as, xuanen_staff, honghu_office, activity):
    photo = ActivityPhoto.objects.create(activity=activity, image=png_upload())
    url = reverse("activities:photo", args=[activity.pk, photo.pk])
    response = client_as(xuanen_staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client_as(honghu_office).get(url).status_code == 404


def test_outsiders_get_404_on_every_activity_page(client_as, honghu_office, honghu_staff, activity, world, tree):
    before = Activity.objects.filter(pk=activity.pk).values().get()
    photo = ActivityPhoto.objects.create(activity=activity, image=png_upload())
    for user in [honghu_office, honghu_staff]:
        client = client_as(user)
        for name in ["detail", "edit", "delete"]:
            url = reverse(f"activities:{name}", args=[activity.pk])
            assert client.get(url).status_code == 404, name
        assert client.post(reverse("activities:edit", args=[activity.pk]), visit_data(tree, world)).status_code == 404
        assert client.post(reverse("activities:delete", args=[activity.pk])).status_code == 404
        assert client.get(reverse("activities:photo", args=[activity.pk, photo.pk])).status_code == 404
        export = client.get(reverse("activities:export"))
        assert len(list(load_workbook(io.BytesIO(export.content)).active.iter_rows())) == 1
    assert Activity.objects.filter(pk=activity.pk).values().get() == before


# --- editing ------------------------------------------------------------------------------------------


def edit_data(activity, tree, world, **overrides):
    data = visit_data(tree, world, **overrides)
    data["version"] = activity.updated_at.isoformat()
    return data


def test_the_author_edits_within_the_window(client_as, xuanen_staff, activity, world, tree):
    response = client_as(xuanen_staff).post(
        reverse("activities:edit", args=[activity.pk]), edit_data(activity, tree, world, households_visited="40")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.households_visited == 40
    assert set(activity.deputies.all()) == set(world.deputies)
    assert activity.history.first().history_user == xuanen_staff


def test_the_author_cannot_edit_after_the_window(client_as, xuanen_staff, activity, world, tree, settings):
    settings.ACTIVITY_EDIT_DAYS = 7
    Activity.objects.filter(pk=activity.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    client = client_as(xuanen_staff)
    url = reverse("activities:edit", args=[activity.pk])
    assert client.get(url).status_code == 302
    response = client.post(url, edit_data(activity, tree, world, households_visited="40"), follow=True)
    assert "只能由人大常委会修改" in response.content.decode()
    activity.refresh_from_db()
    assert activity.households_visited == 3


def test_another_township_clerk_cannot_edit_someone_elses_activity(client_as, activity, world, tree):
    from tests.factories.accounts import UserFactory

    colleague = UserFactory(role="township_staff", region=tree.zhushan)
    response = client_as(colleague).post(reverse("activities:edit", args=[activity.pk]), edit_data(activity, tree, world))
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).households_visited == 3


def test_the_office_edits_after_the_window(client_as, xuanen_office, activity, world, tree):
    Activity.objects.filter(pk=activity.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    activity.refresh_from_db()
    response = client_as(xuanen_office).post(
        reverse("activities:edit", args=[activity.pk]), edit_data(activity, tree, world, households_visited="41")
    )
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).households_visited == 41


def test_a_stale_edit_is_refused_not_overwritten(client_as, xuanen_staff, xuanen_office, activity, world, tree):
    stale = edit_data(activity, tree, world, households_visited="50")
    client_as(xuanen_office).post(reverse("activities:edit", args=[activity.pk]), edit_data(activity, tree, world, households_visited="41"))
    response = client_as(xuanen_staff).post(reverse("activities:edit", args=[activity.pk]), stale)
    assert response.status_code == 400
    assert "刚被他人修改过" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).households_visited == 41


def test_an_edit_can_remove_a_photo_and_its_file(
    client_as, xuanen_staff, activity, world, tree, django_capture_on_commit_callbacks
):
    photo = ActivityPhoto.objects.create(activity=activity, image=png_upload())
    kept = ActivityPhoto.objects.create(activity=activity, image=png_upload("kept.png"))
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    data = edit_data(activity, tree, world, remove_photos=[str(photo.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as(xuanen_staff).post(reverse("activities:edit", args=[activity.pk]), data).status_code == 302
    assert list(activity.photos.all()) == [kept]
    assert not storage.exists(name)
    assert storage.exists(kept.image.name)


def test_a_refused_edit_keeps_the_photo_it_would_have_removed(
    client_as, xuanen_staff, activity, world, tree, settings, django_capture_on_commit_callbacks
):
    settings.ACTIVITY_MAX_PHOTOS = 2
    photos = [ActivityPhoto.objects.create(activity=activity, image=png_upload(f"{i}.png")) for i in range(2)]
    # Removing one and adding two would leave three: refused, and nothing removed.
    data = edit_data(activity, tree, world, remove_photos=[str(photos[0].pk)], photos=[png_upload("c.png"), png_upload("d.png")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(xuanen_staff).post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 400
    assert activity.photos.count() == 2
    assert all(p.image.storage.exists(p.image.name) for p in photos)


# --- deletion -----------------------------------------------------------------------------------------


def test_only_the_office_deletes(client_as, xuanen_staff, activity):
    response = client_as(xuanen_staff).post(reverse("activities:delete", args=[activity.pk]))
    assert response.status_code == 302
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_deleting_an_activity_removes_its_photo_files(client_as, xuanen_office, activity, django_capture_on_commit_callbacks):
    photos = [ActivityPhoto.objects.create(activity=activity, image=png_upload(f"{i}.png")) for i in range(2)]
    stored = [(p.image.storage, p.image.name) for p in photos]
    assert all(storage.exists(name) for storage, name in stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(xuanen_office).post(reverse("activities:delete", args=[activity.pk]), {"reason": "重复登记"})
    assert response.status_code == 302
    assert not ActivityPhoto.objects.filter(pk__in=[p.pk for p in photos]).exists()
    assert not any(storage.exists(name) for storage, name in stored)


def test_a_refused_deletion_keeps_the_photo_files(client_as, xuanen_staff, activity):
    photo = ActivityPhoto.objects.create(activity=activity, image=png_upload())
    client_as(xuanen_staff).post(reverse("activities:delete", args=[activity.pk]), {"reason": "重复登记"})
    assert ActivityPhoto.objects.filter(pk=photo.pk).exists()
    assert photo.image.storage.exists(photo.image.name)


def test_a_deletion_is_recorded_with_who_and_why(client_as, xuanen_office, activity):
    client = client_as(xuanen_office)
    response = client.post(reverse("activities:delete", args=[activity.pk]), {"reason": "重复登记"})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    record = Activity.history.get(id=activity.pk, history_type="-")
    assert record.history_user == xuanen_office
    assert record.history_change_reason == "重复登记"
    html = client.get(reverse("activities:deleted")).content.decode()
    assert "重复登记" in html and xuanen_office.display_name in html


def test_a_deletion_reason_with_a_nul_byte_is_refused_with_a_message(client_as, xuanen_office, activity):
    # Refused at the edge (config/hygiene.py) before any form runs: a 400 page naming the field, in Chinese.
    response = client_as(xuanen_office).post(reverse("activities:delete", args=[activity.pk]), {"reason": "重复\x00登记"})
    assert response.status_code == 400
    assert "提交的内容有误：reason" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_an_overlong_deletion_reason_is_refused_not_cut(client_as, xuanen_office, activity):
    response = client_as(xuanen_office).post(reverse("activities:delete", args=[activity.pk]), {"reason": "原" * 101})
    assert response.status_code == 400
    assert response.context["form"]["reason"].value() == "原" * 101
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_forged_issue_count_does_not_build_thousands_of_rows(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, **{"issues-TOTAL_FORMS": "100000"})
    response = client_as(xuanen_staff).post(reverse("activities:visit"), data)
    assert response.status_code == 400  # the form again, saying how many rows it takes at most
    assert len(response.context["formset"].forms) <= 30
    assert not Activity.objects.exists()


@pytest.mark.embedded
def test_an_id_beyond_64_bits_is_an_invalid_choice_not_an_error(client_as, xuanen_staff, world, tree):
    # SQLite raised OverflowError on the pk__in lookup that validates a multiple choice.
    data = visit_data(tree, world, deputies=["99999999999999999999999999"], campaigns=["-99999999999999999999999"])
    response = client_as(xuanen_staff).post(reverse("activities:visit"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["deputies"] and form.errors["campaigns"]
    assert not Activity.objects.exists()


def test_the_deletion_record_is_scoped(client_as, xuanen_office, honghu_office, xuanen_staff, activity):
    client_as(xuanen_office).post(reverse("activities:delete", args=[activity.pk]), {"reason": "重复登记"})
    assert list(client_as(honghu_office).get(reverse("activities:deleted")).context["records"]) == []
    assert client_as(xuanen_staff).get(reverse("activities:deleted")).status_code == 404


# --- export -------------------------------------------------------------------------------------------


def test_the_export_has_chinese_headers_and_one_row_per_activity(client_as, xuanen_staff, activity, world, tree):
    ActivityFactory(region=tree.zhushan, created_by=xuanen_staff, type="training", person_times=45, deputies=[])
    response = client_as(xuanen_staff).get(reverse("activities:export"), {"type": "visit"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == LEDGER_HEADERS
    assert len(rows) == 2
    row = dict(zip(LEDGER_HEADERS, rows[1], strict=True))
    assert row["活动类型"] == "走访"
    assert row["乡镇"] == "珠山镇" and row["地点"] == "东门社区"
    assert row["参加代表"] == "田春梅、向明华"
    assert row["参加代表人数"] == 2
    assert row["走访农户数"] == 3
    assert row["代表行动"] == "察民情、聚民智、惠民生"
    assert row["联络站"] == "东门社区代表联络站"
    assert row["反映问题"] == "1. 村道破损"
    assert row["登记人"] == xuanen_staff.display_name


@pytest.mark.parametrize("rows", [2, 50])
def test_the_export_query_count_does_not_grow(client_as, xuanen_staff, world, tree, rows, django_assert_num_queries):
    make_many(rows, tree, world, xuanen_staff)
    client = client_as(xuanen_staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("activities:export"))
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == rows + 1


@pytest.mark.parametrize("rows", [2, 50])
def test_the_deletion_record_query_count_does_not_grow(client_as, xuanen_office, world, tree, rows, django_assert_num_queries):
    from activities import services

    make_many(rows, tree, world, xuanen_office)
    for activity in Activity.objects.all():
        services.activity_delete(actor=xuanen_office, activity=activity, reason="重复")
    client = client_as(xuanen_office)
    with django_assert_num_queries(4):
        response = client.get(reverse("activities:deleted"))
    assert len(response.context["records"]) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_picker_query_count_does_not_grow(client_as, xuanen_staff, tree, rows, django_assert_num_queries):
    from tests.factories.activities import ActivityDeputyFactory, ActivityGroupFactory

    deputies = [ActivityDeputyFactory(name=f"张{i}", region=tree.zhushan) for i in range(rows)]
    for i in range(min(rows, 10)):
        ActivityGroupFactory(name=f"张家小组{i}", region=tree.zhushan, members=deputies)
    client = client_as(xuanen_staff)
    with django_assert_num_queries(5):
        data = client.get(reverse("activities:deputy_search"), {"q": "张"}).json()
    assert len(data["deputies"]) == min(rows, 20)
    assert all(len(g["members"]) == rows for g in data["groups"])


def test_an_edit_keeps_the_issue_rows_a_suggestion_may_point_at(client_as, xuanen_staff, activity, world, tree):
    issue = activity.issues.get()
    data = edit_data(activity, tree, world, issues=[("村道破损（已核实）", world.deputies[:1]), ("新问题", [])])
    data["issues-0-id"] = str(issue.pk)
    assert client_as(xuanen_staff).post(reverse("activities:edit", args=[activity.pk]), data).status_code == 302
    texts = dict(activity.issues.values_list("pk", "text"))
    assert texts[issue.pk] == "村道破损（已核实）"
    assert sorted(texts.values()) == ["新问题", "村道破损（已核实）"]


def test_the_edit_form_carries_each_issue_rows_id(client_as, xuanen_staff, activity):
    html = client_as(xuanen_staff).get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert f'name="issues-0-id" value="{activity.issues.get().pk}"' in html


def test_department_handlers_see_no_activities(client_as, api_as, activity, tree):
    from tests.factories.accounts import UserFactory

    handler = UserFactory(role="department_handler", region=tree.xuanen)
    assert list(client_as(handler).get(reverse("activities:list")).context["activities"]) == []
    assert client_as(handler).get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert api_as(handler).get(f"/api/v1/activities/{activity.pk}/").status_code == 404
