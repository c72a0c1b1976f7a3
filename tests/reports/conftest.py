"""Test data for campaign reports: the dashboards' data (every figure has something to count) plus
suggestions that qualify as typical cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports import document
from suggestions.models import AssignmentState, CoSignature, OutcomeClass, RatingValue, Status
from tests.dashboards import conftest as dashboards_conftest
from tests.factories.dashboards import (
    DashActivityFactory,
    DashAnswerFactory,
    DashAssignmentFactory,
    DashDepartmentFactory,
    DashDeputyFactory,
    DashRatingFactory,
    DashSuggestionFactory,
)

# The dashboards' fixtures: every figure has something to count.
campaign = dashboards_conftest.campaign
county_item = dashboards_conftest.county_item
data = dashboards_conftest.data


def typical(region, *, campaign, department, category="transport", cosigners=0, people=0, outcome=OutcomeClass.A,
            rating=RatingValue.SATISFIED, title=None, days_ago=10):
    """An answered suggestion with ``cosigners`` co-signing deputies, raised at an activity that
    reached ``people`` residents, answered with ``outcome`` and rated ``rating``."""
    lead = DashDeputyFactory(region=region)
    activity = DashActivityFactory(region=region, people_reached=people, campaigns=[campaign]) if people else None
    s = DashSuggestionFactory(
        region=region, lead_deputy=lead, campaign=campaign, status=Status.CLOSED, category=category,
        source_activity=activity, submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        **({"title": title} if title else {}),
    )
    for _ in range(cosigners):
        CoSignature.objects.create(suggestion=s, deputy=DashDeputyFactory(region=region))
    a = DashAssignmentFactory(suggestion=s, department=department, state=AssignmentState.ANSWERED)
    answer = DashAnswerFactory(assignment=a, outcome_class=outcome, text="已完成村道硬化2.3公里，群众出行条件明显改善。后续纳入日常养护。")
    if rating:
        DashRatingFactory(answer=answer, value=rating)
    return s


@pytest.fixture
def cases_data(tree, campaign, data):
    """Qualifying suggestions in two counties and two categories, and some that do not qualify."""
    xuanen, honghu = data["xuanen_dept"], DashDepartmentFactory(region=tree.honghu, name="洪湖市水利和湖泊局")
    return {
        "big_transport_zhushan": typical(tree.zhushan, campaign=campaign, department=xuanen, cosigners=3, people=40, title="关于硬化珠山镇村道的建议"),
        "second_transport_zhushan": typical(tree.zhushan, campaign=campaign, department=xuanen, cosigners=2, people=30),
        "water_fengkou": typical(tree.fengkou, campaign=campaign, department=honghu, category="water", cosigners=1, people=5),
        "b_class": typical(tree.zhushan, campaign=campaign, department=xuanen, cosigners=9, people=99, outcome=OutcomeClass.B),
        "basic_only": typical(tree.zhushan, campaign=campaign, department=xuanen, cosigners=9, people=99, rating=RatingValue.BASICALLY_SATISFIED),
        "unrated": typical(tree.fengkou, campaign=campaign, department=honghu, cosigners=9, people=99, rating=None),
    }


@pytest.fixture
def no_libreoffice(monkeypatch):
    """As on a machine without LibreOffice: the .docx is written, the PDF says why not."""
    monkeypatch.setattr(document, "soffice", lambda: None)


@pytest.fixture
def in_process(monkeypatch):
    """The generation task runs in this process on commit, broker or not."""
    from reports import services
    from reports.tasks import generate_campaign_report

    monkeypatch.setattr(generate_campaign_report, "delay", lambda report_id: services.report_run(report_id))
