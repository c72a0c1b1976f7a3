"""Who may do what: one answer (``permissions.actions_for``) for the services, the page and the API."""

from __future__ import annotations

import pytest

from suggestions import selectors, services
from suggestions.models import Status
from suggestions.permissions import actions_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered_by_clerk(world, xuanen_staff, django_capture_on_commit_callbacks):
    """A suggestion the township clerk entered on the deputy's behalf and submitted."""
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = services.suggestion_create(
            actor=xuanen_staff, title="关于增设珠山镇公交站点的建议", content="群众候车无遮挡，建议增设站台。",
            region=xuanen_staff.region, lead_deputy=world.deputy, submit=True,
        )
    return suggestion


def test_the_clerk_who_entered_it_sees_the_withdraw_button(entered_by_clerk, xuanen_staff, client_as):
    # given the clerk who entered the suggestion
    # when they open its page
    response = client_as(xuanen_staff).get(f"/suggestions/{entered_by_clerk.pk}/")
    # then the withdraw form is there, and it works
    assert response.status_code == 200
    keys = [key for key, _label, _form in response.context["action_forms"]]
    assert "withdraw" in keys
    response = client_as(xuanen_staff).post(f"/suggestions/{entered_by_clerk.pk}/withdraw/", {"note": "已解决"})
    assert response.status_code == 302
    entered_by_clerk.refresh_from_db()
    assert entered_by_clerk.status == Status.WITHDRAWN


def test_the_api_lists_the_same_actions_as_the_page(entered_by_clerk, xuanen_staff, xuanen_office, world, api_as, client_as):
    for user in (xuanen_staff, xuanen_office, world.deputy_user):
        page = client_as(user).get(f"/suggestions/{entered_by_clerk.pk}/")
        api = api_as(user).get(f"/api/v1/suggestions/{entered_by_clerk.pk}/")
        assert api.status_code == 200
        shown = {key for key, _label, _form in page.context["action_forms"]}
        assert set(api.json()["allowed_actions"]) - {"edit"} == shown, user.username


def test_another_townships_clerk_may_not_withdraw(entered_by_clerk, tree):
    # given township staff of the same county who did not enter it
    from tests.factories.accounts import UserFactory

    other = UserFactory(username="jiaoyuan-staff", role="township_staff", region=tree.xuanen)
    suggestion = selectors.suggestion_detail(other, entered_by_clerk.pk)
    # then no withdraw is offered, and the service refuses it too
    assert "withdraw" not in actions_for(other, suggestion)
    from config.exceptions import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.suggestion_withdraw(suggestion.pk, actor=other)


def test_a_handler_is_offered_the_moves_of_their_own_assignment_only(assigned, world):
    suggestion = assigned()
    mine = actions_for(world.handler, selectors.suggestion_detail(world.handler, suggestion.pk))
    assert mine == {"acknowledge", "request_return", "request_extension"}
    services.assignment_acknowledge(suggestion.assignments.get().pk, actor=world.handler)
    mine = actions_for(world.handler, selectors.suggestion_detail(world.handler, suggestion.pk))
    assert mine == {"request_return", "request_extension", "answer"}


def test_the_office_is_offered_triage_moves_and_the_deputy_only_withdraw(submitted, world, xuanen_office):
    suggestion = submitted()
    assert suggestion.status == Status.TRIAGE
    office = actions_for(xuanen_office, selectors.suggestion_detail(xuanen_office, suggestion.pk))
    assert office == {"assign", "not_accept", "merge", "withdraw", "set_campaign"}
    deputy = actions_for(world.deputy_user, selectors.suggestion_detail(world.deputy_user, suggestion.pk))
    assert deputy == {"withdraw"}
