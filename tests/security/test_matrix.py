"""The authorization matrix: every route the resolver knows, checked for every role.

Routes are read from the resolver (tests/security/urlwalk.py), so a new page is covered the moment
it is routed: it must be PUBLIC, covered by a NAMESPACE_RULES entry, or DESCRIBED in
tests/security/routes.py, or ``test_every_route_is_described`` fails and says what to add.
"""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.security.inline_code import csp_violations
from tests.security.routes import (
    ALL_ROLES,
    DESCRIBED,
    NAMESPACE_RULES,
    PHONE_ROLES,
    PUBLIC,
    PUBLIC_TARGETS,
    ROLES_WITH_OUTSIDERS,
    SUPERUSER,
    Described,
    Target,
)
from tests.security.urlwalk import Route, all_routes

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
LOGIN_PREFIX = "/accounts/login/?next="


def _rule_for(route: Route):
    for namespace, rule in NAMESPACE_RULES.items():
        if route.name in rule.except_names:
            continue
        if route.namespace.split(":")[0] == namespace:
            return rule
        if route.name is None and rule.unnamed_pattern_prefix and route.pattern.startswith(rule.unnamed_pattern_prefix):
            return rule
    return None


def _is_public(route: Route) -> bool:
    return route.name in PUBLIC


PROTECTED = [r for r in ROUTES if not _is_public(r)]
RULED = [r for r in ROUTES if not _is_public(r) and _rule_for(r)]
DESCRIBED_ROUTES = [r for r in ROUTES if r.name in DESCRIBED and not _rule_for(r)]


def _ids(routes):
    return [r.key for r in routes]


# --- completeness -----------------------------------------------------------------------------


def test_every_route_is_described():
    missing = [r for r in ROUTES if not _is_public(r) and not _rule_for(r) and r.name not in DESCRIBED]
    assert not missing, (
        "these routes are not described in tests/security/routes.py; add each to DESCRIBED (who may GET/POST, "
        "how to build an object in 宣恩县) or, if anyone may reach it, to PUBLIC with the reason:\n  "
        + "\n  ".join(f"{r.key}  pattern={r.pattern!r}  params={r.params}" for r in missing)
    )


def test_the_registry_names_only_routes_that_exist():
    names = {r.name for r in ROUTES}
    stale = sorted((set(DESCRIBED) | set(PUBLIC)) - names)
    assert not stale, f"tests/security/routes.py describes routes that no longer exist: {stale}"


# --- anonymous visitors -------------------------------------------------------------------------


def _assert_sent_to_sign_in(route: Route, response, method: str):
    rule = _rule_for(route)
    where = f"{method} {route.url} ({route.key})"
    if route.is_api:
        assert response.status_code == 401, f"{where}: anonymous got {response.status_code}, expected 401"
        assert response["Content-Type"].startswith("application/json"), where
        assert response.json().get("detail"), where
    elif rule:
        assert response.status_code == 302, f"{where}: anonymous got {response.status_code}"
        assert response["Location"].startswith(rule.anonymous_redirect_prefix), where
    else:
        assert response.status_code == 302, f"{where}: anonymous got {response.status_code}, expected a redirect to sign in"
        assert response["Location"].startswith(LOGIN_PREFIX), f"{where}: sent to {response['Location']}"


@pytest.mark.slow
@pytest.mark.parametrize("route", PROTECTED, ids=_ids(PROTECTED))
def test_anonymous_visitors_are_sent_to_sign_in(route, client, tree):
    get, post = client.get(route.url), client.post(route.url, {})
    # A POST-only (or GET-only) view may answer the other method with 405 before asking who you
    # are: that tells nothing. The method it does accept must send the visitor to sign in.
    if get.status_code == 405 and not route.is_api:
        _assert_sent_to_sign_in(route, post, "POST")
    elif post.status_code == 405 and not route.is_api:
        _assert_sent_to_sign_in(route, get, "GET")
    else:
        _assert_sent_to_sign_in(route, get, "GET")
        _assert_sent_to_sign_in(route, post, "POST")


PUBLIC_ROUTES = [r for r in ROUTES if _is_public(r)]


@pytest.mark.slow
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=_ids(PUBLIC_ROUTES))
def test_public_routes_answer_anonymous_visitors_without_an_error(route, client, world):
    # ``world`` in the signature, not asked for inside the test: its module-wide users must be made
    # before this test's transaction, or the rollback after it takes them from every later test.
    url = PUBLIC_TARGETS[route.name](world).url if route.name in PUBLIC_TARGETS else route.url
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code < 500, route
        assert response.status_code != 404, route


# --- namespace rules (the admin) ---------------------------------------------------------------


def _user_for(world, role):
    user = world.insiders[role]
    if role != SUPERUSER:
        # The worst case: someone set the staff flag on a non-superuser by mistake.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@pytest.mark.slow
@pytest.mark.parametrize("route", RULED, ids=_ids(RULED))
def test_namespace_rules_keep_everyone_else_out(route, world):
    rule = _rule_for(route)
    for role in sorted(ALL_ROLES):
        client = Client()
        client.force_login(_user_for(world, role))
        for method in ("get", "post"):
            response = getattr(client, method)(route.url, {})
            where = f"{method.upper()} {route.url} as {role}"
            if role in rule.allowed:
                assert response.status_code < 500, where
            else:
                assert response.status_code == 302, f"{where}: {response.status_code}"
                location = response["Location"]
                assert location.startswith(rule.refused_redirect_prefix) or location in rule.refused_redirect_exact, (
                    f"{where}: sent to {location}"
                )


@pytest.mark.parametrize("namespace", sorted(NAMESPACE_RULES))
def test_namespace_rules_let_the_allowed_roles_in(namespace, world):
    rule = NAMESPACE_RULES[namespace]
    for role in rule.allowed:
        client = Client()
        client.force_login(_user_for(world, role))
        assert client.get(rule.ok_url).status_code == 200, role


# --- described routes ----------------------------------------------------------------------------


def _client_for(route: Route, user):
    if route.is_api:
        client = APIClient()
        client.force_authenticate(user)
        return client
    client = Client()
    client.force_login(user)
    return client


def _send(route: Route, client, method: str, t: Target, description: Described, world):
    if method == "get":
        return client.get(t.url)
    data = description.post_data(world, t) if description.post_data else {}
    if route.is_api:
        return client.post(t.url, data, format="json")
    return client.post(t.url, data)


def _text(response) -> str:
    """The response as a person would read it: JSON without \\u escapes, a workbook's cells."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content_type.startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    if body[:2] == b"PK":  # .xlsx (and .docx): the text lives in the zipped XML parts
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            # The xlsx writer spells non-ASCII text as character references (&#24352;): read them as text.
            parts = (archive.read(n).decode(errors="replace") for n in archive.namelist() if n.endswith(".xml"))
            return html.unescape(" ".join(parts))
    return body.decode(errors="replace")


def _snapshot(obj):
    if obj is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


def _methods(description: Described):
    """The methods a route is described for, GET first: a POST may change or delete the object."""
    return [(method, allowed) for method, allowed in (("get", description.get), ("post", description.post)) if allowed is not None]


def _cases():
    # One case per route and role, sending each described method: building the world is most of a
    # case's cost, and a GET leaves it as it was for the POST that follows.
    for route in DESCRIBED_ROUTES:
        if _methods(DESCRIBED[route.name]):
            for role in sorted(ALL_ROLES):
                yield pytest.param(route, role, id=f"{route.key}-{role}")


CASES = list(_cases())


@pytest.mark.slow
@pytest.mark.parametrize(("route", "role"), CASES)
def test_each_role_gets_what_the_registry_says(route, role, world):
    description = DESCRIBED[route.name]
    t = description.build(world)
    client = _client_for(route, world.insiders[role])
    for method, allowed in _methods(description):
        _check_insider(route, method, role, allowed, client, t, description, world)


def _check_insider(route, method, role, allowed, client, t, description, world):
    before = _snapshot(t.obj)
    response = _send(route, client, method, t, description, world)
    where = f"{method.upper()} {t.url} ({route.key}) as {role} of 宣恩县"
    if role in allowed:
        expected = description.get_status if method == "get" else description.post_status
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
        if t.marker and method == "get" and role in (description.marker_roles or allowed):
            assert t.marker in _text(response), f"{where}: {t.marker!r} is not shown"
        if role not in PHONE_ROLES:
            text = _text(response)
            for phone in world.full_phones():
                assert phone not in text, f"{where}: shows the full phone number {phone} to a role that sees it masked"
        if response.get("Content-Type", "").startswith("text/html"):
            found = csp_violations(response.content.decode())
            assert not found, f"{where}: the page has {', '.join(found)}, which the CSP blocks"
    else:
        if description.refused_redirect_to and response.status_code == 302:
            assert response["Location"].startswith(description.refused_redirect_to), where
        else:
            assert response.status_code in description.refused, f"{where}: {response.status_code}, expected {description.refused}"
        assert _snapshot(t.obj) == before, f"{where}: the object changed"


def _outsider_methods(description: Described, role: str):
    return [method for method, allowed in _methods(description) if role in allowed]


def _outsider_cases():
    # One case per route and role that has an outsider counterpart, sending each method its insider may.
    for route in DESCRIBED_ROUTES:
        description = DESCRIBED[route.name]
        for role in sorted(ROLES_WITH_OUTSIDERS):
            if _outsider_methods(description, role):
                yield pytest.param(route, role, id=f"{route.key}-{role}")


OUTSIDER_CASES = list(_outsider_cases())


@pytest.mark.slow
@pytest.mark.parametrize(("route", "role"), OUTSIDER_CASES)
def test_outsiders_get_404_and_change_nothing(route, role, world):
    description = DESCRIBED[route.name]
    t = description.build(world)
    client = _client_for(route, world.outsiders[role])
    for method in _outsider_methods(description, role):
        _check_outsider(route, method, role, client, t, description, world)


def _check_outsider(route, method, role, client, t, description, world):
    before = _snapshot(t.obj)
    response = _send(route, client, method, t, description, world)
    where = f"{method.upper()} {t.url} ({route.key}) as {role} of 洪湖市"
    if t.obj is not None:
        assert response.status_code == 404, f"{where}: {response.status_code}, expected 404"
        assert _snapshot(t.obj) == before, f"{where}: the object changed"
    elif t.marker:
        assert response.status_code < 500, where
        assert t.marker not in _text(response), f"{where}: shows {t.marker!r} from 宣恩县"
    for phone in world.full_phones():
        assert phone not in _text(response), f"{where}: shows the phone number {phone} of 宣恩县"


def test_the_worlds_ready_made_objects_lie_in_xuanen(world):
    # Descriptions rely on these being inside 宣恩县; an outsider's 404 would mean nothing otherwise.
    for obj in (world.deputy_a, world.station_a, world.activity_a, world.campaign_a, world.suggestion_a):
        assert obj.region.prefix.startswith(world.tree.xuanen.prefix)
    assert world.mandate_a.deputy.region.prefix.startswith(world.tree.xuanen.prefix)
    assert world.department_a.region == world.tree.xuanen
    assert world.own_deputy_a.user == world.insiders["deputy"]
