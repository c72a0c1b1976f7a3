import datetime
import io

import pytest
from openpyxl import load_workbook

from deputies.models import Deputy, Mandate, Membership
from tests.factories.deputies import DeputyFactory, GroupFactory, MandateFactory, MembershipFactory


@pytest.fixture
def deputy(tree):
    d = DeputyFactory(name="向明华", region=tree.zhushan, phone="13812341234")
    MandateFactory(deputy=d, level="county", congress_region=tree.xuanen)
    return d


@pytest.fixture
def group(tree, deputy):
    g = GroupFactory(region=tree.zhushan)
    MembershipFactory(group=g, deputy=deputy)
    return g


def test_an_outsider_gets_404_on_every_deputy_endpoint_and_nothing_changes(api_as, honghu_office, deputy, group):
    api = api_as(honghu_office)
    mandate = deputy.mandates.get()
    membership = Membership.objects.get(group=group)
    for url in [f"/api/v1/deputies/{deputy.pk}/", f"/api/v1/mandates/{mandate.pk}/", f"/api/v1/deputy-groups/{group.pk}/",
                f"/api/v1/memberships/{membership.pk}/"]:
        assert api.get(url).status_code == 404, url
        assert api.patch(url, {"name": "改名", "term": "x"}).status_code == 404, url
    assert api.delete(f"/api/v1/mandates/{mandate.pk}/").status_code == 404
    assert api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 404
    for url in ["/api/v1/deputies/", "/api/v1/mandates/", "/api/v1/deputy-groups/", "/api/v1/memberships/"]:
        assert api.get(url).json()["count"] == 0, url
    deputy.refresh_from_db()
    assert deputy.name == "向明华" and Mandate.objects.filter(pk=mandate.pk).exists() and Membership.objects.filter(pk=membership.pk).exists()


def test_an_outsider_cannot_attach_a_mandate_to_anothers_deputy(api_as, honghu_office, deputy, tree):
    response = api_as(honghu_office).post(
        "/api/v1/mandates/", {"deputy": deputy.pk, "level": "township", "congress_region": tree.fengkou.code, "term": "第十九届"}
    )
    assert response.status_code == 400 and "deputy" in response.json()
    assert deputy.mandates.count() == 1


def test_the_api_masks_the_phone_for_township_staff(api_as, xuanen_staff, xuanen_office, deputy):
    assert api_as(xuanen_staff).get(f"/api/v1/deputies/{deputy.pk}/").json()["phone"] == "138****1234"
    assert api_as(xuanen_staff).get("/api/v1/deputies/").json()["results"][0]["phone"] == "138****1234"
    assert api_as(xuanen_office).get(f"/api/v1/deputies/{deputy.pk}/").json()["phone"] == "13812341234"


def test_the_export_masks_the_phone_for_township_staff_and_stays_in_scope(client_as, xuanen_staff, honghu_office, deputy):
    sheet = load_workbook(io.BytesIO(client_as(xuanen_staff).get("/deputies/export/").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "向明华" and rows[1][6] == "138****1234"
    outsider = load_workbook(io.BytesIO(client_as(honghu_office).get("/deputies/export/").content)).active
    assert outsider.max_row == 1


def test_the_api_filters_by_initials_and_level(api_as, xuanen_office, deputy, tree):
    DeputyFactory(name="张三", region=tree.zhushan)
    api = api_as(xuanen_office)
    assert [d["name"] for d in api.get("/api/v1/deputies/", {"q": "xmh"}).json()["results"]] == ["向明华"]
    assert [d["name"] for d in api.get("/api/v1/deputies/", {"level": "county"}).json()["results"]] == ["向明华"]


def test_township_staff_cannot_write(api_as, xuanen_staff, deputy):
    response = api_as(xuanen_staff).patch(f"/api/v1/deputies/{deputy.pk}/", {"sector": "教育"})
    assert response.status_code == 403
    deputy.refresh_from_db()
    assert deputy.sector == "农业"


def test_an_office_creates_a_deputy_and_a_bad_region_is_named(api_as, xuanen_office, tree):
    api = api_as(xuanen_office)
    response = api.post("/api/v1/deputies/", {"name": "田春兰", "region": tree.zhushan.code, "phone": "13900000000"})
    assert response.status_code == 201, response.json()
    assert response.json()["name_initials"] == "tcl"
    outside = api.post("/api/v1/deputies/", {"name": "田春兰", "region": tree.fengkou.code})
    assert outside.status_code == 400 and "region" in outside.json()
    bad_phone = api.post("/api/v1/deputies/", {"name": "田春兰", "region": tree.zhushan.code, "phone": "1"})
    assert bad_phone.status_code == 400 and "phone" in bad_phone.json()
    assert Deputy.objects.count() == 1


def test_a_duplicate_seat_is_a_400_not_a_500(api_as, xuanen_office, deputy, tree):
    response = api_as(xuanen_office).post(
        "/api/v1/mandates/", {"deputy": deputy.pk, "level": "county", "congress_region": tree.xuanen.code, "term": "第十九届"}
    )
    assert response.status_code == 400


def test_deputies_cannot_be_deleted_through_the_api(api_as, xuanen_office, deputy):
    assert api_as(xuanen_office).delete(f"/api/v1/deputies/{deputy.pk}/").status_code == 405


def test_a_list_row_carries_every_field(api_as, xuanen_office, tree):
    # given a deputy with two mandates (listed by level) and a group membership
    d = DeputyFactory(
        name="向明华", gender="M", ethnicity="土家族", birth_date=datetime.date(1975, 3, 8), sector="农业", work_unit="珠山镇东门村党支部书记",
        phone="13812341234", region=tree.zhushan,
    )
    county = MandateFactory(deputy=d, level="county", congress_region=tree.xuanen, term="第十九届", electoral_unit="第三选区",
                            start_date=datetime.date(2021, 10, 1), end_date=None)
    township = MandateFactory(deputy=d, level="township", congress_region=tree.zhushan, term="第十八届", electoral_unit="第一选区",
                              start_date=datetime.date(2021, 9, 1), end_date=datetime.date(2026, 8, 31))
    d.refresh_from_db()
    # when the list is read
    [row] = api_as(xuanen_office).get("/api/v1/deputies/").json()["results"]
    # then the row is exactly this
    assert row == {
        "id": d.pk, "name": "向明华", "name_pinyin": d.name_pinyin, "name_initials": d.name_initials, "surname_strokes": d.surname_strokes,
        "gender": "M", "ethnicity": "土家族", "birth_date": "1975-03-08", "sector": "农业", "work_unit": "珠山镇东门村党支部书记",
        "phone": "13812341234", "region": tree.zhushan.code, "region_name": tree.zhushan.name, "active": True,
        "mandates": [
            {"id": county.pk, "level": "county", "congress_region": tree.xuanen.code, "congress_region_name": tree.xuanen.name,
             "term": "第十九届", "electoral_unit": "第三选区", "start_date": "2021-10-01", "end_date": None},
            {"id": township.pk, "level": "township", "congress_region": tree.zhushan.code, "congress_region_name": tree.zhushan.name,
             "term": "第十八届", "electoral_unit": "第一选区", "start_date": "2021-09-01", "end_date": "2026-08-31"},
        ],
    }
    assert d.name_pinyin and d.name_initials and d.surname_strokes


@pytest.mark.parametrize("rows", [2, 50])
def test_the_list_endpoints_take_the_same_queries_for_2_and_50_rows(api_as, xuanen_office, tree, rows, django_assert_num_queries):
    group = GroupFactory(region=tree.zhushan)
    for _ in range(rows):
        d = DeputyFactory(region=tree.zhushan)
        MandateFactory(deputy=d, congress_region=tree.xuanen)
        MembershipFactory(group=group, deputy=d)
        GroupFactory(region=tree.zhushan)
    api = api_as(xuanen_office)
    for url, queries in [("/api/v1/deputies/", 2), ("/api/v1/mandates/", 1), ("/api/v1/deputy-groups/", 2), ("/api/v1/memberships/", 1)]:
        with django_assert_num_queries(queries):  # a page that holds every row: counted without a COUNT query
            response = api.get(url, {"page_size": 500})
        assert response.status_code == 200, url
