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
