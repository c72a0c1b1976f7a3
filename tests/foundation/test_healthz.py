import pytest
from django.test import override_settings

from health import checks

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["broker"]["ok"]


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor():
        raise RuntimeError("connection refused")

    monkeypatch.setattr(checks.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "RuntimeError"}


def test_healthz_is_503_when_the_broker_is_unreachable(client):
    # nothing listens on port 1
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
