import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityPhoto, Attendance, CampaignKind
from activities.views import draft_key
from tests.activities.conftest import png_upload
from tests.activities.helpers import tomorrow, visit_data
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
URL = "/activities/new/"


def post(client, data):
    return client.post(URL, data)


def test_the_visit_url_is_the_nav_entry():
    assert reverse("activities:visit") == URL


def test_it_fills_today_the_township_and_the_current_campaign(client_as, xuanen_staff, world, tree):
    response = client_as(xuanen_staff).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["date"] == timezone.localdate()
    assert form.initial["region"] == tree.zhushan.pk
    assert form.initial["campaigns"] == [world.mandated.pk]
    assert form.initial["type"] == "visit"


def test_it_offers_only_the_users_township_and_villages(client_as, xuanen_staff, world, tree):
    form = client_as(xuanen_staff).get(URL).context["form"]
    regions = set(form.fields["region"].queryset)
    assert regions == {tree.zhushan, tree.zhushan_village}
    assert world.outsider_deputy not in form.fields["deputies"].queryset
    assert world.outsider_station not in form.fields["station"].queryset
    assert world.outsider_group not in form.fields["group"].queryset


def test_the_form_page_carries_the_draft_hooks(client_as, xuanen_staff, world):
    html = client_as(xuanen_staff).get(URL).content.decode()
    assert f'data-draft-key="{draft_key(xuanen_staff)}"' in html
    assert 'data-draft-restore="1"' in html
    assert "data-draft-notice" in html and "data-draft-discard" in html
    assert "js/activities.js" in html
    assert "data-issue-template" in html and "data-deputy-search" in html


def test_it_saves_a_visit_with_deputies_households_issues_and_photos(client_as, xuanen_staff, world, tree):
    data = visit_data(
        tree,
        world,
        issues=[("村道破损，雨天难行", world.deputies[:2]), ("饮水管道老化", [world.deputies[2]])],
        photos=[png_upload("a.png"), png_upload("b.png")],
    )
    data["issues-TOTAL_FORMS"] = "3"  # a blank third row is skipped
    response = post(client_as(xuanen_staff), data)
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:detail", args=[activity.pk]) + "?saved=1"
    assert set(activity.deputies.all()) == set(world.deputies)
    assert activity.households_visited == 12
    assert activity.created_by == xuanen_staff
    assert list(activity.campaigns.all()) == [world.mandated]
    assert [i.text for i in activity.issues.all()] == ["村道破损，雨天难行", "饮水管道老化"]
    assert set(activity.issues.first().deputies.all()) == set(world.deputies[:2])
    assert activity.photos.count() == 2


def test_the_success_page_carries_the_clear_draft_marker(client_as, xuanen_staff, world, tree):
    client = client_as(xuanen_staff)
    response = client.post(URL, visit_data(tree, world), follow=True)
    html = response.content.decode()
    assert f'data-clear-draft="{draft_key(xuanen_staff)}"' in html
    assert "已保存履职活动" in html


def test_a_deputy_who_heard_an_issue_counts_as_attending(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, issues=[("路灯不亮", [world.deputies[2]])], deputies=[str(world.deputies[0].pk)])
    post(client_as(xuanen_staff), data)
    assert set(Activity.objects.get().deputies.all()) == {world.deputies[0], world.deputies[2]}


def test_it_refuses_a_future_date(client_as, xuanen_staff, world, tree):
    response = post(client_as(xuanen_staff), visit_data(tree, world, date=tomorrow()))
    assert response.status_code == 400
    assert "活动日期不能晚于今天" in response.content.decode()
    assert not Activity.objects.exists()


def test_it_refuses_negative_counts(client_as, xuanen_staff, world, tree):
    response = post(client_as(xuanen_staff), visit_data(tree, world, households_visited="-3", people_reached="-1"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["households_visited"] == ["数量不能为负数。"]
    assert errors["people_reached"] == ["数量不能为负数。"]
    assert not Activity.objects.exists()


def test_it_refuses_a_deputy_from_another_county(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, deputies=[str(world.deputies[0].pk), str(world.outsider_deputy.pk)])
    response = post(client_as(xuanen_staff), data)
    assert response.status_code == 400
    assert "不在本辖区内" in response.context["form"].errors["deputies"][0]
    assert not Activity.objects.exists()
    assert not Attendance.objects.exists()


def test_it_refuses_an_issue_heard_by_a_deputy_from_another_county(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, issues=[("问题", [world.outsider_deputy])])
    response = post(client_as(xuanen_staff), data)
    assert response.status_code == 400
    assert "不在本辖区内" in response.content.decode()
    assert not Activity.objects.exists()


def test_it_refuses_a_station_and_group_from_another_county(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, station=str(world.outsider_station.pk), group=str(world.outsider_group.pk))
    response = post(client_as(xuanen_staff), data)
    errors = response.context["form"].errors
    assert errors["station"] == ["联络站不在本辖区内。"]
    assert errors["group"] == ["代表小组不在本辖区内。"]
    assert not Activity.objects.exists()


def test_it_refuses_a_region_outside_the_users_township(client_as, xuanen_staff, world, tree):
    response = post(client_as(xuanen_staff), visit_data(tree, world, region=str(tree.jiaoyuan.pk)))
    assert response.context["form"].errors["region"] == ["活动地点不在本辖区内。"]


def test_it_refuses_a_script_posing_as_a_photo(client_as, xuanen_staff, world, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = post(client_as(xuanen_staff), visit_data(tree, world, photos=[png_upload(), fake]))
    assert response.status_code == 400
    assert "文件类型不支持" in response.context["form"].errors["photos"][0]
    assert not Activity.objects.exists()
    assert not ActivityPhoto.objects.exists()


def test_it_refuses_a_photo_over_the_size_limit(client_as, xuanen_staff, world, tree, settings):
    settings.UPLOAD_MAX_BYTES = 50
    response = post(client_as(xuanen_staff), visit_data(tree, world, photos=[png_upload()]))
    assert "文件过大" in response.context["form"].errors["photos"][0]


def test_it_needs_at_least_one_deputy_for_a_visit(client_as, xuanen_staff, world, tree):
    response = post(client_as(xuanen_staff), visit_data(tree, world, deputies=[]))
    assert response.context["form"].errors["deputies"] == ["请至少选择一位参加代表。"]


def test_it_keeps_everything_typed_when_it_refuses(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, date=tomorrow(), issues=[("村道破损，雨天难行", world.deputies[:1])])
    response = post(client_as(xuanen_staff), data)
    html = response.content.decode()
    assert 'data-draft-restore="0"' in html  # the server's copy wins over the browser draft
    assert "走访东门社区农户，了解饮水情况。" in html
    assert "村道破损，雨天难行" in html
    assert 'value="12"' in html and 'value="30"' in html
    assert f'value="{tomorrow()}"' in html
    for deputy in world.deputies:
        assert f'value="{deputy.pk}" class="js-deputy-box" id' in html or f'value="{deputy.pk}"' in html
    form = response.context["form"]
    assert [str(d) for d in form["deputies"].value()] == [str(d.pk) for d in world.deputies]
    assert form["station"].value() == str(world.station.pk)


def test_a_deputy_or_handler_cannot_open_the_visit_form(client_as, tree, world):
    deputy_user = UserFactory(role="deputy", region=tree.zhushan)
    assert client_as(deputy_user).get(URL).status_code == 404
    assert client_as(deputy_user).post(URL, visit_data(tree, world)).status_code == 404
    assert not Activity.objects.exists()


def test_an_outsider_cannot_log_into_another_county(client_as, honghu_staff, world, tree):
    response = client_as(honghu_staff).post(URL, visit_data(tree, world))
    assert response.status_code == 400
    assert not Activity.objects.exists()


# --- the picker's endpoint -----------------------------------------------------------------------


def search(client, q):
    return client.get(reverse("activities:deputy_search"), {"q": q}).json()


def test_the_picker_finds_deputies_by_pinyin_initials(client_as, xuanen_staff, world):
    data = search(client_as(xuanen_staff), "xmh")
    assert [d["name"] for d in data["deputies"]] == ["向明华"]


def test_the_picker_finds_deputies_by_name(client_as, xuanen_staff, world):
    data = search(client_as(xuanen_staff), "春梅")
    assert [d["name"] for d in data["deputies"]] == ["田春梅"]


def test_the_picker_offers_whole_groups_with_their_members(client_as, xuanen_staff, world):
    data = search(client_as(xuanen_staff), "第一")
    assert [g["name"] for g in data["groups"]] == ["珠山镇第一代表小组"]
    assert {m["id"] for m in data["groups"][0]["members"]} == {d.pk for d in world.deputies[:2]}


def test_the_picker_never_shows_another_countys_deputies(client_as, xuanen_staff, honghu_staff, world):
    assert search(client_as(xuanen_staff), "lhh")["deputies"] == []
    assert search(client_as(xuanen_staff), "峰口")["groups"] == []
    assert search(client_as(honghu_staff), "xmh")["deputies"] == []
    assert search(client_as(honghu_staff), "")["groups"][0]["name"] == "峰口镇代表小组"


def test_the_picker_includes_group_members_living_elsewhere(client_as, xuanen_staff, world, tree):
    from deputies.models import Membership
    from tests.factories.activities import ActivityDeputyFactory

    county_deputy = ActivityDeputyFactory(name="杨县城", region=tree.jiaoyuan)
    Membership.objects.create(group=world.group, deputy=county_deputy)
    assert [d["name"] for d in search(client_as(xuanen_staff), "杨县城")["deputies"]] == ["杨县城"]


def test_empty_counts_mean_none(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, households_visited="", enterprises_visited="", person_times="")
    assert post(client_as(xuanen_staff), data).status_code == 302
    activity = Activity.objects.get()
    assert (activity.households_visited, activity.enterprises_visited, activity.person_times) == (0, 0, 0)


def test_a_large_scope_lists_only_the_chosen_deputies_but_accepts_any(client_as, xuanen_staff, world, tree, monkeypatch):
    monkeypatch.setattr("activities.forms.LISTED_DEPUTIES_LIMIT", 2)
    client = client_as(xuanen_staff)
    html = client.get(URL).content.decode()
    assert "本辖区代表较多" in html
    assert 'name="deputies"' not in html
    response = post(client, visit_data(tree, world, date="2999-01-01"))
    listed = response.content.decode().count('name="deputies"')
    assert listed == len(world.deputies)
    assert post(client, visit_data(tree, world)).status_code == 302
    assert set(Activity.objects.get().deputies.all()) == set(world.deputies)


def test_former_group_members_are_not_offered(client_as, xuanen_staff, world, tree):
    import datetime

    from deputies.models import Membership
    from tests.factories.activities import ActivityDeputyFactory

    left = ActivityDeputyFactory(name="龚离开", region=tree.jiaoyuan)
    Membership.objects.create(group=world.group, deputy=left, end_date=timezone.localdate() - datetime.timedelta(days=1))
    client = client_as(xuanen_staff)
    assert search(client, "龚离开")["deputies"] == []
    members = search(client, "第一")["groups"][0]["members"]
    assert left.pk not in {m["id"] for m in members}


# --- one save: what it reads and writes, and what it still refuses -------------------------------


def _issue_rows(world, n):
    return [(f"问题{i}", world.deputies[i % 3 : i % 3 + 2]) for i in range(n)]


@pytest.mark.parametrize("issues", [1, 6])
def test_a_visit_save_reads_the_chosen_deputies_once_and_writes_each_table_once(
    client_as, xuanen_staff, world, tree, issues, django_assert_num_queries
):
    # given a clerk already logged in
    client = client_as(xuanen_staff)
    client.get(URL)
    data = visit_data(tree, world, issues=_issue_rows(world, issues), photos=[png_upload("a.png"), png_upload("b.png")])
    # when the visit is saved: session, user, the user's region; the form's region, campaigns,
    # station, group and the deputies chosen anywhere on it (once, for the form and the service);
    # the service's check of station and group; the check for the same visit saved already;
    # savepoint, activity, its history row, campaigns, attendance, issues, the issues' deputies,
    # photos, release
    with django_assert_num_queries(19):
        response = post(client, data)
    # then
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.issues.count() == issues
    assert activity.photos.count() == 2
    assert {d.pk for d in activity.issues.first().deputies.all()} == {d.pk for d in world.deputies[:2]}


def test_the_benchmarks_visit_costs_thirteen_queries(client_as, xuanen_staff, world, tree, django_assert_num_queries):
    # given the visit the province benchmark posts: the clerk's own township, no station or group
    client = client_as(xuanen_staff)
    client.get(URL)
    data = visit_data(tree, world, issues=_issue_rows(world, 1), region=str(tree.zhushan.pk), station="", group="")
    # when: session, user, the user's region (which is also the place: not read again), campaigns,
    # deputies; the check for the same visit saved already; savepoint, activity, history,
    # campaigns, attendance, issue, its deputies, release
    with django_assert_num_queries(13):
        response = post(client, data)
    # then
    assert response.status_code == 302
    assert Activity.objects.get().region == tree.zhushan


def _field_error(pk) -> list[str]:
    return [f"代表 {pk} 不在本辖区内，不能选择。"]


def test_an_outside_deputy_is_named_in_the_deputies_fields_own_message(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, deputies=[str(world.deputies[0].pk), str(world.outsider_deputy.pk)])
    response = post(client_as(xuanen_staff), data)
    assert response.status_code == 400
    assert response.context["form"].errors["deputies"] == _field_error(world.outsider_deputy.pk)


def test_an_issue_rows_outside_deputy_is_named_in_that_rows_message(client_as, xuanen_staff, world, tree):
    data = visit_data(tree, world, issues=[("路灯不亮", world.deputies[:1]), ("水管漏水", [world.outsider_deputy])])
    response = post(client_as(xuanen_staff), data)
    assert response.status_code == 400
    rows = response.context["formset"].forms
    assert rows[0].errors == {}
    assert rows[1].errors["deputies"] == _field_error(world.outsider_deputy.pk)
    assert not Activity.objects.exists()


def test_an_inactive_or_unknown_deputy_is_refused(client_as, xuanen_staff, world, tree):
    from tests.factories.activities import ActivityDeputyFactory

    retired = ActivityDeputyFactory(name="周退休", region=tree.zhushan, active=False)
    client = client_as(xuanen_staff)
    for pk in [retired.pk, 987654]:
        response = post(client, visit_data(tree, world, deputies=[str(world.deputies[0].pk), str(pk)]))
        assert response.context["form"].errors["deputies"] == _field_error(pk)
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999"])
def test_a_malformed_deputy_id_is_a_form_error_not_a_crash(client_as, xuanen_staff, world, tree, value):
    response = post(client_as(xuanen_staff), visit_data(tree, world, issues=[("问题", [])], **{"issues-0-deputies": [value]}))
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["deputies"]
    assert not Activity.objects.exists()


def test_a_deputy_id_with_a_nul_byte_is_refused_at_the_edge_naming_the_field(client_as, xuanen_staff, world, tree):
    response = post(client_as(xuanen_staff), visit_data(tree, world, issues=[("问题", [])], **{"issues-0-deputies": ["1\x00"]}))
    assert response.status_code == 400
    assert "提交的内容有误：issues-0-deputies" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_group_member_living_elsewhere_attends_but_a_former_member_is_refused(client_as, xuanen_staff, world, tree):
    import datetime

    from deputies.models import Membership
    from tests.factories.activities import ActivityDeputyFactory

    member = ActivityDeputyFactory(name="杨县城", region=tree.jiaoyuan)
    former = ActivityDeputyFactory(name="龚离开", region=tree.jiaoyuan)
    Membership.objects.create(group=world.group, deputy=member)
    Membership.objects.create(group=world.group, deputy=former, end_date=timezone.localdate() - datetime.timedelta(days=1))
    client = client_as(xuanen_staff)

    response = post(client, visit_data(tree, world, deputies=[str(member.pk), str(former.pk)]))
    assert response.context["form"].errors["deputies"] == _field_error(former.pk)

    response = post(client, visit_data(tree, world, deputies=[str(world.deputies[0].pk)], issues=[("问题", [member])]))
    assert response.status_code == 302
    assert set(Activity.objects.get().deputies.all()) == {world.deputies[0], member}


def test_a_campaign_the_township_does_not_see_is_refused(client_as, xuanen_staff, world, tree):
    from tests.factories.activities import CampaignFactory

    neighbour = CampaignFactory(region=tree.jiaoyuan, kind=CampaignKind.SELF_CHOSEN, title="椒园镇茶园行动")
    response = post(client_as(xuanen_staff), visit_data(tree, world, campaigns=[str(neighbour.pk)]))
    assert response.status_code == 400
    assert response.context["form"].errors["campaigns"] == [f"代表行动 {neighbour.pk} 不适用于本辖区。"]
    assert not Activity.objects.exists()


def test_an_office_cannot_count_a_visit_under_a_township_campaign_elsewhere(client_as, xuanen_office, world, tree):
    from tests.factories.activities import CampaignFactory

    neighbour = CampaignFactory(region=tree.jiaoyuan, kind=CampaignKind.SELF_CHOSEN, title="椒园镇茶园行动")
    response = post(client_as(xuanen_office), visit_data(tree, world, campaigns=[str(neighbour.pk)]))
    assert response.status_code == 400
    assert response.context["form"].errors["campaigns"] == ["所选代表行动不覆盖该活动地点。"]
    assert not Activity.objects.exists()


def test_the_service_does_not_take_another_users_word_for_the_deputies(xuanen_staff, honghu_staff, world, tree):
    from django.core.exceptions import ValidationError

    from activities import selectors, services

    # given a check made for the other county's clerk, who may choose their own deputy
    theirs = selectors.DeputiesInScope(honghu_staff)
    assert set(theirs.among({world.outsider_deputy.pk})) == {world.outsider_deputy.pk}
    data = services.ActivityInput(
        type="visit",
        date=timezone.localdate(),
        region=tree.zhushan,
        deputies=[world.outsider_deputy],
        issues=[services.IssueInput(text="问题", deputies=[world.outsider_deputy])],
        deputy_scope=theirs,
    )
    # when this township's clerk saves with it, then the deputy is checked for this clerk
    with pytest.raises(ValidationError) as refused:
        services.activity_create(actor=xuanen_staff, data=data)
    assert refused.value.message_dict["deputies"] == ["所选代表不在本辖区内。"]
    assert refused.value.message_dict["issues"] == ["听取问题的代表不在本辖区内。"]
    assert not Activity.objects.exists()


# --- drawing the form: the list of deputies to tick ----------------------------------------------


def _listed(response) -> set[int]:
    return {int(value) for value, _label in response.context["form"].fields["deputies"].widget.choices}


def test_the_list_offers_exactly_the_deputies_the_township_may_choose(client_as, xuanen_staff, world, tree):
    import datetime

    from deputies.models import Membership
    from liaison_stations.models import StationAssignment
    from tests.factories.activities import ActivityDeputyFactory

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    member = ActivityDeputyFactory(name="杨县城", region=tree.jiaoyuan)
    at_station = ActivityDeputyFactory(name="冯驻站", region=tree.jiaoyuan)
    former = ActivityDeputyFactory(name="龚离开", region=tree.jiaoyuan)
    left_station = ActivityDeputyFactory(name="包离站", region=tree.jiaoyuan)
    retired = ActivityDeputyFactory(name="周退休", region=tree.zhushan, active=False)
    Membership.objects.create(group=world.group, deputy=member)
    Membership.objects.create(group=world.group, deputy=former, end_date=yesterday)
    StationAssignment.objects.create(station=world.station, deputy=at_station)
    StationAssignment.objects.create(station=world.station, deputy=left_station, end_date=yesterday)
    Membership.objects.create(group=world.group, deputy=retired)
    StationAssignment.objects.create(station=world.station, deputy=retired)

    response = client_as(xuanen_staff).get(URL)

    assert _listed(response) == {d.pk for d in world.deputies} | {member.pk, at_station.pk}
    assert _listed(response) == set(response.context["form"].fields["deputies"].queryset.values_list("pk", flat=True))


def test_a_scope_over_the_limit_only_when_its_groups_are_counted_lists_only_the_chosen(
    client_as, xuanen_staff, world, tree, monkeypatch
):
    from deputies.models import Membership
    from tests.factories.activities import ActivityDeputyFactory

    # three deputies live in the township, a fourth only attends its group: four choices, limit three
    Membership.objects.create(group=world.group, deputy=ActivityDeputyFactory(name="杨县城", region=tree.jiaoyuan))
    monkeypatch.setattr("activities.forms.LISTED_DEPUTIES_LIMIT", 3)
    response = client_as(xuanen_staff).get(URL)
    assert "本辖区代表较多" in response.content.decode()
    assert _listed(response) == set()


@pytest.mark.parametrize("deputies", [3, 30])
def test_drawing_the_form_reads_the_deputies_once_however_many(client_as, xuanen_staff, world, tree, deputies, django_assert_num_queries):
    from tests.factories.activities import ActivityDeputyFactory

    ActivityDeputyFactory.create_batch(deputies - 3, region=tree.zhushan_village)
    client = client_as(xuanen_staff)
    client.get(URL)
    # session, user, the user's region; the default place and campaign; regions, campaigns, stations
    # and groups to choose from; the deputies (living there, in its groups, at its stations) and
    # their names, once for the form and its issue rows
    with django_assert_num_queries(12):
        response = client.get(URL)
    assert len(_listed(response)) == deputies
