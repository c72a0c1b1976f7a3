"""Every transition of a suggestion, page and API: outsiders get 404 and change nothing; hostile
values posted by the people who may act never cause a 500.

The matrix (test_matrix.py) posts each transition once, from the state it starts from, as each role
of the county; these posts cover every action for every role of the other county, and the action
forms' hostile input.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from suggestions.api import SuggestionViewSet
from tests.security.hostile import HOSTILE_DATES, HOSTILE_NUMBERS, HOSTILE_TEXT, database_state
from tests.security.routes import CONGRESS_OFFICE, DEPUTY, HANDLER, ROLES_WITH_OUTSIDERS

pytestmark = pytest.mark.django_db

PAGE_ACTIONS = sorted(__import__("suggestions.page_actions", fromlist=["PAGE_ACTIONS"]).PAGE_ACTIONS)
API_ACTIONS = sorted(a.url_path for a in SuggestionViewSet.get_extra_actions() if a.detail and "post" in a.mapping)


def _snapshot(suggestion):
    return type(suggestion).objects.filter(pk=suggestion.pk).values().first()


@pytest.mark.parametrize("action", PAGE_ACTIONS)
def test_outsiders_cannot_act_on_a_suggestion_from_the_page(action, world):
    suggestion = world.suggestion_a
    before = _snapshot(suggestion)
    for role in sorted(ROLES_WITH_OUTSIDERS):
        client = Client()
        client.force_login(world.outsiders[role])
        response = client.post(reverse("suggestions:act", args=[suggestion.pk, action]), {"note": "x", "reason": "x"})
        assert response.status_code == 404, f"{action} as {role} of 洪湖市: {response.status_code}"
    assert _snapshot(suggestion) == before


@pytest.mark.parametrize("action", API_ACTIONS)
def test_outsiders_cannot_act_on_a_suggestion_through_the_api(action, world):
    suggestion = world.suggestion_a
    before = _snapshot(suggestion)
    for role in sorted(ROLES_WITH_OUTSIDERS):
        client = APIClient()
        client.force_authenticate(world.outsiders[role])
        response = client.post(f"/api/v1/suggestions/{suggestion.pk}/{action}/", {"note": "x"}, format="json")
        assert response.status_code == 404, f"{action} as {role} of 洪湖市: {response.status_code}"
    assert _snapshot(suggestion) == before


hostile_value = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    st.text(max_size=200),
    st.builds(lambda piece, n: piece * n, st.sampled_from(["测", "\x00"]), st.integers(100, 5_000)),
    st.lists(st.sampled_from(HOSTILE_NUMBERS + ["999999"]), min_size=2, max_size=3),
)
FIELDS = [
    "note",
    "reason",
    "text",
    "outcome_class",
    "follow_up_date",
    "value",
    "comment",
    "lead",
    "co_handlers",
    "category",
    "into",
    "suggested_department",
    "requested_due_at",
    "opinion",
]


@pytest.mark.slow
@pytest.mark.parametrize("role", [CONGRESS_OFFICE, DEPUTY, HANDLER])
def test_hostile_values_posted_to_any_action_never_break_the_page(role, world):
    suggestion = world.suggestion_a
    client = Client()
    client.force_login(world.insiders[role])

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(action=st.sampled_from(PAGE_ACTIONS), data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, hostile_value)))
    def post(action, data):
        with transaction.atomic():
            before = database_state()
            response = client.post(reverse("suggestions:act", args=[suggestion.pk, action]), data)
            where = f"POST {action} as {role} with {data!r:.300}"
            assert response.status_code in (302, 400, 403, 404), where
            if response.status_code != 302:
                assert database_state() == before, f"{where}: a refused action saved something"
            transaction.set_rollback(True)

    post()


# The action forms' id fields, each posted an id past any key: alone, and beside a real choice.
HUGE_IDS = ["99999999999999999999", "-99999999999999999999", "9223372036854775808"]
ID_FIELDS = [
    ("assign", "triage", CONGRESS_OFFICE, "lead", {"category": "transport"}),
    ("assign", "triage", CONGRESS_OFFICE, "co_handlers", {"category": "transport"}),
    ("request_return", "assigned", HANDLER, "suggested_department", {"reason": "不属于本单位职责"}),
]


@pytest.mark.parametrize(("action", "stage", "role", "field", "rest"), ID_FIELDS, ids=[f"{a}-{f}" for a, _s, _r, f, _d in ID_FIELDS])
def test_an_id_past_any_key_in_an_action_form_is_an_invalid_choice(action, stage, role, field, rest, world):
    from tests.security.routes_suggestions import _suggestion

    suggestion = _suggestion(world, stage)
    client = Client()
    client.force_login(world.insiders[role])
    url = reverse("suggestions:act", args=[suggestion.pk, action])
    for huge in HUGE_IDS:
        for value in (huge, [str(world.department_a.pk), huge]):
            before = database_state()
            response = client.post(url, {"lead": str(world.department_a.pk), **rest, field: value})
            where = f"POST {action} as {role} with {field}={value!r}"
            assert response.status_code == 400, f"{where}: {response.status_code}"
            form = next(form for key, _label, form in response.context["action_forms"] if key == action)
            assert field in form.errors, f"{where}: {form.errors}"
            assert database_state() == before, f"{where}: a refused action saved something"
