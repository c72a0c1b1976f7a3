"""Hot issues on the province and city dashboards: the panel of the dashboard's campaign, and the
list of one cluster's suggestions — scoped to the dashboard's region, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from residents.models import HotIssue
from suggestions.models import Status
from tests.factories.accounts import UserFactory
from tests.factories.dashboards import DashDeputyFactory, DashSuggestionFactory
from tests.factories.liaison_stations import StationFactory
from tests.factories.residents import ResidentMessageFactory

pytestmark = pytest.mark.django_db
# One weekly run: every cluster it writes carries the same time.
THIS_RUN = timezone.now()


@pytest.fixture
def enshi_office(tree):
    return UserFactory(username="enshi-office", role=Role.CONGRESS_OFFICE, region=tree.enshi)


def _cluster(region, label, *, campaign=None, computed_at=None, size=6, suggestions=(), messages=(), **fields) -> HotIssue:
    issue = HotIssue.objects.create(
        computed_at=computed_at or THIS_RUN,
        campaign=campaign,
        scope_prefix=region.prefix,
        label=label,
        terms=label.split("、"),
        size=size,
        suggestion_count=fields.pop("suggestion_count", len(suggestions)),
        message_count=fields.pop("message_count", len(messages)),
        **fields,
    )
    issue.suggestions.set(suggestions)
    issue.messages.set(messages)
    return issue


def _suggestions(region, n, **kw):
    deputy = DashDeputyFactory(region=region)
    return DashSuggestionFactory.create_batch(n, region=region, lead_deputy=deputy, **kw)


def _hot_labels(response) -> list[str]:
    return [row["label"] for row in response.context["hot"]["rows"]]


def test_the_province_dashboard_shows_the_latest_clusters_of_its_campaign(tree, provincial, campaign, client_as):
    # given last week's and this week's runs for the campaign, a run over the year, and a city's run
    week_ago = THIS_RUN - dt.timedelta(days=7)
    _cluster(tree.province, "上周、路灯", campaign=campaign, computed_at=week_ago)
    lights = _cluster(
        tree.province,
        "路灯、照明",
        campaign=campaign,
        size=9,
        suggestion_count=7,
        message_count=2,
        regions={tree.xuanen.prefix: 6, tree.honghu.prefix: 3},
        categories={"urban_management": 5, "utilities": 2},
        answered_count=4,
        satisfied_count=3,
        rated_count=4,
    )
    _cluster(tree.province, "自来水、浑浊", campaign=campaign, size=5)
    _cluster(tree.province, "全年、路灯")
    _cluster(tree.enshi, "恩施州、路灯", campaign=campaign)

    # when the provincial office opens the province's dashboard (the campaign is the current one)
    response = client_as(provincial).get(f"/dashboard/{tree.province.code}/")

    # then the panel lists this week's clusters of the campaign, largest first, and nothing else
    assert _hot_labels(response) == ["路灯、照明", "自来水、浑浊"]
    row = response.context["hot"]["rows"][0]
    assert row["regions"] == ["宣恩县", "洪湖市"]
    assert row["categories"] == ["城市管理", "电力与通信"]
    assert (row["size"], row["suggestions"], row["messages"]) == (9, 7, 2)
    assert row["answered_display"] == "57.1%" and row["satisfaction_display"] == "75.0%"
    page = response.content.decode()
    assert f'href="/dashboard/{tree.province.code}/hot/{lights.pk}/?campaign={campaign.pk}"' in page
    assert "恩施州、路灯" not in page and "上周、路灯" not in page and "全年、路灯" not in page


def test_all_campaigns_show_the_run_over_the_last_year(tree, provincial, campaign, client_as):
    _cluster(tree.province, "路灯、照明", campaign=campaign)
    _cluster(tree.province, "全年、路灯")
    response = client_as(provincial).get(f"/dashboard/{tree.province.code}/?campaign=all")
    assert _hot_labels(response) == ["全年、路灯"]


def test_a_campaign_with_no_run_says_so(tree, provincial, campaign, client_as):
    response = client_as(provincial).get(f"/dashboard/{tree.province.code}/")
    assert response.context["hot"]["rows"] == []
    assert "本代表行动暂无热点问题" in response.content.decode()


@pytest.mark.parametrize("viewer", ["provincial", "enshi_office"])
def test_a_city_dashboard_shows_the_citys_own_run(tree, campaign, client_as, viewer, request):
    _cluster(tree.enshi, "恩施州、路灯", campaign=campaign)
    _cluster(tree.jingzhou, "荆州市、渍水", campaign=campaign)
    _cluster(tree.province, "全省、路灯", campaign=campaign)
    response = client_as(request.getfixturevalue(viewer)).get(f"/dashboard/{tree.enshi.code}/")
    assert _hot_labels(response) == ["恩施州、路灯"]


def test_county_and_township_dashboards_have_no_panel(tree, xuanen_office, campaign, client_as):
    _cluster(tree.province, "全省、路灯", campaign=campaign)
    for region in (tree.xuanen, tree.zhushan):
        response = client_as(xuanen_office).get(f"/dashboard/{region.code}/")
        assert response.status_code == 200
        assert response.context["hot"] is None
        assert 'id="hot-issues"' not in response.content.decode()


def test_a_cluster_opens_the_list_of_its_suggestions_and_messages(tree, provincial, campaign, client_as):
    xuanen = _suggestions(tree.zhushan, 2, campaign=campaign, status=Status.ANSWERED)
    honghu = _suggestions(tree.fengkou, 1, campaign=campaign)
    elsewhere = _suggestions(tree.jiaoyuan, 1, campaign=campaign, title="不在本问题中的建议")
    message = ResidentMessageFactory(
        station=StationFactory(region=tree.zhushan), text="背街小巷路灯不亮，晚上出行不安全。", name="王大妈", phone="13900001111"
    )
    issue = _cluster(tree.province, "路灯、照明", campaign=campaign, suggestions=xuanen + honghu, messages=[message])

    response = client_as(provincial).get(f"/dashboard/{tree.province.code}/hot/{issue.pk}/?campaign={campaign.pk}")

    assert response.status_code == 200
    assert response.context["count"] == 3
    page = response.content.decode()
    for s in xuanen + honghu:
        assert f'href="/suggestions/{s.pk}/"' in page
    assert elsewhere[0].title not in page
    assert message.text in page
    # A dashboard never shows the resident's name or phone.
    assert "王大妈" not in page and "13900001111" not in page


def test_a_city_cluster_opens_on_the_city_dashboard_only(tree, provincial, enshi_office, campaign, client_as):
    city = _cluster(tree.enshi, "恩施州、路灯", campaign=campaign, suggestions=_suggestions(tree.zhushan, 1, campaign=campaign))
    province = _cluster(tree.province, "全省、路灯", campaign=campaign)
    client = client_as(provincial)
    assert client.get(f"/dashboard/{tree.enshi.code}/hot/{city.pk}/").status_code == 200
    # The same cluster under another region's dashboard is not found.
    assert client.get(f"/dashboard/{tree.province.code}/hot/{city.pk}/").status_code == 404
    assert client.get(f"/dashboard/{tree.jingzhou.code}/hot/{city.pk}/").status_code == 404
    # The city office opens its own city's cluster, and neither the province's page nor its clusters.
    city_client = client_as(enshi_office)
    assert city_client.get(f"/dashboard/{tree.enshi.code}/hot/{city.pk}/").status_code == 200
    assert city_client.get(f"/dashboard/{tree.province.code}/hot/{province.pk}/").status_code == 404
    assert city_client.get(f"/dashboard/{tree.enshi.code}/hot/{province.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["xuanen_office", "xuanen_staff", "honghu_office"])
def test_county_and_township_users_get_404_on_a_cluster(tree, campaign, client_as, persona, request):
    city = _cluster(tree.enshi, "恩施州、路灯", campaign=campaign)
    province = _cluster(tree.province, "全省、路灯", campaign=campaign)
    client = client_as(request.getfixturevalue(persona))
    assert client.get(f"/dashboard/{tree.enshi.code}/hot/{city.pk}/").status_code == 404
    assert client.get(f"/dashboard/{tree.province.code}/hot/{province.pk}/").status_code == 404
    # Not even under their own region's dashboard.
    own = request.getfixturevalue(persona).region
    assert client.get(f"/dashboard/{own.code}/hot/{city.pk}/").status_code == 404


def test_a_cluster_lists_only_the_suggestions_inside_the_viewers_scope(tree, enshi_office, campaign, client_as):
    # A city's cluster holds only the city's suggestions; were one of another city's in it, the city
    # office still would not see it.
    own = _suggestions(tree.zhushan, 1, campaign=campaign)
    foreign = _suggestions(tree.fengkou, 1, campaign=campaign, title="荆州市的建议")
    issue = _cluster(tree.enshi, "恩施州、路灯", campaign=campaign, suggestions=own + foreign)
    response = client_as(enshi_office).get(f"/dashboard/{tree.enshi.code}/hot/{issue.pk}/")
    assert response.context["count"] == 1
    assert "荆州市的建议" not in response.content.decode()


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_panel_needs_as_many_queries_for_ten_clusters_as_for_one(tree, provincial, campaign, client_as, django_assert_num_queries):
    client = client_as(provincial)
    url = f"/dashboard/{tree.province.code}/"
    _cluster(tree.province, "路灯、照明", campaign=campaign, regions={tree.xuanen.prefix: 3}, categories={"transport": 3})
    client.get(url)
    small = _queries(client, url)
    for n in range(12):
        _cluster(tree.province, f"问题{n}", campaign=campaign, regions={tree.xuanen.prefix: 2, tree.honghu.prefix: 1},
                 categories={"water": 2, "transport": 1})
    cache.clear()
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["hot"]["rows"]) == 10


def test_the_cluster_list_needs_as_many_queries_for_50_suggestions_as_for_2(
    tree, provincial, campaign, client_as, django_assert_num_queries
):
    client = client_as(provincial)
    station = StationFactory(region=tree.zhushan)
    issue = _cluster(tree.province, "路灯、照明", campaign=campaign, suggestions=_suggestions(tree.zhushan, 2, campaign=campaign),
                     messages=ResidentMessageFactory.create_batch(2, station=station))
    url = f"/dashboard/{tree.province.code}/hot/{issue.pk}/"
    client.get(url)
    small = _queries(client, url)
    issue.suggestions.add(*_suggestions(tree.fengkou, 48, campaign=campaign))
    issue.messages.add(*ResidentMessageFactory.create_batch(30, station=station))
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.context["count"] == 50 and response.context["message_count"] == 32
