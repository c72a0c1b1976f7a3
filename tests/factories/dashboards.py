"""Factories for the dashboards' tests. Named Dash* so they never clash with the owning apps' own
factories when those branches are merged."""

import datetime as dt

import factory
from django.utils import timezone

from activities.models import Activity, ActivityType, Attendance, Campaign
from deputies.models import Deputy, Mandate, MandateLevel
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    Department,
    OutcomeClass,
    Rating,
    RatingValue,
    Status,
    Suggestion,
)
from suggestions.services.assignments import sync_running_lead


class DashDeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: f"代表{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class DashMandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DashDeputyFactory)
    level = MandateLevel.COUNTY
    congress_region = factory.SelfAttribute("deputy.region")
    term = "第十九届"


class DashStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonStation

    name = factory.Sequence(lambda n: f"联络站{n}")


class DashStationAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationAssignment


class DashStandardItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardItem

    name = factory.Sequence(lambda n: f"标准{n}")


class DashStationStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationStandard

    met = True


class DashReceptionDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionDay

    date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=3))


class DashCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    year = factory.LazyFunction(lambda: dt.date.today().year)
    title = "察民情、聚民智、惠民生"
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=120))
    end_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=120))


class DashActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    type = ActivityType.VISIT
    date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    households_visited = 3
    enterprises_visited = 1
    people_reached = 10

    @factory.post_generation
    def campaigns(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create and extracted:
            obj.campaigns.set(extracted)

    @factory.post_generation
    def attendees(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            Attendance.objects.bulk_create([Attendance(activity=obj, deputy=d) for d in extracted])


class DashDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    type = "transport"
    name = factory.Sequence(lambda n: f"交通运输局{n}")


class DashSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    title = factory.Sequence(lambda n: f"关于修缮村道的建议{n}")
    content = "村道年久失修，群众出行不便。"
    category = "transport"
    status = Status.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))


class DashAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    role = AssignmentRole.LEAD
    assigned_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=9))
    due_at = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=60))
    # The services store the reminder start and the long-overdue day with the due date (the default
    # policy: 5 working days either side, a calendar week here); every surface reads these stored dates.
    remind_at = factory.LazyAttribute(lambda a: a.due_at and a.due_at - dt.timedelta(days=7))
    long_overdue_at = factory.LazyAttribute(lambda a: a.due_at and a.due_at + dt.timedelta(days=7))

    @factory.post_generation
    def running_lead(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        # Written by hand, not by a service: keep the suggestion's stored running lead as the services do.
        if create:
            sync_running_lead([obj.suggestion_id])


class DashAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    suggestion = factory.SelfAttribute("assignment.suggestion")
    text = "已列入明年计划。"
    outcome_class = OutcomeClass.B
    answered_at = factory.LazyFunction(timezone.now)
    on_time = True


class DashRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    suggestion = factory.SelfAttribute("answer.suggestion")
    deputy = factory.SelfAttribute("answer.suggestion.lead_deputy")
    value = RatingValue.SATISFIED
    rated_at = factory.LazyFunction(timezone.now)
