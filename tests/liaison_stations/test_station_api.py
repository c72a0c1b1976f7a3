import pytest

from liaison_stations.models import ReceptionDay, StationAssignment, StationStandard
from tests.factories.deputies import DeputyFactory
from tests.factories.liaison_stations import (
    AssignmentFactory,
    ReceptionDayFactory,
    StandardItemFactory,
    StationFactory,
    StationStandardFactory,
)


@pytest.fixture
def setup(tree):
    station = StationFactory(name="东门社区代表联络站", region=tree.zhushan_village)
    deputy = DeputyFactory(region=tree.zhushan)
    item = StandardItemFactory(region=tree.xuanen)
    record = StationStandardFactory(station=station, item=item)
    assignment = AssignmentFactory(station=station, deputy=deputy)
    day = ReceptionDayFactory(station=station)
    day.deputies.set([deputy])
    return {"station": station, "deputy": deputy, "item": item, "record": record, "assignment": assignment, "day": day}


def test_an_outsider_gets_404_on_every_station_endpoint_and_nothing_changes(api_as, honghu_office, setup):
    api = api_as(honghu_office)
    s = setup
    for url in [f"/api/v1/stations/{s['station'].pk}/", f"/api/v1/standard-items/{s['item'].pk}/",
                f"/api/v1/station-standards/{s['record'].pk}/", f"/api/v1/station-assignments/{s['assignment'].pk}/",
                f"/api/v1/reception-days/{s['day'].pk}/"]:
        assert api.get(url).status_code == 404, url
    for url in [f"/api/v1/stations/{s['station'].pk}/", f"/api/v1/standard-items/{s['item'].pk}/", f"/api/v1/reception-days/{s['day'].pk}/"]:
        assert api.patch(url, {"name": "改名", "topic": "改"}).status_code == 404, url
    assert api.delete(f"/api/v1/station-assignments/{s['assignment'].pk}/").status_code == 404
    assert api.delete(f"/api/v1/reception-days/{s['day'].pk}/").status_code == 404
    recorded = api.post("/api/v1/station-standards/", {"station": s["station"].pk, "item": s["item"].pk, "met": False})
    assert recorded.status_code == 400 and "station" in recorded.json()
    for url in ["/api/v1/stations/", "/api/v1/standard-items/", "/api/v1/station-standards/", "/api/v1/station-assignments/",
                "/api/v1/reception-days/"]:
        assert api.get(url).json()["count"] == 0, url
    s["station"].refresh_from_db()
    assert s["station"].name == "东门社区代表联络站"
    assert StationStandard.objects.get(pk=s["record"].pk).met is True
    assert StationAssignment.objects.filter(pk=s["assignment"].pk).exists() and ReceptionDay.objects.filter(pk=s["day"].pk).exists()


def test_the_station_endpoint_reports_completion(api_as, xuanen_staff, setup, tree):
    StandardItemFactory(region=tree.province)
    station = api_as(xuanen_staff).get(f"/api/v1/stations/{setup['station'].pk}/").json()
    assert station["completion"] == 50 and station["deputy_count"] == 1


def test_an_office_records_a_standard_and_schedules_a_day(api_as, xuanen_office, setup):
    api = api_as(xuanen_office)
    response = api.post("/api/v1/station-standards/", {"station": setup["station"].pk, "item": setup["item"].pk, "met": False, "note": "待整改"})
    assert response.status_code == 201, response.json()
    assert StationStandard.objects.get(pk=setup["record"].pk).note == "待整改"
    day = api.post("/api/v1/reception-days/", {"station": setup["station"].pk, "date": "2030-05-15", "deputies": [setup["deputy"].pk]})
    assert day.status_code == 201, day.json()
    assert day.json()["deputy_names"] == [setup["deputy"].name]


def test_a_deputy_not_at_the_station_cannot_be_on_duty(api_as, xuanen_office, setup, tree):
    stranger = DeputyFactory(region=tree.jiaoyuan)
    response = api_as(xuanen_office).post(
        "/api/v1/reception-days/", {"station": setup["station"].pk, "date": "2030-05-15", "deputies": [stranger.pk]}
    )
    assert response.status_code == 400 and "deputies" in response.json()


@pytest.mark.parametrize("rows", [2, 50])
def test_the_station_list_endpoints_take_the_same_queries_for_2_and_50_rows(api_as, xuanen_office, tree, rows, django_assert_num_queries):
    item = StandardItemFactory(region=tree.xuanen)
    for _ in range(rows):
        station = StationFactory(region=tree.zhushan)
        deputy = DeputyFactory(region=tree.zhushan)
        StationStandardFactory(station=station, item=item)
        AssignmentFactory(station=station, deputy=deputy)
        ReceptionDayFactory(station=station).deputies.set([deputy])
        StandardItemFactory(region=tree.zhushan)
    api = api_as(xuanen_office)
    for url, queries in [("/api/v1/stations/", 2), ("/api/v1/standard-items/", 1), ("/api/v1/station-standards/", 1),
                         ("/api/v1/station-assignments/", 1), ("/api/v1/reception-days/", 2)]:
        with django_assert_num_queries(queries):  # a page that holds every row: counted without a COUNT query
            assert api.get(url, {"page_size": 500}).status_code == 200, url
