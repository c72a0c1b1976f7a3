"""Hot issues: the weekly clustering, the offices' page, the API and the export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from residents.clustering import compute_all
from residents.models import HotIssue
from suggestions.models import Status
from tests.factories.dashboards import DashCampaignFactory
from tests.factories.residents import ResidentMessageFactory
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db

LIGHTS = [
    "关于{p}背街小巷增设路灯的建议：小巷没有路灯，夜间出行摔倒，恳请安装照明路灯。",
    "关于{p}路灯损坏不亮的建议：路灯坏了很久没人修，晚上一片漆黑，请维修路灯。",
    "关于完善{p}夜间照明路灯的建议：夜里没有路灯照明，老人孩子出行不安全。",
]
WATER = [
    "关于{p}自来水浑浊的建议：下雨后自来水发黄浑浊不能饮用，请改造水厂净化消毒设施。",
    "关于{p}饮水安全的建议：自来水水质差，一下雨就浑浊发黄，要求水厂升级过滤消毒。",
    "关于{p}水厂改造的建议：水龙头流出的自来水浑浊发黄，无法饮用，请升级水厂。",
]


@pytest.fixture
def clustered(voice, tree):
    for place, region in [("珠山镇", tree.zhushan), ("椒园镇", tree.jiaoyuan), ("峰口镇", tree.fengkou)]:
        for template in LIGHTS + WATER:
            SuggestionFactory(title=template.format(p=place).split("：")[0], content=template.format(p=place), region=region,
                              lead_deputy=voice.deputy, status=Status.ANSWERED)
    ResidentMessageFactory(station=voice.station, text="东门社区巷子里路灯坏了，晚上没有照明，出行不安全，请维修路灯。")
    compute_all()
    return HotIssue.objects.all()


def test_the_weekly_run_groups_the_same_matter_across_counties(clustered, tree):
    province = clustered.filter(scope_prefix=tree.province.prefix)
    lights = next(i for i in province if "路灯" in i.terms)
    water = next(i for i in province if "自来水" in i.terms or "浑浊" in i.terms)
    assert lights.pk != water.pk
    assert lights.size >= 6 and set(lights.regions) == {tree.xuanen.prefix, tree.honghu.prefix}
    assert lights.message_count == 1 and lights.answered_count == lights.suggestion_count
    assert not set(lights.suggestions.values_list("pk", flat=True)) & set(water.suggestions.values_list("pk", flat=True))


def test_the_provincial_office_sees_the_clusters_and_opens_one(client_as, clustered, provincial):
    client = client_as(provincial)
    page = client.get(reverse("residents:hot_issues")).content.decode()
    issue = clustered.filter(scope_prefix="42").first()
    assert reverse("residents:hot_detail", args=[issue.pk]) in page
    detail = client.get(reverse("residents:hot_detail", args=[issue.pk])).content.decode()
    assert reverse("suggestions:detail", args=[issue.suggestions.first().pk]) in detail


def test_a_city_office_sees_only_its_city_run(client_as, api_as, clustered, voice, tree):
    city_issue = clustered.filter(scope_prefix=tree.enshi.prefix).first()
    province_issue = clustered.filter(scope_prefix=tree.province.prefix).first()
    assert city_issue is not None
    assert set(city_issue.regions) == {tree.xuanen.prefix}
    client = client_as(voice.city_office)
    assert client.get(reverse("residents:hot_detail", args=[city_issue.pk])).status_code == 200
    assert client.get(reverse("residents:hot_detail", args=[province_issue.pk])).status_code == 404
    ids = {row["id"] for row in api_as(voice.city_office).get("/api/v1/hot-issues/").json()["results"]}
    assert city_issue.pk in ids and province_issue.pk not in ids


@pytest.mark.parametrize("persona", ["xuanen_office", "xuanen_staff", "honghu_office"])
def test_county_and_township_users_get_404(client_as, api_as, clustered, persona, request):
    user = request.getfixturevalue(persona)
    issue = clustered.first()
    assert client_as(user).get(reverse("residents:hot_detail", args=[issue.pk])).status_code == 404
    assert api_as(user).get(f"/api/v1/hot-issues/{issue.pk}/").status_code == 404
    assert api_as(user).get("/api/v1/hot-issues/").json()["count"] == 0


def test_the_export_is_an_xlsx_of_the_clusters(client_as, clustered, provincial):
    import io

    from openpyxl import load_workbook

    response = client_as(provincial).get(reverse("residents:hot_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][1] == "关键词" and len(rows) == 1 + clustered.filter(scope_prefix="42").count()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_hot_issue_list_query_count_does_not_grow(client_as, api_as, provincial, django_assert_num_queries, rows):
    from django.utils import timezone

    now = timezone.now()
    for i in range(rows):
        HotIssue.objects.create(computed_at=now, scope_prefix="42", label=f"问题{i}", terms=[f"问题{i}"], size=i + 3)
    client = client_as(provincial)
    client.get(reverse("residents:hot_issues"))
    with django_assert_num_queries(4):
        assert client.get(reverse("residents:hot_issues")).status_code == 200
    with django_assert_num_queries(2):  # the list ends on its page: counted without a COUNT query
        assert api_as(provincial).get("/api/v1/hot-issues/").status_code == 200


def test_the_weekly_run_also_clusters_each_campaign_under_way(voice, tree, client_as, provincial):
    # given this year's campaign (set by the province) and last year's, each with its suggestions
    current = DashCampaignFactory(region=tree.province)
    past = DashCampaignFactory(region=tree.province, year=current.year - 1, start_date=current.start_date - dt.timedelta(days=400),
                               end_date=current.start_date - dt.timedelta(days=200))
    for place, region in [("珠山镇", tree.zhushan), ("椒园镇", tree.jiaoyuan), ("峰口镇", tree.fengkou)]:
        for template in LIGHTS:
            SuggestionFactory(title=template.format(p=place).split("：")[0], content=template.format(p=place), region=region,
                              lead_deputy=voice.deputy, status=Status.ANSWERED, campaign=current)
        for template in WATER:
            SuggestionFactory(title=template.format(p=place).split("：")[0], content=template.format(p=place), region=region,
                              lead_deputy=voice.deputy, status=Status.ANSWERED, campaign=past)

    # when the weekly run goes
    compute_all()

    # then the province and each city have a run for the current campaign holding only its matters
    runs = HotIssue.objects.filter(campaign=current)
    assert set(runs.values_list("scope_prefix", flat=True)) == {tree.province.prefix, tree.enshi.prefix, tree.jingzhou.prefix}
    province = runs.filter(scope_prefix=tree.province.prefix)
    assert province and all("路灯" in issue.terms for issue in province)
    assert not HotIssue.objects.filter(campaign=past).exists()
    # the run over the year (the offices' hot-issue page) is still written, with both matters
    year = HotIssue.objects.filter(campaign__isnull=True, scope_prefix=tree.province.prefix)
    assert any("路灯" in i.terms for i in year) and any("自来水" in i.terms or "浑浊" in i.terms for i in year)
    # and the province's dashboard shows the campaign's run
    response = client_as(provincial).get(f"/dashboard/{tree.province.code}/?campaign={current.pk}")
    assert [row["pk"] for row in response.context["hot"]["rows"]] == list(province.order_by("-size", "id").values_list("pk", flat=True))
