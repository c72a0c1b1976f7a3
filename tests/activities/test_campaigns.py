import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Campaign, CampaignKind
from activities.selectors import campaigns_for, current_campaign
from tests.factories.activities import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_mandated_campaign_is_current_everywhere_below_the_province(world, xuanen_staff, honghu_staff, provincial):
    assert current_campaign(xuanen_staff) == world.mandated
    assert current_campaign(honghu_staff) == world.mandated
    assert current_campaign(provincial) == world.mandated


def test_a_self_chosen_campaign_is_current_only_in_its_subtree(tree, xuanen_staff, honghu_staff):
    own = CampaignFactory(region=tree.xuanen, kind=CampaignKind.SELF_CHOSEN, title="宣恩自选")
    assert current_campaign(xuanen_staff) == own
    assert current_campaign(honghu_staff) is None


def test_a_finished_campaign_is_not_current(tree, xuanen_staff):
    today = timezone.localdate()
    CampaignFactory(region=tree.province, start_date=today - datetime.timedelta(days=300), end_date=today - datetime.timedelta(days=1))
    assert current_campaign(xuanen_staff) is None


def test_an_office_sees_the_campaigns_its_townships_chose(tree, world, xuanen_office, honghu_office):
    township_theme = CampaignFactory(region=tree.zhushan, kind=CampaignKind.SELF_CHOSEN, title="珠山镇自选")
    assert township_theme in campaigns_for(xuanen_office)
    assert township_theme not in campaigns_for(honghu_office)
    assert set(campaigns_for(honghu_office)) == {world.mandated}


def test_an_office_creates_a_campaign_from_the_page(client_as, xuanen_office, tree):
    today = timezone.localdate()
    data = {
        "year": today.year,
        "title": "宣恩县助企纾困",
        "kind": "self_chosen",
        "region": str(tree.xuanen.pk),
        "start_date": today.isoformat(),
        "end_date": (today + datetime.timedelta(days=30)).isoformat(),
        "description": "",
    }
    response = client_as(xuanen_office).post(reverse("activities:campaign_new"), data)
    assert response.status_code == 302
    assert Campaign.objects.get().title == "宣恩县助企纾困"


def test_the_campaign_form_explains_bad_dates_and_kinds(client_as, xuanen_office, tree):
    today = timezone.localdate()
    data = {
        "year": today.year,
        "title": "x",
        "kind": "mandated",
        "region": str(tree.xuanen.pk),
        "start_date": today.isoformat(),
        "end_date": (today - datetime.timedelta(days=1)).isoformat(),
    }
    response = client_as(xuanen_office).post(reverse("activities:campaign_new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "结束日期不能早于开始日期" in errors["end_date"][0]
    assert "自选动作" in errors["kind"][0]
    assert response.context["form"]["title"].value() == "x"
    assert not Campaign.objects.exists()


def test_township_staff_cannot_create_campaigns(client_as, xuanen_staff):
    assert client_as(xuanen_staff).get(reverse("activities:campaign_new")).status_code == 404


def test_an_office_cannot_edit_a_campaign_from_above_or_another_county(client_as, xuanen_office, honghu_office, world):
    before = Campaign.objects.filter(pk=world.self_chosen.pk).values().get()
    assert client_as(xuanen_office).get(reverse("activities:campaign_edit", args=[world.mandated.pk])).status_code == 404
    url = reverse("activities:campaign_edit", args=[world.self_chosen.pk])
    assert client_as(honghu_office).get(url).status_code == 404
    assert client_as(honghu_office).post(url, {"title": "改"}).status_code == 404
    assert Campaign.objects.filter(pk=world.self_chosen.pk).values().get() == before
    assert client_as(xuanen_office).get(url).status_code == 200


def test_the_campaign_list_is_scoped(client_as, honghu_office, world):
    campaigns = list(client_as(honghu_office).get(reverse("activities:campaigns")).context["campaigns"])
    assert campaigns == [world.mandated]


@pytest.mark.parametrize("rows", [2, 50])
def test_the_campaign_list_query_count_does_not_grow(client_as, xuanen_office, tree, rows, django_assert_num_queries):
    for i in range(rows):
        CampaignFactory(region=tree.xuanen, kind=CampaignKind.SELF_CHOSEN, title=f"主题{i}")
    client = client_as(xuanen_office)
    # session, user, its region, editable ids, current campaigns, the list
    with django_assert_num_queries(5):
        response = client.get(reverse("activities:campaigns"))
    assert len(response.context["campaigns"]) == rows


def test_the_demo_seeds_campaigns_and_activities(settings):
    settings.DEBUG = True
    call_command("load_regions", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert set(Campaign.objects.values_list("kind", flat=True)) == {CampaignKind.MANDATED, CampaignKind.SELF_CHOSEN}
    assert Activity.objects.filter(region__prefix__startswith="422825100").exists()
    assert Activity.objects.filter(region__prefix__startswith="421083").exists()
    # A second run adds nothing.
    count = Activity.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Activity.objects.count() == count


def test_an_office_deletes_an_unused_campaign_but_not_one_in_use(client_as, xuanen_office, world, tree):
    from tests.factories.activities import ActivityFactory

    client = client_as(xuanen_office)
    unused = CampaignFactory(region=tree.xuanen, kind=CampaignKind.SELF_CHOSEN, title="误建")
    assert client.post(reverse("activities:campaign_delete", args=[unused.pk])).status_code == 302
    assert not Campaign.objects.filter(pk=unused.pk).exists()
    ActivityFactory(region=tree.zhushan).campaigns.add(world.self_chosen)
    response = client.post(reverse("activities:campaign_delete", args=[world.self_chosen.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    assert Campaign.objects.filter(pk=world.self_chosen.pk).exists()


def test_outsiders_cannot_delete_a_campaign(client_as, honghu_office, xuanen_staff, world):
    url = reverse("activities:campaign_delete", args=[world.self_chosen.pk])
    assert client_as(honghu_office).post(url).status_code == 404
    assert client_as(xuanen_staff).post(url).status_code == 404
    assert Campaign.objects.filter(pk=world.self_chosen.pk).exists()
