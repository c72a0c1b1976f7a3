"""The scale seeder and the benchmark harness's plumbing (not timings: benchmarks are not timed tests).

The county scale runs through both load paths: bulk_create (any database) and COPY (PostgreSQL).
A model that gains a required column the seeder does not fill makes these fail with SeedDrift.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction

from accounts.demo_framework import DemoContext
from accounts.demo_scale import PLANS, BulkLoader, run
from accounts.models import User
from activities.models import Activity, Attendance
from deputies.models import Deputy, Mandate, MandateLevel
from liaison_stations.models import LiaisonStation, StationAssignment
from suggestions.models import Answer, Assignment, Rating, Status, Suggestion, SuggestionEvent

pytestmark = pytest.mark.django_db

SEEDED_APPS = ["regions", "accounts", "deputies", "liaison_stations", "activities", "suggestions"]


def _seed(*, use_copy=None, seed=7) -> StringIO:
    out = StringIO()
    ctx = DemoContext(password="pw-for-test", seed=seed, scale="county", out=out)
    run(ctx, use_copy=use_copy)
    return out


def _dangling_references() -> dict[str, int]:
    """Rows whose foreign key points at nothing, per model.field (FK checks are off during COPY)."""
    found = {}
    for label in SEEDED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey):
                    continue
                target = field.related_model
                dangling = (
                    model._base_manager.filter(**{f"{field.attname}__isnull": False})
                    .exclude(**{f"{field.attname}__in": target._base_manager.values("pk")})
                    .count()
                )
                if dangling:
                    found[f"{model._meta.label}.{field.name}"] = dangling
    return found


def _check_county_data() -> None:
    plan = PLANS["county"]
    assert Deputy.objects.count() > 200
    assert Activity.objects.count() == plan.activities
    assert Suggestion.objects.count() == plan.suggestions
    assert Attendance.objects.count() >= plan.activities
    assert LiaisonStation.objects.exists() and StationAssignment.objects.exists()
    assert Assignment.objects.exists() and Answer.objects.exists() and Rating.objects.exists()
    assert SuggestionEvent.objects.count() > plan.suggestions
    # Every state of the life cycle, every level of deputy, and some people with two seats.
    assert set(Suggestion.objects.values_list("status", flat=True).distinct()) == set(Status.values)
    assert set(Mandate.objects.values_list("level", flat=True).distinct()) == set(MandateLevel.values)
    two_seats = Deputy.objects.annotate(seats=models.Count("mandates")).filter(seats__gt=1)
    assert two_seats.exists()
    assert _dangling_references() == {}
    # A closed suggestion has its answer and rating; a draft has no events.
    closed = Suggestion.objects.filter(status=Status.CLOSED).first()
    assert closed.answers.exists() and closed.ratings.exists() and closed.events.filter(to_status=Status.CLOSED).exists()
    assert not Suggestion.objects.filter(status=Status.DRAFT, events__isnull=False).exists()
    # The similar-suggestion index is built with the seed: every suggestion has its terms, as indexing one would write them.
    from suggestions.models import SuggestionTerm
    from suggestions.similarity import term_vector

    assert SuggestionTerm.objects.values("suggestion_id").distinct().count() == plan.suggestions
    sample = Suggestion.objects.select_related("region").order_by("id")[plan.suggestions // 2]
    stored = {t.term: (t.county, round(t.weight, 9)) for t in SuggestionTerm.objects.filter(suggestion=sample)}
    expected = {t: (sample.region.prefix[:6], round(w, 9)) for t, w in term_vector(sample.title, sample.content).items()}
    assert stored == expected
    # What save() and the services keep on other paths, the seeder writes itself: the region prefix
    # copies (scope) and each suggestion's running lead, the same as the rules give.
    for model in (Deputy, Activity, Suggestion):
        assert not model.objects.exclude(region_prefix=models.F("region__prefix")).exists(), model.__name__
    from suggestions.services.assignments import running_lead

    stored = list(Suggestion.objects.annotate(rule=running_lead()).values_list("lead_assignment_id", "rule"))
    assert all(kept == rule for kept, rule in stored) and any(kept for kept, _ in stored)


def test_it_seeds_the_county_scale_with_bulk_create(settings):
    # given a database with nothing in it (SQLite in the default run)
    settings.DEBUG = True
    out = StringIO()

    # when
    call_command("seed_demo", "--scale", "county", "--password", "pw-for-test", stdout=out)

    # then
    _check_county_data()
    assert User.objects.get(username="provincial").check_password("pw-for-test")
    assert User.objects.get(username="deputy").deputy_profile.name == "向明华"
    assert "行/秒" in out.getvalue()  # the terminal shows progress


def _fingerprint() -> tuple:
    return (
        list(Deputy.objects.order_by("id").values_list("name", "birth_date", "region__code")),
        list(Activity.objects.order_by("id").values_list("type", "date", "households_visited", "region__code")),
        list(Suggestion.objects.order_by("id").values_list("status", "category", "title", "lead_deputy__name")),
    )


class _Rollback(Exception):
    pass


def test_it_makes_the_same_data_from_the_same_seed():
    fingerprints = []
    for _ in range(2):
        with pytest.raises(_Rollback), transaction.atomic():
            _seed(use_copy=False, seed=11)
            fingerprints.append(_fingerprint())
            raise _Rollback
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0][2]


@pytest.mark.postgres
def test_it_seeds_the_county_scale_with_copy(monkeypatch):
    # given: every table counts as big, so the drop-and-rebuild of indexes runs too
    monkeypatch.setattr(BulkLoader, "BIG_TABLES_MIN_ROWS", 0)
    indexes_before = _index_definitions("activities_attendance")

    # when
    out = _seed()

    # then
    assert "PostgreSQL COPY" in out.getvalue()
    _check_county_data()
    assert _index_definitions("activities_attendance") == indexes_before
    # The sequences moved past the seeded ids: ordinary inserts still work.
    region = Deputy.objects.first().region
    assert Deputy.objects.create(name="新代表", region=region).pk > Deputy.objects.exclude(name="新代表").order_by("-pk").first().pk


def _index_definitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])
        return [row[0] for row in cursor.fetchall()]


def test_it_refuses_a_model_column_the_seeder_does_not_fill():
    from accounts.demo_scale import SeedDrift

    loader = BulkLoader(out=StringIO(), postgres=False)
    with pytest.raises(SeedDrift, match="no column"):
        loader.spec(Deputy, ["id", "not_a_column"])
    # An optional column (another branch's) is dropped quietly when absent.
    spec = loader.spec(Deputy, ["id", "name", "region_id", "not_yet_added?"])
    assert spec.columns == ["id", "name", "region_id"]


def test_the_ping_endpoint_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/v1/ping/")
    assert response.status_code == 200
    assert response.json() == {"pong": True}


def test_the_noop_task_has_the_name_the_bench_sends():
    from health.tasks import noop

    assert noop.name == "health.tasks.noop"
    assert noop.delay() is not None  # eager without a broker: runs and returns


def test_it_refuses_a_database_that_already_has_townships(settings, tree):
    from django.core.management import CommandError

    settings.DEBUG = True
    with pytest.raises(CommandError, match="空数据库"):
        call_command("seed_demo", "--scale", "county", stdout=StringIO())
    assert not Deputy.objects.exists()
