"""The router and the similarity check are loaded when a process starts, not by the first submission:
config.warmup runs each app's ``warm_up`` hook, from config/wsgi.py in a web process and from the
Celery worker's start signals (tests/integration/test_worker_warmup.py starts a real worker)."""

from __future__ import annotations

import pytest
from celery.signals import worker_init, worker_process_init

from config import celery as celery_app
from config.warmup import warm_up
from suggestions.routing import features, router

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold(monkeypatch):
    """A process that has loaded nothing yet: no router model, no jieba dictionary."""
    monkeypatch.delenv("WARM_UP", raising=False)
    monkeypatch.setattr(features, "_segmenter", None)
    router.reset_cache()
    yield
    router.reset_cache()


def _loaded() -> bool:
    return router._loaded.classifier is not None and features._segmenter is not None


def test_the_warm_up_loads_the_router_and_the_segmenter(cold):
    assert not _loaded()
    assert "suggestions" in warm_up()
    assert _loaded()


@pytest.mark.parametrize("handler", [celery_app.warm_up_before_forking, celery_app.warm_up_pool_process])
def test_the_workers_start_signals_load_the_router(cold, handler):
    handler(sender=None)
    assert _loaded()


def test_the_handlers_are_connected_to_the_workers_start_signals():
    assert celery_app.warm_up_before_forking in worker_init._live_receivers(None)
    assert celery_app.warm_up_pool_process in worker_process_init._live_receivers(None)


def test_warm_up_false_turns_it_off(cold, monkeypatch):
    monkeypatch.setenv("WARM_UP", "false")
    assert warm_up() == []
    assert router._loaded.classifier is None


def test_a_database_not_ready_still_loads_the_bundled_model(cold, monkeypatch):
    from django.db import OperationalError

    def refuse():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(router, "active_classifier", refuse)
    assert "suggestions" in warm_up()
    assert features._segmenter is not None


def test_a_failing_app_does_not_stop_the_process(cold, monkeypatch):
    from django.apps import apps

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(apps.get_app_config("suggestions"), "warm_up", broken)
    assert warm_up() == []
