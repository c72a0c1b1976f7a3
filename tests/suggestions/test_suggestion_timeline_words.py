"""The timeline speaks plainly to deputies; the router's figures are for offices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suggestions import services

ROUTER_NOTE = "系统分办置信度 0.76，低于阈值 0.85，请人工分办。"


def _routed_to_triage(submitted):
    """A suggestion the router sent to triage, with the router's note (category, confidence, threshold)."""
    suggestion = submitted()
    if not suggestion.events.filter(action="route_to_triage").exists():
        services.suggestion_route_to_triage(suggestion.pk, guesses=[], note=ROUTER_NOTE)
    return suggestion

pytestmark = pytest.mark.django_db


def test_a_deputy_reads_plain_words_for_the_router_move(client, submitted, world):
    # given a suggestion the router sent to triage (its note carries confidence and threshold)
    suggestion = _routed_to_triage(submitted)
    assert "置信度" in suggestion.events.get(action="route_to_triage").note
    # when its lead deputy opens it
    client.force_login(world.deputy_user)
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    # then the timeline says what happened in words, without figures
    assert "已转人工分办" in page
    assert "置信度" not in page and "阈值" not in page


def test_an_office_still_sees_the_router_figures(client, submitted, xuanen_office):
    suggestion = _routed_to_triage(submitted)
    client.force_login(xuanen_office)
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert "阈值" in page


GUESSES = [
    {"category": "water", "name": "水利水务", "confidence": 0.9987, "source": "router", "reasons": ["前两个类别接近"]},
    {"category": "agriculture", "name": "农业农村", "confidence": 0.0008, "source": "router"},
]


def test_the_api_gives_a_deputy_the_same_plain_words_and_no_figures(api_as, submitted, world):
    # given a suggestion the router sent to triage with its guesses and figures
    suggestion = _routed_to_triage(submitted)
    suggestion.router_guesses = GUESSES
    suggestion.save(update_fields=["router_guesses"])
    # when its lead deputy reads it through the API
    body = api_as(world.deputy_user).get(f"/api/v1/suggestions/{suggestion.pk}/").json()
    # then no confidence, threshold or guess reaches them
    assert body["router_guesses"] == []
    routed = [e for e in body["events"] if e["action"] == "route_to_triage"]
    assert routed and all(e["note"].startswith("已转人工分办") for e in routed)
    assert all("guesses" not in e["data"] and "confidence" not in e["data"] for e in routed)
    assert "置信度" not in str(body) and "0.9987" not in str(body)


def test_the_api_gives_an_office_the_router_figures(api_as, submitted, xuanen_office):
    suggestion = submitted()
    suggestion.router_guesses = GUESSES
    suggestion.save(update_fields=["router_guesses"])
    body = api_as(xuanen_office).get(f"/api/v1/suggestions/{suggestion.pk}/").json()
    assert body["router_guesses"][0]["confidence"] == 0.9987


def test_the_triage_queue_never_reads_certain_and_says_why_a_person_decides(client, submitted, xuanen_office):
    # given a suggestion waiting in triage whose best guess is almost, not quite, certain
    suggestion = _routed_to_triage(submitted)
    suggestion.router_guesses = GUESSES
    suggestion.save(update_fields=["router_guesses"])
    client.force_login(xuanen_office)
    # when the office opens its triage queue and the suggestion
    queue = client.get(reverse("suggestions:triage")).content.decode()
    detail = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    # then the calibrated confidence is shown rounded down, never 100%, with the reason it waits
    for page in (queue, detail):
        assert "置信度 99%" in page and "100%" not in page
        assert "前两个类别接近" in page


@pytest.mark.parametrize(("confidence", "shown"), [(0.9987, 99), (1.0, 99), (0.849, 84), (0.0, 0), (None, None), ("x", None), (True, None)])
def test_a_confidence_is_shown_rounded_down_and_below_certainty(confidence, shown):
    from suggestions.router_words import percent

    assert percent(confidence) == shown


def test_a_returning_departments_hint_says_why_the_suggestion_waits():
    from suggestions.router_words import waiting_reasons

    assert waiting_reasons([{"department": 3, "name": "宣恩县水利局", "source": "return"}]) == ["承办单位申请退回，已同意"]
