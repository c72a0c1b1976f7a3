import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9.223372036854776e+18", "99999999999999999999999", "1.5", "-3", "abc"])
def test_an_id_filter_refuses_what_no_id_can_be(api_as, xuanen_office, value):
    response = api_as(xuanen_office).get("/api/v1/deputies/", {"group": value})
    assert response.status_code == 400
    assert "group" in response.json()


def test_an_id_filter_accepts_an_id(api_as, xuanen_office):
    assert api_as(xuanen_office).get("/api/v1/deputies/", {"group": "12"}).status_code == 200


def test_a_list_without_filter_parameters_skips_the_filterset_and_answers_the_same(api_as, xuanen_office, tree, django_assert_num_queries):
    from tests.factories.deputies import DeputyFactory

    DeputyFactory(region=tree.zhushan, sector="农业")
    DeputyFactory(region=tree.zhushan, sector="教育")
    api = api_as(xuanen_office)
    unfiltered = api.get("/api/v1/deputies/", {"page_size": 50, "page": 1}).json()
    # an empty filter value runs the FilterSet, which filters nothing: the same answer
    assert api.get("/api/v1/deputies/", {"page_size": 50, "sector": ""}).json() == unfiltered
    assert unfiltered["count"] == 2
    # a filter's parameter still filters, and a bad one is still named
    assert api.get("/api/v1/deputies/", {"sector": "教育"}).json()["count"] == 1
    assert api.get("/api/v1/suggestions/", {"deadline": "nonsense"}).status_code == 400
    # a parameter that is no filter is ignored (as DRF does), not refused
    ignored = api.get("/api/v1/deputies/", {"page_size": 50, "submitted_after": "not-a-date"})
    assert ignored.status_code == 200
    assert ignored.json() == unfiltered
