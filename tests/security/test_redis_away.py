"""Finding 2 of the attack run: with Redis away (the shared cache and the broker), the product
degrades and does not fall over: API writes and reads, token login, the QR form, the dashboards and
their export and the similar-suggestion lookup all still answer 2xx; /healthz says 503.

The Redis is the test's own (tests/security/redis_server.py), used while it runs, then stopped."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from config.celery import app as celery_app
from tests.conftest import PASSWORD
from tests.security.redis_server import OwnRedis
from tests.security.routes import CONGRESS_OFFICE, DEPUTY, PROVINCIAL_OFFICE

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away():
    """Cache and broker on a Redis of the test's own; yields it running; the test stops it."""
    redis = OwnRedis()
    cache_settings = {
        "default": {
            "BACKEND": "config.cache_outage.ResilientRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    with override_settings(CACHES=cache_settings, CELERY_BROKER_URL=redis.url, CELERY_TASK_ALWAYS_EAGER=False):
        celery_app.conf.update(broker_url=redis.url, task_always_eager=False)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        try:
            yield redis
        finally:
            redis.stop()
            celery_app.conf.update(**saved)
            celery_app._pool = None
            celery_app.amqp._producer_pool = None
            caches["default"].close()


def _suggestion_body(world):
    return {"title": "村口便民桥年久失修", "content": "便民桥栏杆松动，雨天路滑，请求维修。", "region": world.tree.zhushan.code, "submit": True}


def test_the_api_pages_and_exports_answer_while_redis_is_away(world, api_as, client_as, redis_away, caplog):
    deputy = world.insiders[DEPUTY]
    office = world.insiders[CONGRESS_OFFICE]
    province = world.insiders[PROVINCIAL_OFFICE]
    station = world.station_a
    # given the product has run against Redis (kept pages, throttle counters, a token check)
    assert api_as(deputy).get("/api/v1/suggestions/").status_code == 200
    # when Redis goes away
    redis_away.stop()
    caplog.set_level(logging.WARNING)
    # then writes and reads over the API still succeed
    deputy_api = api_as(deputy)
    for _ in range(3):
        response = deputy_api.post("/api/v1/suggestions/", _suggestion_body(world), format="json")
        assert response.status_code == 201, response.content
    assert deputy_api.get("/api/v1/suggestions/").json()["count"] == 3
    office_api = api_as(office)
    assert office_api.get("/api/v1/deputies/").status_code == 200
    assert office_api.get("/api/v1/activities/").status_code == 200
    # token login
    from rest_framework.test import APIClient

    token = APIClient().post("/api/v1/auth/token/", {"username": deputy.username, "password": PASSWORD}, format="json")
    assert token.status_code == 200, token.content
    # the QR form (shown, and a message sent)
    from residents import challenge
    from residents.selectors import station_public_key

    form_url = reverse("residents:public_form", args=[station_public_key(station)])
    resident = Client()  # the QR form needs no account
    assert resident.get(form_url).status_code == 200
    question, signed = challenge.issue(issued_at=0)
    sent = resident.post(form_url, {"text": "路灯坏了好几天了，晚上看不见路。", "challenge": signed, "answer": str(challenge.answer_of(signed))})
    assert sent.status_code == 302, sent.content.decode()[:400]
    # the dashboards and their export, the similar-suggestion lookup
    office_pages = client_as(office)
    assert office_pages.get(reverse("dashboards:region", args=[office.region.code])).status_code == 200
    assert office_pages.get(reverse("dashboards:export", args=[office.region.code])).status_code == 200
    assert client_as(province).get(reverse("dashboards:region", args=[province.region.code])).status_code == 200
    assert client_as(deputy).get(reverse("suggestions:similar"), {"q": "便民桥维修"}).status_code == 200
    # the submissions wait for the sweeper, and the outage is in the log
    from suggestions.models import Status, Suggestion

    assert Suggestion.objects.filter(status=Status.SUBMITTED).count() == 3
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)
    # and /healthz tells the truth
    assert Client().get("/healthz").status_code == 503


def test_the_api_throttle_counts_in_redis_with_an_expiring_counter_and_in_the_process_while_it_is_away(
    world, api_as, redis_away, monkeypatch
):
    import redis as redis_client
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "4/minute"})
    cache = caches["default"]
    # the counter the throttle uses: created at its first increment, expiring with its window
    assert [cache.incr_with_expiry("window-key", 61) for _ in range(3)] == [1, 2, 3]
    raw = redis_client.Redis.from_url(redis_away.url)
    [stored] = raw.keys("*window-key")
    assert 0 < raw.ttl(stored) <= 61 and int(raw.get(stored)) == 3
    assert cache.get("window-key") == 3  # the value as Django's own incr and get read it
    # the API's per-user limit is counted there: the fifth request in the minute is refused
    office = api_as(world.insiders[CONGRESS_OFFICE])
    assert [office.get("/api/v1/auth/me/").status_code for _ in range(5)] == [200] * 4 + [429]
    # with Redis away the limit is counted in the process: the API answers, and still stops a runaway caller
    redis_away.stop()
    deputy = api_as(world.insiders[DEPUTY])
    assert [deputy.get("/api/v1/auth/me/").status_code for _ in range(5)] == [200] * 4 + [429]
