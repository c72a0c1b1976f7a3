import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_token_is_issued_for_good_credentials_and_authenticates(api_client, xuanen_office):
    response = api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/auth/me/").json()
    assert me["role"] == "congress_office"
    assert me["region"]["code"] == "422825"
    assert me["deputy"] is None and me["department"] is None


def test_bad_credentials_get_a_json_error(api_client, xuanen_office):
    response = api_client.post("/api/v1/auth/token/", {"username": "xuanen", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_missing_fields_are_named(api_client, db):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


def test_anonymous_api_calls_are_401(api_client, db):
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_401(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    assert api_client.get("/api/v1/auth/me/").status_code == 401


def test_regions_api_is_scoped_and_paginated(api_as, tree, xuanen_office):
    body = api_as(xuanen_office).get("/api/v1/regions/?page_size=2").json()
    assert body["count"] == 4  # 宣恩县, its two townships and one village; nothing of 洪湖
    assert len(body["results"]) == 2
    assert api_as(xuanen_office).get("/api/v1/regions/421083/").status_code == 404
    assert api_as(xuanen_office).get("/api/v1/regions/422825100/").json()["parent"] == "422825"


def test_a_page_size_past_500_is_refused_naming_it(api_as, tree, provincial):
    response = api_as(provincial).get("/api/v1/regions/?page_size=100000")
    assert response.status_code == 400
    assert "500" in response.json()["page_size"][0]


def test_the_schema_and_docs_are_served_offline(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


def test_a_token_request_reads_the_user_and_region_in_one_query(api_client, xuanen_office, django_assert_num_queries):
    from accounts.tokens import token_issue
    from config.authentication import TokenAuthentication

    key = token_issue(user=xuanen_office)
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key.encode())
        assert (user, token.token_key, user.region.code) == (xuanen_office, key[:15], "422825")


def test_an_inactive_users_token_is_401(api_client, xuanen_office):
    from accounts.tokens import token_issue

    key = token_issue(user=xuanen_office)
    xuanen_office.is_active = False
    xuanen_office.save(update_fields=["is_active"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize("who", ["office", "deputy", "handler"])
def test_me_reads_the_links_in_one_query_after_the_token(api_client, tree, xuanen_office, who, django_assert_num_queries):
    """/auth/me/: the token check (user and region) and one query for the linked deputy and department."""
    from accounts.tokens import token_issue
    from tests.factories.suggestions import DepartmentFactory, deputy_user, handler_user

    department = DepartmentFactory(region=tree.xuanen, type="transport", name="宣恩县交通运输局")
    user, expected = xuanen_office, {"deputy": None, "department": None}
    if who == "deputy":
        user, deputy = deputy_user(tree.zhushan)
        expected["deputy"] = {"id": deputy.pk, "name": deputy.name}
    elif who == "handler":
        user = handler_user(department)
        expected["department"] = {"id": department.pk, "name": "宣恩县交通运输局", "type": "transport"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}")
    with django_assert_num_queries(2):
        me = api_client.get("/api/v1/auth/me/").json()
    assert {k: me[k] for k in expected} == expected
    assert (me["username"], me["region"]["code"]) == (user.username, user.region.code)
