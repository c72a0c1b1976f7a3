"""Suggestions personas: the demo's deputy, office, handler and an outsider county's handler."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from deputies.models import Deputy
from suggestions import services
from suggestions.models import Department
from tests.factories.suggestions import DepartmentFactory, deputy_user, handler_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class World:
    deputy_user: object
    deputy: Deputy
    transport: Department
    education: Department
    handler: object
    education_handler: object
    honghu_transport: Department
    honghu_handler: object


@pytest.fixture
def calendar_loaded(db):
    """Real holidays and make-up days for 2025 and 2026 (what ``manage.py load_calendar`` loads)."""
    services.calendar_load_chinese_calendar(years=[2025, 2026])


@pytest.fixture
def world(tree, calendar_loaded) -> World:
    user, deputy = deputy_user(tree.zhushan)
    transport = DepartmentFactory(region=tree.xuanen, type="transport", name="宣恩县交通运输局")
    education = DepartmentFactory(region=tree.xuanen, type="education", name="宣恩县教育局")
    honghu_transport = DepartmentFactory(region=tree.honghu, type="transport", name="洪湖市交通运输局")
    return World(
        deputy_user=user,
        deputy=deputy,
        transport=transport,
        education=education,
        handler=handler_user(transport),
        education_handler=handler_user(education, username="education-xuanen"),
        honghu_transport=honghu_transport,
        honghu_handler=handler_user(honghu_transport, username="transport-honghu"),
    )


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.current = None

    def set(self, value) -> None:
        """Pretend it is ``value`` (a date means 10:00 that day in Shanghai)."""
        if isinstance(value, dt.datetime):
            self.current = value
        else:
            self.current = dt.datetime.combine(value, dt.time(10, 0), tzinfo=SHANGHAI)
        self.monkeypatch.setattr(timezone, "now", lambda: self.current)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def submitted(world, xuanen_office, django_capture_on_commit_callbacks):
    """A suggestion submitted by the deputy and routed to triage (the placeholder router)."""

    def make(title="关于修缮椒园镇至珠山镇公路的建议", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            suggestion = services.suggestion_create(
                actor=world.deputy_user,
                title=title,
                content="该路段坑洼严重，雨天积水，群众出行困难，建议尽快修缮。",
                region=kwargs.pop("region", xuanen_office.region),
                lead_deputy=world.deputy,
                submit=True,
                **kwargs,
            )
        suggestion.refresh_from_db()
        return suggestion

    return make


@pytest.fixture
def assigned(submitted, world, xuanen_office):
    def make(**kwargs):
        suggestion = submitted(**kwargs)
        services.suggestion_assign(suggestion.pk, lead=world.transport, actor=xuanen_office, category="transport")
        suggestion.refresh_from_db()
        return suggestion

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Personas are created per test; the production hasher's cost is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Run the routing task in-process after commit even when a broker is configured: these tests
    are about the lifecycle, not the worker (tests/integration covers a real worker)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _router_sends_everything_to_triage(settings):
    """These tests follow the office's moves from triage: a threshold no confidence reaches keeps the
    real router (tests/routing) from assigning their suggestions on its own."""
    settings.ROUTER_CONFIDENCE_THRESHOLD = 1.01


@pytest.fixture
def draft(world, tree):
    """A draft the deputy wrote (and entered) themselves."""
    return services.suggestion_create(
        actor=world.deputy_user, title="关于增设路灯的建议", content="夜间照明不足。", region=tree.zhushan, lead_deputy=world.deputy
    )
