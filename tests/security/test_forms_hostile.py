"""Forms never 500: hypothesis posts hostile values to every registered form.

Huge strings, control characters, wrong types (a field twice, a field missing), unknown ids, other
regions' ids, future and malformed dates. The answer is never a 5xx: it is the form again (200/400)
with Chinese error messages and nothing saved, or the form's normal success (a redirect).

To register a form add one line to FORMS (see tests/security/hostile.py for the options).
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.security.hostile import (
    CJK,
    HostileForm,
    data_strategy,
    database_state,
    error_messages,
    form_fields,
)
from tests.security.routes import CONGRESS_OFFICE, DEPUTY, PROVINCIAL_OFFICE, TOWNSHIP_STAFF

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FORMS = [
    # An anonymous visitor signing in; the lock-out page (403) is a deliberate answer too.
    # Django's own sign-in and password views answer a refused form 200; every form of the product's own, 400.
    HostileForm("login", also_acceptable=(403, 429), refused=(200, 400)),
    HostileForm("password_change", as_role=CONGRESS_OFFICE, refused=(200, 400)),
    HostileForm("password_change", as_role=TOWNSHIP_STAFF, refused=(200, 400)),
    # activities
    HostileForm("activities:visit", as_role=TOWNSHIP_STAFF),
    HostileForm("activities:edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("activities:edit", args=[w.activity_a.pk])),
    HostileForm("activities:delete", as_role=CONGRESS_OFFICE, url=lambda w: reverse("activities:delete", args=[w.activity_a.pk])),
    HostileForm("activities:campaign_new", as_role=CONGRESS_OFFICE),
    HostileForm(
        "activities:campaign_edit",
        as_role=CONGRESS_OFFICE,
        url=lambda w: reverse("activities:campaign_edit", args=[w.campaign_a.pk]),
    ),
    # deputies
    HostileForm("deputies:create", as_role=CONGRESS_OFFICE),
    HostileForm("deputies:edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("deputies:edit", args=[w.deputy_a.pk])),
    HostileForm(
        "deputies:mandate_create", as_role=CONGRESS_OFFICE, url=lambda w: reverse("deputies:mandate_create", args=[w.deputy_a.pk])
    ),
    HostileForm(
        "deputies:mandate_edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("deputies:mandate_edit", args=[w.mandate_a.pk])
    ),
    HostileForm("deputies:group_create", as_role=CONGRESS_OFFICE),
    HostileForm(
        "deputies:group_edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("deputies:group_edit", args=[w.group_a.pk])
    ),
    HostileForm(
        "deputies:membership_create",
        as_role=CONGRESS_OFFICE,
        url=lambda w: reverse("deputies:membership_create", args=[w.group_a.pk]),
    ),
    HostileForm(
        "deputies:membership_edit",
        as_role=CONGRESS_OFFICE,
        url=lambda w: reverse("deputies:membership_edit", args=[w.membership_a.pk]),
    ),
    # The roster upload posted as plain fields (no file): hostile files are in test_a_hostile_roster_file_*.
    HostileForm("deputies:import", as_role=CONGRESS_OFFICE),
    # suggestions (the detail page's action forms post to /suggestions/<pk>/<action>/, which answers
    # POST only; test_suggestion_actions.py posts hostile values to each of them)
    HostileForm("suggestions:create", as_role=DEPUTY),
    HostileForm("suggestions:create", as_role=TOWNSHIP_STAFF),
    HostileForm("suggestions:edit", as_role=DEPUTY, url=lambda w: reverse("suggestions:edit", args=[w.suggestion_a.pk])),
    HostileForm("suggestions:calendar", as_role=PROVINCIAL_OFFICE),
    # liaison stations
    HostileForm("liaison_stations:create", as_role=CONGRESS_OFFICE),
    HostileForm(
        "liaison_stations:edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("liaison_stations:edit", args=[w.station_a.pk])
    ),
    HostileForm(
        "liaison_stations:checklist",
        as_role=CONGRESS_OFFICE,
        url=lambda w: (w.standard_item_a, reverse("liaison_stations:checklist", args=[w.station_a.pk]))[1],
    ),
    HostileForm("liaison_stations:standard_item_create", as_role=CONGRESS_OFFICE),
    HostileForm(
        "liaison_stations:standard_item_edit",
        as_role=CONGRESS_OFFICE,
        url=lambda w: reverse("liaison_stations:standard_item_edit", args=[w.standard_item_a.pk]),
    ),
    HostileForm(
        "liaison_stations:assignment_create",
        as_role=CONGRESS_OFFICE,
        url=lambda w: (w.deputy_a, reverse("liaison_stations:assignment_create", args=[w.station_a.pk]))[1],
    ),
    HostileForm(
        "liaison_stations:reception_create",
        as_role=CONGRESS_OFFICE,
        url=lambda w: (w.deputy_a, reverse("liaison_stations:reception_create", args=[w.station_a.pk]))[1],
    ),
    HostileForm(
        "liaison_stations:reception_edit",
        as_role=CONGRESS_OFFICE,
        url=lambda w: reverse("liaison_stations:reception_edit", args=[w.reception_day_a.pk]),
    ),
]


def _foreign_ids(world) -> list[str]:
    """Ids a hostile user might try: objects of 洪湖市 (another county), and ids that exist nowhere."""
    from deputies.models import Deputy

    tree = world.tree
    ids = [tree.honghu.pk, tree.fengkou.pk, tree.fengkou_village.pk, tree.province.pk]
    ids += [u.pk for u in world.outsiders.values()]
    ids += list(Deputy.objects.filter(region__prefix__startswith=tree.honghu.prefix).values_list("pk", flat=True))
    return [str(i) for i in ids] + ["999999", "-1", "0", tree.honghu.code]


def _client(form: HostileForm, world) -> Client:
    client = Client()
    if form.as_role:
        client.force_login(world.insiders[form.as_role])
    return client


@pytest.mark.slow
@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_hostile_input_never_breaks_a_form(form, world):
    client = _client(form, world)
    url = form.url_for(world)
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    fields = {k: v for k, v in form_fields(page.content.decode(), url).items() if k not in form.skip_fields}
    assert fields, f"{url} shows no fields"

    # No shrinking: the first failing post is reported as it was (shrinking huge strings is slow).
    @settings(
        max_examples=form.max_examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @given(data=data_strategy(fields, _foreign_ids(world)))
    def post_hostile(data):
        with transaction.atomic():
            before = database_state()
            response = client.post(url, data)
            where = f"POST {url} as {form.as_role or 'anonymous'} with {data!r:.500}"
            assert response.status_code < 500, where
            # The form again, answered 400 (config.pages.render_form and every other form view).
            if response.status_code in form.refused and response.get("Content-Type", "").startswith("text/html"):
                html = response.content.decode()
                errors = error_messages(html)
                assert errors, f"{where}: the form came back without an error message"
                assert all(CJK.search(e) for e in errors), f"{where}: errors are not all in Chinese: {errors}"
                assert database_state() == before, f"{where}: a refused form saved something"
            else:
                assert response.status_code in form.success + form.also_acceptable, f"{where}: {response.status_code}"
            # Each example starts from the same database (and the same lock-out counters).
            transaction.set_rollback(True)

    post_hostile()


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_an_empty_post_is_refused_with_a_message(form, world):
    # ``Form(request.POST or None)`` leaves an empty post unbound: the page came back saying nothing.
    client = _client(form, world)
    url = form.url_for(world)
    with transaction.atomic():
        response = client.post(url, {})
        transaction.set_rollback(True)
    where = f"POST {url} as {form.as_role or 'anonymous'} with nothing"
    if response.status_code in form.refused:
        errors = error_messages(response.content.decode())
        assert errors, f"{where}: the form came back without an error message"
        assert all(CJK.search(e) for e in errors), f"{where}: errors are not all in Chinese: {errors}"
    else:
        assert response.status_code in form.success + form.also_acceptable, f"{where}: {response.status_code}"


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_an_oversized_post_is_refused_without_an_error(form, world):
    client = _client(form, world)
    url = form.url_for(world)
    fields = form_fields(client.get(url).content.decode(), url)
    name = next(iter(fields))
    # A body past DATA_UPLOAD_MAX_MEMORY_SIZE is "content too large" (413, the product's own page), too many fields a 400.
    too_large = client.post(url, {name: "测" * (6 * 1024 * 1024)})
    assert too_large.status_code == 413
    assert "内容过大".encode() in too_large.content or "太大".encode() in too_large.content
    assert client.post(url, {f"f{i}": "x" for i in range(1200)}).status_code == 400


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_a_malformed_body_is_refused_without_an_error(form, world):
    client = _client(form, world)
    url = form.url_for(world)
    fields = form_fields(client.get(url).content.decode(), url)
    name = next(iter(fields))
    for body in (f"{name}=%ff%fe%00".encode(), b"\xff\xfe\x00=\xc3\x28", f"{name}=%%%zz&&==".encode()):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, body
    response = client.post(url, b"{not json", content_type="application/json")
    assert response.status_code < 500


MAX_FORMSET_ROWS = 100


@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_a_formset_cannot_be_inflated_to_thousands_of_rows(form, world):
    # Django builds every row a posted TOTAL_FORMS asks for, up to the formset's absolute_max
    # (2,000 by default): one request could then cost seconds of CPU. A formset must cap it.
    client = _client(form, world)
    url = form.url_for(world)
    fields = form_fields(client.get(url).content.decode(), url)
    prefixes = [name.removesuffix("-TOTAL_FORMS") for name in fields if name.endswith("-TOTAL_FORMS")]
    if not prefixes:
        pytest.skip("the form has no formset")
    for prefix in prefixes:
        data = {f"{prefix}-TOTAL_FORMS": "100000", f"{prefix}-INITIAL_FORMS": "0"}
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        assert response.status_code < 500
        html = response.content.decode()
        assert f'name="{prefix}-{MAX_FORMSET_ROWS}-' not in html, (
            f"{url}: posting {prefix}-TOTAL_FORMS=100000 renders more than {MAX_FORMSET_ROWS} rows; "
            "give the formset a small max_num and absolute_max"
        )


# --- the roster upload: hostile files -------------------------------------------------------------------


def _hostile_roster_cells():
    from hypothesis import strategies as st

    from tests.security.hostile import HOSTILE_DATES, HOSTILE_NUMBERS, HOSTILE_TEXT

    return st.one_of(
        st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
        st.text(max_size=200),
        st.builds(lambda piece, n: piece * n, st.sampled_from(["测", "\x00", "😀"]), st.integers(100, 3_000)),
        st.integers().map(str),
    )


def _roster_bytes(kind: str, rows: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook

    from deputies.roster import COLUMNS

    headers = [header for _key, header, _required in COLUMNS]
    if kind == "csv":
        return "\n".join(",".join(r) for r in [headers, *rows]).encode("utf-8", errors="surrogatepass")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        # openpyxl refuses control characters in cells: a real spreadsheet cannot hold them either.
        sheet.append([CONTROL.sub("", cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_a_hostile_roster_file_is_refused_with_a_message_or_imported(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from hypothesis import strategies as st

    client = _client(HostileForm("deputies:import", as_role=CONGRESS_OFFICE), world)
    url = reverse("deputies:import")
    files = st.one_of(
        # Bytes that are no spreadsheet at all, under a spreadsheet's name.
        st.tuples(st.sampled_from(["r.xlsx", "r.csv", "r.xls", "r", "../../r.xlsx"]), st.binary(max_size=2_000)),
        # A zip file that is no workbook.
        st.just(("r.xlsx", b"PK\x03\x04" + b"\x00" * 200)),
        # Real workbooks and CSV files with hostile cells.
        st.builds(
            lambda kind, rows: (f"r.{kind}", _roster_bytes(kind, rows)),
            st.sampled_from(["xlsx", "csv"]),
            st.lists(st.lists(_hostile_roster_cells(), min_size=1, max_size=14), min_size=1, max_size=4),
        ),
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(file=files)
    def post_file(file):
        name, content = file
        with transaction.atomic():
            before = database_state()
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
            where = f"POST {url} with {name} {content[:200]!r}"
            assert response.status_code < 500, where
            if response.status_code == 400:
                html = response.content.decode()
                errors = error_messages(html)
                assert errors, f"{where}: refused without a message"
                assert all(CJK.search(e) for e in errors), f"{where}: errors are not all in Chinese: {errors}"
                assert database_state() == before, f"{where}: a refused file saved something"
            else:
                assert response.status_code == 302, where
            transaction.set_rollback(True)

    post_file()


# --- the dashboard's filter form (GET): hostile query strings ----------------------------------------------

DASHBOARD_PAGES = [
    ("dashboards:region", lambda w: reverse("dashboards:region", args=[w.tree.zhushan.code])),
    ("dashboards:list", lambda w: reverse("dashboards:list", args=[w.tree.zhushan.code, "suggestions_received"])),
    ("dashboards:deputy_record", lambda w: reverse("dashboards:deputy_record", args=[w.deputy_a.pk])),
]
@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "url_for"),
    [pytest.param(n, u, id=n) for n, u in DASHBOARD_PAGES],
)
def test_hostile_dashboard_filters_never_break_a_page(name, url_for, world):
    from tests.security.hostile import FormField

    client = Client()
    client.force_login(world.insiders[CONGRESS_OFFICE])
    url = url_for(world)
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    html = page.content.decode()
    fields = form_fields(html, url, method="get") if '<form method="get"' in html else {}
    # What a hand-made link may carry besides the form's fields: the table's narrowing and paging.
    for extra in ("station", "category", "department", "month", "page", "from", "to", "campaign"):
        fields.setdefault(extra, FormField(extra, "text"))
    export = reverse("dashboards:export", args=[world.tree.zhushan.code])

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(data=data_strategy(fields, _foreign_ids(world)))
    # Found by the fuzzer on a fresh clone (a 500 on PostgreSQL): kept so every run tries it.
    @example(data={"category": "\x00"})
    def get_hostile(data):
        for target in (url, export):
            response = client.get(target, data)
            where = f"GET {target} as {CONGRESS_OFFICE} with {data!r:.500}"
            assert response.status_code in (200, 400, 404), where
            if response.get("Content-Type", "").startswith("text/html") and response.status_code != 404:
                errors = error_messages(response.content.decode())
                assert all(CJK.search(e) for e in errors), f"{where}: errors are not all in Chinese: {errors}"

    get_hostile()


# --- ids past any key: every form field, every list filter ---------------------------------------------

# Ids beyond a signed 64-bit key, either side. PostgreSQL cannot compare them with a bigint column and
# SQLite cannot bind them, so a field or filter that hands one to the database unchecked answers 500;
# each must refuse it as an invalid choice (or find nothing).
HUGE_IDS = ["99999999999999999999", "-99999999999999999999", "9223372036854775808"]


@pytest.mark.embedded
@pytest.mark.parametrize("form", FORMS, ids=[f.id for f in FORMS])
def test_an_id_past_any_key_in_any_field_is_refused_not_a_500(form, world):
    client = _client(form, world)
    url = form.url_for(world)
    fields = form_fields(client.get(url).content.decode(), url)
    # Every other field with a value the page offers, so the huge id is the only thing wrong.
    offered = {name: next((o for o in f.options if o), "") for name, f in fields.items() if f.options}
    for index, (name, field) in enumerate(fields.items()):
        for huge in _huge_ids_for(field, index):
            # A multiple choice gets a real choice beside it (the huge id is checked among valid ones).
            value = [offered[name], huge] if field.kind in ("select-multiple", "checkbox") and offered.get(name) else huge
            with transaction.atomic():
                before = database_state()
                response = client.post(url, {**offered, name: value})
                where = f"POST {url} as {form.as_role or 'anonymous'} with {name}={value!r}"
                assert response.status_code < 500, where
                if _is_a_choice_of_ids(field):
                    # Not one of the choices the page offered: the form comes back saying so.
                    assert response.status_code in form.refused, f"{where}: {response.status_code}"
                    assert error_messages(response.content.decode()), f"{where}: refused without a message"
                if response.status_code in form.refused:
                    assert database_state() == before, f"{where}: a refused form saved something"
                transaction.set_rollback(True)


def _huge_ids_for(field, index: int) -> list[str]:
    """All three for a field that may carry an id (a choice among ids, a number, a hidden field);
    one for the others (text, a date, a file), where a huge id is only an odd string and the three
    test the same thing: taken in turn, so each of the three still reaches text fields somewhere."""
    if _is_a_choice_of_ids(field) or field.kind in ("number", "hidden") or any(o.isdigit() for o in field.options):
        return HUGE_IDS
    return [HUGE_IDS[index % len(HUGE_IDS)]]


def _is_a_choice_of_ids(field) -> bool:
    kinds = ("select", "select-multiple", "checkbox", "radio")
    return field.kind in kinds and not field.disabled and any(o.isdigit() for o in field.options)


# Query parameters a hand-made link may carry to a list besides its filter form's own fields.
ID_PARAMS = ("campaign", "region", "group", "station", "deputy", "department", "suggestion", "page", "page_size", "year")
FILTERED_PAGES = [
    "activities:list",
    "activities:export",
    "deputies:list",
    "deputies:export",
    "deputies:groups",
    "liaison_stations:list",
    "liaison_stations:coverage",
    "suggestions:list",
    "suggestions:mine",
    "suggestions:triage",
    "suggestions:supervision",
    "suggestions:export",
    "suggestions:similar",
    "residents:inbox",
    "residents:hot_issues",
    "residents:hot_export",
]


def _api_lists():
    from django.urls import resolve

    from tests.security.urlwalk import all_routes

    for route in all_routes():
        if route.is_api and route.name and route.name.endswith("-list"):
            filterset = getattr(resolve(route.url).func.cls, "filterset_class", None)
            yield pytest.param(route.url, tuple(filterset.base_filters) if filterset else (), id=route.name)


@pytest.mark.embedded
@pytest.mark.parametrize("name", FILTERED_PAGES)
def test_an_id_past_any_key_in_a_list_filter_is_refused_not_a_500(name, world):
    client = Client()
    client.force_login(world.insiders[CONGRESS_OFFICE])
    url = reverse(name)
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    html = page.content.decode(errors="replace")
    own = form_fields(html, url, method="get") if '<form method="get"' in html else {}
    for param in sorted({*own, *ID_PARAMS}):
        for huge in HUGE_IDS:
            response = client.get(url, {param: huge})
            assert response.status_code < 500, f"GET {url}?{param}={huge}"


@pytest.mark.embedded
@pytest.mark.parametrize(("url", "filters"), list(_api_lists()))
def test_an_id_past_any_key_in_an_api_filter_is_refused_not_a_500(url, filters, world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.insiders[CONGRESS_OFFICE])
    for param in sorted({*filters, *ID_PARAMS}):
        for huge in HUGE_IDS:
            response = client.get(url, {param: huge})
            assert response.status_code < 500, f"GET {url}?{param}={huge}"
            if response.status_code == 400:
                assert param in response.json(), f"GET {url}?{param}={huge}: the error does not name the field"
