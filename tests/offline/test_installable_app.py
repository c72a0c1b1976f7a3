"""The installable app: the manifest linked from every page, its icons, and the service worker served
from the site root with the vendored Workbox and the assets it precaches."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons_exist():
    manifest = json.loads(open(finders.find("manifest.webmanifest"), encoding="utf-8").read())
    assert manifest["name"] == "代表行动"
    assert manifest["start_url"].startswith("/")
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_signed_in_page_links_the_manifest_and_loads_the_outbox(client_as, xuanen_staff):
    html = client_as(xuanen_staff).get("/").content.decode()
    assert re.search(r'<link rel="manifest" href="/static/manifest.webmanifest">', html)
    assert 'src="/static/js/outbox.js" data-sw="/sw.js"' in html


def test_the_login_page_links_the_manifest_without_the_outbox(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="manifest"' in html
    assert "outbox.js" not in html


def test_the_service_worker_is_served_from_the_root_with_workbox_and_a_revisioned_precache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("const OFFLINE = ").removesuffix(";"))
    assert config["workbox"] == "/static/vendor/workbox-7.4.1/"
    assert finders.find("vendor/workbox-7.4.1/workbox-sw.js")
    urls = {entry["url"] for entry in config["precache"]}
    assert {"/static/js/activities.js", "/static/js/outbox.js", "/static/css/app.css"} <= urls
    assert all(entry["revision"] for entry in config["precache"])
    assert "/activities/new/" in config["pages"]
    assert "importScripts(OFFLINE.workbox" in body


def test_the_visit_form_gives_each_place_its_code_and_the_api_to_queue_for(client_as, xuanen_staff, tree):
    html = client_as(xuanen_staff).get("/activities/new/").content.decode()
    assert 'data-offline-api="/api/v1/activities/"' in html
    assert f'data-code="{tree.zhushan.code}"' in html


def test_the_service_worker_imports_the_outbox_sender_for_background_sync(client):
    body = client.get("/sw.js").content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("const OFFLINE = ").removesuffix(";"))
    assert config["outbox"] == ["/static/vendor/idb-8.0.4/idb.umd.js", "/static/js/outbox-core.js"]
    assert all(finders.find(url.removeprefix("/static/")) for url in config["outbox"])
    assert '"sync"' in body and "importScripts(...OFFLINE.outbox)" in body


def test_the_suggestion_form_queues_to_the_api_and_names_regions_by_code(client_as, xuanen_staff, tree):
    html = client_as(xuanen_staff).get("/suggestions/new/").content.decode()
    assert 'data-outbox-form="suggestion" data-offline-api="/api/v1/suggestions/"' in html
    assert f'data-code="{tree.zhushan.code}"' in html


def test_staff_who_log_visits_keep_the_deputy_list_for_offline_search(client_as, xuanen_staff):
    html = client_as(xuanen_staff).get("/").content.decode()
    assert 'data-roster="/activities/deputy-roster/"' in html
    assert 'src="/static/js/outbox-core.js"' in html


def test_a_deputy_keeps_no_deputy_list(client_as, tree):
    from accounts.models import Role
    from tests.factories.accounts import UserFactory

    deputy = UserFactory(role=Role.DEPUTY, region=tree.zhushan)
    assert "data-roster" not in client_as(deputy).get("/").content.decode()


def _warm(html: str) -> tuple[list[str], str]:
    pages = re.search(r'data-warm="([^"]*)"', html).group(1).split()
    key = re.search(r'data-warm-key="([0-9a-f]*)"', html).group(1)
    return pages, key


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("xuanen_staff", ["/activities/new/", "/suggestions/new/"]),
        ("xuanen_office", ["/activities/new/", "/suggestions/new/"]),
        ("provincial", ["/activities/new/"]),
        ("deputy", ["/suggestions/new/"]),
        ("handler", []),
    ],
)
def test_only_the_forms_a_user_may_open_are_fetched_ahead_for_offline_use(request, client_as, persona, expected, tree):
    from accounts.models import Role
    from tests.factories.suggestions import DepartmentFactory, deputy_user, handler_user

    if persona == "deputy":
        user, _deputy = deputy_user(tree.zhushan)
    elif persona == "handler":
        user = handler_user(DepartmentFactory(region=tree.xuanen, type="transport"))
    else:
        user = request.getfixturevalue(persona)
    assert Role(user.role)  # a real role, not a made-up one
    client = client_as(user)
    pages, key = _warm(client.get("/").content.decode())
    assert pages == expected
    # each page fetched ahead opens for this user (the page's script keeps only a 200)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert len(key) == 16 and key not in client.session.session_key
    # the visit form's deputy list is kept by exactly the users whose visit form is kept, and opens for them
    roster = re.search(r'data-roster="([^"]*)"', client.get("/").content.decode())
    assert bool(roster) == ("/activities/new/" in pages)
    if roster:
        assert client.get(roster.group(1)).status_code == 200


def test_the_warm_key_changes_with_each_sign_in(client, xuanen_staff):
    keys = []
    for _ in range(2):
        client.force_login(xuanen_staff)
        keys.append(_warm(client.get("/").content.decode())[1])
        client.logout()
    assert keys[0] != keys[1]
