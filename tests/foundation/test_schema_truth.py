"""The API schema is a contract a generated client can trust (issue 24, finding 13): every error answer
documented with its JSON, the bounds the API keeps stated, times of day as the API writes them, and the
paging parameters refused with a 400 that names them instead of guessed at."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _request_schema(schema, name):
    return schema["components"]["schemas"][name]


# --- paging -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"page_size": "lots"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": " 5"}, "page_size"),
        ({"page_size": "9" * 5000}, "page_size"),
        ({"page": "x"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "last"}, "page"),
        ({"page": "١"}, "page"),
        ({"count": "nearly"}, "count"),
    ],
)
def test_a_bad_paging_parameter_is_a_400_naming_it(api_as, xuanen_office, query, named):
    response = api_as(xuanen_office).get("/api/v1/deputies/", query)
    assert response.status_code == 400
    assert named in response.json()


def test_good_paging_parameters_still_page_and_a_page_past_the_end_is_404(api_as, xuanen_office):
    api = api_as(xuanen_office)
    body = api.get("/api/v1/regions/", {"page_size": "2", "page": "1", "count": "exact"}).json()
    assert (len(body["results"]), body["count_exact"]) == (2, True)
    assert api.get("/api/v1/regions/", {"page_size": "500", "page": "007"}).status_code == 404
    past = api.get("/api/v1/regions/", {"page": "99"})
    assert (past.status_code, past.json()["code"]) == (404, "not_found")


def test_the_paging_parameters_state_their_bounds(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/deputies/"]["get"]["parameters"]}
    assert (parameters["page"]["minimum"], parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 1, 500)
    assert parameters["count"]["enum"] == ["exact"]


def test_a_yes_no_filter_takes_only_true_or_false(api_as, xuanen_office):
    api = api_as(xuanen_office)
    assert api.get("/api/v1/deputies/", {"active": "true"}).status_code == 200
    for value in ("yes", "1", ""):
        response = api.get("/api/v1/deputies/", {"active": value})
        assert response.status_code == 400 and "active" in response.json(), value


def test_the_ordering_parameter_states_the_fields_it_takes(schema, api_as, xuanen_office):
    import re

    ordering = next(p for p in schema["paths"]["/api/v1/activities/"]["get"]["parameters"] if p["name"] == "ordering")
    pattern = re.compile(ordering["schema"]["pattern"])
    assert all(pattern.search(v) for v in ("date", "-date,id", ""))
    assert not any(pattern.search(v) for v in ("summary", "--id", "date,"))
    assert api_as(xuanen_office).get("/api/v1/activities/", {"ordering": "--id"}).status_code == 400


# --- errors -----------------------------------------------------------------------------------------


def test_every_operation_documents_its_errors_with_their_json(schema):
    for label, operation in _operations(schema):
        responses = operation["responses"]
        assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}, label
        for code, response in responses.items():
            if code >= "401" and code < "500":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (label, code)
    assert _request_schema(schema, "Error")["required"] == ["detail", "code"]


def test_which_errors_follow_from_the_view(schema):
    paths = schema["paths"]
    token = paths["/api/v1/auth/token/"]["post"]["responses"]
    assert {"400", "413", "415", "429"} <= token.keys() and not {"401", "403", "404"} & token.keys()
    detail = paths["/api/v1/deputies/{id}/"]
    assert {"401", "403", "404", "429"} <= detail["get"]["responses"].keys()
    assert "409" not in detail["get"]["responses"] and "409" in detail["patch"]["responses"]
    assert "422" in paths["/api/v1/activities/"]["post"]["responses"]  # Idempotency-Key
    assert "404" in paths["/api/v1/activities/"]["get"]["responses"]  # a page past the last


def test_an_undocumented_refusal_is_none_the_schema_hides(schema):
    create = schema["paths"]["/api/v1/activities/"]["post"]["responses"]["400"]["x-refused-beyond-schema"]
    # references found from the serializer (nested ones under their parent), rules declared beside it
    assert {"region", "station", "group", "deputies", "campaigns", "issues", "date"} <= create.keys()
    listing = schema["paths"]["/api/v1/memberships/"]["get"]["responses"]["400"]["x-refused-beyond-schema"]
    assert {"group", "deputy"} <= listing.keys()


# --- bounds and formats -----------------------------------------------------------------------------


def test_the_bounds_the_api_keeps_are_stated(schema, settings):
    activity = _request_schema(schema, "ActivityRequest")["properties"]
    assert (activity["people_reached"]["minimum"], activity["people_reached"]["maximum"]) == (0, settings.ACTIVITY_MAX_COUNT)
    assert activity["issues"]["maxItems"] == settings.ACTIVITY_MAX_ISSUES
    assert activity["summary"].get("maxLength") is None or activity["summary"]["maxLength"] > 0
    year = next(p for p in schema["paths"]["/api/v1/duty-points/"]["get"]["parameters"] if p["name"] == "year")["schema"]
    assert (year["minimum"], year["maximum"]) == (2000, datetime.date.today().year + 1)
    suggestion = _request_schema(schema, "SuggestionCreateRequest")["properties"]
    assert suggestion["title"]["maxLength"] == 200
    assert suggestion["title"]["pattern"]  # not only whitespace: the API trims it


def test_a_time_of_day_is_stated_as_the_api_writes_it(schema, api_as, xuanen_office):
    import re

    start = _request_schema(schema, "ActivityRequest")["properties"]["start_time"]
    assert "format" not in start
    pattern = re.compile(start["pattern"])
    assert all(pattern.search(v) for v in ("10:00:00", "09:30", "9:30", "23:59:59.123456"))
    assert not any(pattern.search(v) for v in ("10", "24:00", "10:00:00Z", "10:00+08:00"))


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_making_the_schema_leaves_the_filters_choices_per_request(schema, api_as, xuanen_office, tree):
    # Found by the fuzz test: reading a filter's form field for the schema cached it on the FilterSet
    # class, with no choices, and every later filtered list answered 500.
    response = api_as(xuanen_office).get("/api/v1/activities/", {"region": tree.zhushan.code, "deputy": "1"})
    assert response.status_code == 200
