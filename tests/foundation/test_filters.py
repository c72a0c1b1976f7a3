import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9.223372036854776e+18", "99999999999999999999999", "1.5", "-3", "abc"])
def test_an_id_filter_refuses_what_no_id_can_be(api_as, xuanen_office, value):
    response = api_as(xuanen_office).get("/api/v1/deputies/", {"group": value})
    assert response.status_code == 400
    assert "group" in response.json()


def test_an_id_filter_accepts_an_id(api_as, xuanen_office):
    assert api_as(xuanen_office).get("/api/v1/deputies/", {"group": "12"}).status_code == 200
