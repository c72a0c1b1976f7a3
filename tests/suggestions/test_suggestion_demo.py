"""seed_demo: departments for both counties, the transport-xuanen handler, demo suggestions."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.demo_framework import DemoContext
from accounts.models import Role, User
from suggestions.models import Department, Status, Suggestion
from suggestions.selectors import suggestions_visible_to
from suggestions.taxonomy import department_type_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_regions", stdout=StringIO())
    call_command("seed_demo", "--password", "pw-for-test", stdout=StringIO())


def test_it_seeds_departments_and_the_handler(seeded):
    for code in ("422825", "421083"):
        assert Department.objects.filter(region__code=code).count() == len(department_type_choices())
    handler = User.objects.get(username="transport-xuanen")
    assert handler.role == Role.DEPARTMENT_HANDLER and handler.check_password("pw-for-test")
    assert handler.handler.department.name == "宣恩县交通运输局"
    assert handler.region.code == "422825"


def test_it_seeds_the_deputys_suggestions_in_several_states(seeded):
    from accounts import demo as accounts_demo
    from regions import demo as regions_demo
    from suggestions import demo

    deputy_user = User.objects.get(username="deputy")
    assert Suggestion.objects.filter(lead_deputy__user=deputy_user).count() == len(demo.DEMO_SUGGESTIONS)
    states = set(Suggestion.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.TRIAGE, Status.ASSIGNED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED} <= states
    # running it again adds nothing
    ctx = DemoContext(password="pw-for-test", seed=1, scale="demo", out=StringIO())
    regions_demo.seed(ctx)
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    assert Suggestion.objects.count() == len(demo.DEMO_SUGGESTIONS)


def test_every_demo_page_renders_for_every_demo_persona(seeded, client_as):
    from django.urls import reverse

    for username in ("deputy", "xuanen", "transport-xuanen", "provincial", "xuanen-township", "honghu"):
        client = client_as(User.objects.get(username=username))
        for name in ("list", "mine", "supervision", "notifications", "calendar"):
            assert client.get(reverse(f"suggestions:{name}")).status_code == 200, (username, name)
        # Each suggestion's page opens exactly for those whose lists show it; for everyone else it is 404.
        visible = set(suggestions_visible_to(User.objects.get(username=username)).values_list("pk", flat=True))
        if username in ("deputy", "xuanen", "transport-xuanen", "provincial"):
            assert visible, f"{username} sees no demo suggestion"
        for s in Suggestion.objects.all():
            expected = 200 if s.pk in visible else 404
            assert client.get(reverse("suggestions:detail", args=[s.pk])).status_code == expected, (username, s.title)
    handler = client_as(User.objects.get(username="transport-xuanen"))
    assert "关于修缮椒园镇至珠山镇公路的建议" in handler.get(reverse("suggestions:inbox") + "?tab=all").content.decode()
    assert client_as(User.objects.get(username="xuanen")).get(reverse("suggestions:triage")).status_code == 200


def test_the_demos_triage_suggestion_waits_for_a_reason_the_router_gave(seeded, client_as):
    from django.urls import reverse

    waiting = Suggestion.objects.get(status=Status.TRIAGE)
    best = waiting.router_guesses[0]
    # routed by the router itself: its calibrated confidence, and why a person decides
    assert best["source"] == "router" and best["reasons"]
    event = waiting.events.get(action="route_to_triage")
    assert event.actor_label and "置信度" in event.note
    page = client_as(User.objects.get(username="xuanen")).get(reverse("suggestions:triage")).content.decode()
    assert waiting.title in page and "转人工原因" in page and "100%" not in page
