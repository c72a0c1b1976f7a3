"""Factories for the suggestions app (and the minimal deputies it needs)."""

import factory
from django.utils import timezone

from accounts.models import Role
from deputies.models import Deputy
from suggestions.models import Department, Handler, Suggestion
from tests.factories.accounts import UserFactory


class SuggestionDeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: f"代表{n}")
    region = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    region = None
    type = "transport"
    name = factory.Sequence(lambda n: f"交通运输局{n}")


def deputy_user(region, username="deputy", name="向明华"):
    """A deputy's login and their Deputy record."""
    user = UserFactory(username=username, role=Role.DEPUTY, region=region, full_name=name)
    deputy = SuggestionDeputyFactory(name=name, region=region, user=user)
    return user, deputy


def handler_user(department, username="transport-xuanen"):
    user = UserFactory(username=username, role=Role.DEPARTMENT_HANDLER, region=department.region, full_name=department.name)
    Handler.objects.create(user=user, department=department)
    return user


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    title = factory.Sequence(lambda n: f"关于修缮第{n}号村道的建议")
    content = "村道年久失修，雨天泥泞，群众出行不便，建议列入年度计划修缮。"
    region = None
    lead_deputy = None
    submitted_at = factory.LazyFunction(timezone.now)
