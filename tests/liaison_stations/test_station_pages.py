import datetime

import pytest
from django.urls import reverse

from liaison_stations.models import ReceptionDay, StationAssignment, StationStandard
from liaison_stations.selectors import coverage
from tests.factories.deputies import DeputyFactory, MandateFactory
from tests.factories.liaison_stations import (
    AssignmentFactory,
    ReceptionDayFactory,
    StandardItemFactory,
    StationFactory,
    StationStandardFactory,
)


@pytest.fixture
def station(tree):
    return StationFactory(name="东门社区代表联络站", region=tree.zhushan_village)


@pytest.fixture
def deputy(tree):
    return DeputyFactory(name="向明华", region=tree.zhushan)


@pytest.fixture
def furnished(tree, station, deputy):
    province_items = [StandardItemFactory(name=n, region=tree.province) for n in ["有场所", "有标识", "有制度", "有计划"]]
    StandardItemFactory(name="洪湖专有", region=tree.honghu)  # does not apply in 宣恩
    StationStandardFactory(station=station, item=province_items[0], met=True)
    StationStandardFactory(station=station, item=province_items[1], met=False, note="标识牌在制作")
    assignment = AssignmentFactory(station=station, deputy=deputy)
    day = ReceptionDayFactory(station=station)
    day.deputies.set([deputy])
    return {"items": province_items, "assignment": assignment, "day": day}


def test_the_station_page_shows_completion_deputies_and_schedule(client_as, xuanen_staff, station, furnished):
    response = client_as(xuanen_staff).get(reverse("liaison_stations:detail", args=[station.pk]))
    detail = response.context["detail"]
    assert detail.completion == 25  # 1 of the 4 province items that apply; 洪湖's item does not
    assert [a.deputy.name for a in detail.assignments] == ["向明华"]
    assert [d.pk for d in detail.reception_days] == [furnished["day"].pk]
    assert "标识牌在制作" in response.content.decode()


def test_the_printable_schedule_lists_the_deputies_on_duty(client_as, xuanen_staff, station, furnished):
    ReceptionDayFactory(station=station, date=datetime.date.today() - datetime.timedelta(days=10), topic="已过去的接待日")
    body = client_as(xuanen_staff).get(reverse("liaison_stations:schedule", args=[station.pk])).content.decode()
    assert "向明华" in body and "察民情" in body and "已过去的接待日" not in body


def test_an_outsider_gets_404_on_every_station_page_and_nothing_changes(client_as, honghu_office, station, furnished, tree):
    client = client_as(honghu_office)
    day, assignment, item = furnished["day"], furnished["assignment"], furnished["items"][0]
    for url in [
        reverse("liaison_stations:detail", args=[station.pk]),
        reverse("liaison_stations:edit", args=[station.pk]),
        reverse("liaison_stations:checklist", args=[station.pk]),
        reverse("liaison_stations:schedule", args=[station.pk]),
        reverse("liaison_stations:assignment_create", args=[station.pk]),
        reverse("liaison_stations:reception_create", args=[station.pk]),
        reverse("liaison_stations:reception_edit", args=[day.pk]),
        reverse("liaison_stations:standard_item_edit", args=[item.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "改名", "date": "2030-01-01"}).status_code == 404, url
    assert client.post(reverse("liaison_stations:assignment_delete", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("liaison_stations:reception_delete", args=[day.pk])).status_code == 404
    assert client.get(reverse("liaison_stations:coverage"), {"region": tree.xuanen.code}).status_code == 404
    station.refresh_from_db()
    assert station.name == "东门社区代表联络站"
    assert StationAssignment.objects.filter(pk=assignment.pk).exists() and ReceptionDay.objects.filter(pk=day.pk).exists()
    assert client.get(reverse("liaison_stations:list")).context["page_obj"].paginator.count == 0


@pytest.mark.parametrize("rows", [2, 50])
def test_the_station_list_takes_the_same_queries_for_2_and_50_rows(client_as, xuanen_office, tree, rows, django_assert_num_queries):
    items = [StandardItemFactory(region=tree.province), StandardItemFactory(region=tree.xuanen)]
    for _ in range(rows):
        station = StationFactory(region=tree.zhushan)
        StationStandardFactory(station=station, item=items[0])
        AssignmentFactory(station=station, deputy=DeputyFactory(region=tree.zhushan))
    client = client_as(xuanen_office)
    client.get(reverse("liaison_stations:list"))
    with django_assert_num_queries(5):
        response = client.get(reverse("liaison_stations:list"))
    assert {s.completion for s in response.context["page_obj"]} == {50}


@pytest.mark.parametrize("rows", [2, 50])
def test_the_station_page_takes_the_same_queries_for_2_and_50_deputies(client_as, xuanen_office, tree, station, rows, django_assert_num_queries):
    for _ in range(rows):
        deputy = DeputyFactory(region=tree.zhushan)
        MandateFactory(deputy=deputy, congress_region=tree.zhushan, level="township")
        AssignmentFactory(station=station, deputy=deputy)
        ReceptionDayFactory(station=station).deputies.set([deputy])
    client = client_as(xuanen_office)
    client.get(reverse("liaison_stations:detail", args=[station.pk]))
    with django_assert_num_queries(10):
        client.get(reverse("liaison_stations:detail", args=[station.pk]))


def test_coverage_counts_unplaced_deputies_empty_stations_and_completion(xuanen_office, tree, station, furnished):
    DeputyFactory(name="田春兰", region=tree.jiaoyuan)  # no station
    StationFactory(name="椒园镇代表之家", region=tree.jiaoyuan)  # no deputies
    report = coverage(xuanen_office)
    rows = {row.region.name: row for row in report.rows}
    assert (rows["珠山镇"].deputies, rows["珠山镇"].deputies_without_station, rows["珠山镇"].completion) == (1, 0, 25)
    assert (rows["椒园镇"].deputies_without_station, rows["椒园镇"].stations_without_deputies) == (1, 1)
    assert [d.name for d in report.deputies_without_station] == ["田春兰"]
    assert [s.name for s in report.stations_without_deputies] == ["椒园镇代表之家"]
    assert report.total.deputies == 2


def test_the_coverage_page_drills_down(client_as, provincial, tree, station, furnished):
    client = client_as(provincial)
    assert client.get(reverse("liaison_stations:coverage")).status_code == 200
    page = client.get(reverse("liaison_stations:coverage"), {"region": tree.xuanen.code})
    assert [row.region.name for row in page.context["report"].rows] == ["珠山镇", "椒园镇"]


def test_an_office_records_the_checklist(client_as, xuanen_office, station, furnished):
    items = furnished["items"]
    data = {f"met_{item.pk}": "on" for item in items[:3]} | {f"note_{items[3].pk}": "计划待审"}
    response = client_as(xuanen_office).post(reverse("liaison_stations:checklist", args=[station.pk]), data)
    assert response.status_code == 302
    records = {r.item.name: (r.met, r.note) for r in StationStandard.objects.filter(station=station).select_related("item")}
    assert records == {"有场所": (True, ""), "有标识": (True, ""), "有制度": (True, ""), "有计划": (False, "计划待审")}


def test_an_office_assigns_a_deputy_and_schedules_a_reception_day(client_as, xuanen_office, tree, station):
    deputy = DeputyFactory(region=tree.zhushan)
    client = client_as(xuanen_office)
    assert client.post(reverse("liaison_stations:assignment_create", args=[station.pk]), {"deputy": deputy.pk}).status_code == 302
    response = client.post(
        reverse("liaison_stations:reception_create", args=[station.pk]),
        {"date": "2030-05-15", "start_time": "09:00", "end_time": "12:00", "topic": "优化营商环境", "deputies": [deputy.pk]},
    )
    assert response.status_code == 302
    assert list(ReceptionDay.objects.get(station=station).deputies.all()) == [deputy]


def test_a_reception_day_ending_before_it_starts_is_refused(client_as, xuanen_office, station):
    response = client_as(xuanen_office).post(
        reverse("liaison_stations:reception_create", args=[station.pk]),
        {"date": "2030-05-15", "start_time": "12:00", "end_time": "09:00", "topic": "优化营商环境"},
    )
    assert response.status_code == 400 and "结束时间应晚于开始时间" in response.content.decode()
    assert not ReceptionDay.objects.exists()


def test_township_staff_cannot_edit_a_station(client_as, xuanen_staff, station):
    assert client_as(xuanen_staff).post(reverse("liaison_stations:edit", args=[station.pk]), {"name": "x"}).status_code == 403
