"""Forms never 500: hypothesis posts hostile values to every registered form.

Huge strings, control characters, wrong types (a field twice, a field missing), unknown ids, other
regions' ids, future and malformed dates. The answer is never a 5xx: it is the form again (200/400)
with Chinese error messages and nothing saved, or the form's normal success (a redirect).

To register a form add one line to FORMS (see tests/security/hostile.py for the options).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from tests.security.hostile import (
    CJK,
    HostileForm,
    data_strategy,
    database_state,
    error_messages,
    form_fields,
)
from tests.security.routes import CONGRESS_OFFICE, TOWNSHIP_STAFF

pytestmark = pytest.mark.django_db

FORMS = [
    # An anonymous visitor signing in; the lock-out page (403) is a deliberate answer too.
    HostileForm("login", also_acceptable=(403, 429)),
    HostileForm("password_change", as_role=CONGRESS_OFFICE),
    HostileForm("password_change", as_role=TOWNSHIP_STAFF),
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
            # The form again: 200, or 400 where a view says "bad request" while re-rendering it.
            if response.status_code in (200, 400) and response.get("Content-Type", "").startswith("text/html"):
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
def test_an_oversized_post_is_refused_without_an_error(form, world):
    client = _client(form, world)
    url = form.url_for(world)
    fields = form_fields(client.get(url).content.decode(), url)
    name = next(iter(fields))
    assert client.post(url, {name: "测" * (6 * 1024 * 1024)}).status_code == 400
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
