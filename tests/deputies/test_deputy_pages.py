import pytest
from django.urls import reverse

from accounts.models import Role
from deputies.models import Deputy, Mandate, Membership
from deputies.selectors import deputy_profile
from tests.factories.accounts import UserFactory
from tests.factories.deputies import DeputyFactory, GroupFactory, MandateFactory, MembershipFactory


@pytest.fixture
def deputy(tree):
    d = DeputyFactory(name="向明华", region=tree.zhushan, phone="13812341234")
    MandateFactory(deputy=d, level="county", congress_region=tree.xuanen)
    MandateFactory(deputy=d, level="township", congress_region=tree.zhushan)
    return d


@pytest.fixture
def group(tree, deputy):
    g = GroupFactory(name="珠山镇代表小组", region=tree.zhushan)
    MembershipFactory(group=g, deputy=deputy)
    return g


def page_urls(deputy, group):
    membership = Membership.objects.get(group=group, deputy=deputy)
    mandate = deputy.mandates.first()
    return [
        reverse("deputies:detail", args=[deputy.pk]),
        reverse("deputies:edit", args=[deputy.pk]),
        reverse("deputies:mandate_create", args=[deputy.pk]),
        reverse("deputies:mandate_edit", args=[mandate.pk]),
        reverse("deputies:group_detail", args=[group.pk]),
        reverse("deputies:group_edit", args=[group.pk]),
        reverse("deputies:membership_create", args=[group.pk]),
        reverse("deputies:membership_edit", args=[membership.pk]),
    ]


def test_an_outsider_gets_404_on_every_deputy_page_and_nothing_changes(client_as, honghu_office, deputy, group):
    client = client_as(honghu_office)
    for url in page_urls(deputy, group):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "改名", "term": "x", "level": "county"}).status_code == 404, url
    mandate = deputy.mandates.first()
    membership = Membership.objects.get(group=group)
    assert client.post(reverse("deputies:mandate_delete", args=[mandate.pk])).status_code == 404
    assert client.post(reverse("deputies:membership_delete", args=[membership.pk])).status_code == 404
    deputy.refresh_from_db()
    assert deputy.name == "向明华"
    assert Mandate.objects.filter(deputy=deputy).count() == 2
    assert Membership.objects.filter(pk=membership.pk).exists()
    # lists and exports show nothing of the other county
    assert client.get(reverse("deputies:list")).context["page_obj"].paginator.count == 0
    assert "珠山镇代表小组" not in client.get(reverse("deputies:groups")).content.decode()


def test_a_department_handler_does_not_see_the_roster(client_as, tree, deputy):
    handler = UserFactory(role=Role.DEPARTMENT_HANDLER, region=tree.xuanen)
    client = client_as(handler)
    assert client.get(reverse("deputies:list")).status_code == 404
    assert client.get(reverse("deputies:detail", args=[deputy.pk])).status_code == 404


def test_a_deputy_sees_their_own_record_only(client_as, tree, deputy):
    user = UserFactory(role=Role.DEPUTY, region=tree.zhushan)
    deputy.user = user
    deputy.save()
    other = DeputyFactory(region=tree.zhushan)
    client = client_as(user)
    page = client.get(reverse("deputies:detail", args=[deputy.pk]))
    assert page.status_code == 200
    assert "13812341234" in page.content.decode()  # their own phone, unmasked
    assert client.get(reverse("deputies:detail", args=[other.pk])).status_code == 404


def test_township_staff_see_a_masked_phone_and_the_office_sees_it_whole(client_as, xuanen_staff, xuanen_office, deputy):
    staff_page = client_as(xuanen_staff).get(reverse("deputies:detail", args=[deputy.pk])).content.decode()
    assert "138****1234" in staff_page and "13812341234" not in staff_page
    staff_list = client_as(xuanen_staff).get(reverse("deputies:list")).content.decode()
    assert "138****1234" in staff_list and "13812341234" not in staff_list
    assert "13812341234" in client_as(xuanen_office).get(reverse("deputies:detail", args=[deputy.pk])).content.decode()


def test_the_profile_selector_gathers_mandates_groups_and_stations(xuanen_office, deputy, group):
    profile = deputy_profile(xuanen_office, deputy.pk)
    assert {m.level for m in profile.mandates} == {"county", "township"}
    assert [m.group for m in profile.memberships] == [group]
    assert profile.phone == "13812341234"


def test_it_searches_by_pinyin_initials_and_orders_by_strokes(client_as, xuanen_office, tree):
    for name in ["张三", "王五", "丁一"]:
        DeputyFactory(name=name, region=tree.zhushan)
    client = client_as(xuanen_office)
    found = client.get(reverse("deputies:list"), {"q": "ww"})
    assert [d.name for d in found.context["page_obj"]] == ["王五"]
    ordered = client.get(reverse("deputies:list"), {"order": "strokes"})
    assert [d.name for d in ordered.context["page_obj"]] == ["丁一", "王五", "张三"]
    by_pinyin = client.get(reverse("deputies:list"))
    assert [d.name for d in by_pinyin.context["page_obj"]] == ["丁一", "王五", "张三"]


def test_it_filters_by_level_region_group_and_term(client_as, xuanen_office, tree, deputy, group):
    other = DeputyFactory(region=tree.jiaoyuan, sector="教育")
    MandateFactory(deputy=other, level="township", congress_region=tree.jiaoyuan, term="第十八届")
    client = client_as(xuanen_office)

    def names(**params):
        return {d.name for d in client.get(reverse("deputies:list"), params).context["page_obj"]}

    assert names(level="county") == {"向明华"}
    assert names(region=tree.jiaoyuan.code) == {other.name}
    assert names(group=group.pk) == {"向明华"}
    assert names(term="第十八届") == {other.name}
    assert names(sector="教育") == {other.name}
    assert names(level="township") == {"向明华", other.name}  # two seats, listed once


@pytest.mark.parametrize("rows", [2, 50])
def test_the_roster_page_takes_the_same_queries_for_2_and_50_rows(client_as, xuanen_office, tree, rows, django_assert_num_queries):
    group = GroupFactory(region=tree.zhushan)
    for _ in range(rows):
        d = DeputyFactory(region=tree.zhushan)
        MandateFactory(deputy=d, congress_region=tree.xuanen)
        MembershipFactory(group=group, deputy=d)
    client = client_as(xuanen_office)
    client.get(reverse("deputies:list"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("deputies:list"))
    assert len(response.context["page_obj"]) == rows


@pytest.mark.parametrize("rows", [2, 50])
def test_the_group_page_takes_the_same_queries_for_2_and_50_members(client_as, xuanen_office, tree, rows, django_assert_num_queries):
    group = GroupFactory(region=tree.zhushan)
    for _ in range(rows):
        d = DeputyFactory(region=tree.zhushan)
        MandateFactory(deputy=d, congress_region=tree.xuanen)
        MembershipFactory(group=group, deputy=d)
        GroupFactory(region=tree.zhushan)
    client = client_as(xuanen_office)
    client.get(reverse("deputies:groups"))
    with django_assert_num_queries(5):
        client.get(reverse("deputies:group_detail", args=[group.pk]))
    with django_assert_num_queries(4):
        client.get(reverse("deputies:groups"))


def test_a_bad_phone_re_renders_the_form_keeping_what_was_typed(client_as, xuanen_office, tree):
    response = client_as(xuanen_office).post(
        reverse("deputies:create"), {"name": "田春兰", "phone": "12345", "region": tree.zhushan.pk, "active": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "手机号格式不对" in body and "田春兰" in body
    assert not Deputy.objects.exists()


def test_an_office_creates_a_deputy_with_a_mandate(client_as, xuanen_office, tree):
    client = client_as(xuanen_office)
    response = client.post(
        reverse("deputies:create"), {"name": "田春兰", "phone": "138 1234 5678", "region": tree.zhushan.pk, "active": "on"}
    )
    deputy = Deputy.objects.get()
    assert response.status_code == 302 and deputy.phone == "13812345678"
    response = client.post(
        reverse("deputies:mandate_create", args=[deputy.pk]),
        {"level": "township", "congress_region": tree.zhushan.pk, "term": "第十九届"},
    )
    assert response.status_code == 302
    assert deputy.mandates.get().term == "第十九届"


def test_a_second_edit_over_a_newer_save_is_refused(client_as, xuanen_office, deputy, tree):
    client = client_as(xuanen_office)
    stale = deputy.updated_at.isoformat()
    data = {"name": "向明华", "region": tree.zhushan.pk, "active": "on", "phone": "13812341234", "version": stale}
    assert client.post(reverse("deputies:edit", args=[deputy.pk]), {**data, "sector": "教育"}).status_code == 302
    second = client.post(reverse("deputies:edit", args=[deputy.pk]), {**data, "sector": "卫生"})
    assert "已被他人修改" in second.content.decode()
    deputy.refresh_from_db()
    assert deputy.sector == "教育"


def test_township_staff_cannot_edit(client_as, xuanen_staff, deputy):
    assert client_as(xuanen_staff).get(reverse("deputies:edit", args=[deputy.pk])).status_code == 403


def test_an_office_cannot_place_a_deputy_outside_its_county(client_as, xuanen_office, deputy, tree):
    response = client_as(xuanen_office).post(
        reverse("deputies:edit", args=[deputy.pk]), {"name": "向明华", "region": tree.fengkou.pk, "active": "on"}
    )
    assert response.status_code == 400
    deputy.refresh_from_db()
    assert deputy.region == tree.zhushan


def test_an_office_manages_group_members(client_as, xuanen_office, deputy, tree):
    client = client_as(xuanen_office)
    response = client.post(reverse("deputies:group_create"), {"name": "茶产业链小组", "kind": "industry_chain", "region": tree.xuanen.pk, "active": "on"})
    assert response.status_code == 302
    from deputies.models import DeputyGroup

    group = DeputyGroup.objects.get(name="茶产业链小组")
    assert client.post(reverse("deputies:membership_create", args=[group.pk]), {"deputy": deputy.pk, "role": "leader"}).status_code == 302
    again = client.post(reverse("deputies:membership_create", args=[group.pk]), {"deputy": deputy.pk, "role": "member"})
    assert again.status_code == 400
    assert group.memberships.count() == 1
