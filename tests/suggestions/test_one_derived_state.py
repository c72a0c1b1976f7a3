"""One suggestion through every state: every surface shows the same derived state for it.

Surfaces: the list selector (pages and exports), the detail page, the API (list and detail), the
dashboard of its campaign and of all campaigns, the rollup, the record of duty and the supervision
reminders. Derived states are defined once in ``suggestions.states``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards.figures import Filters, compute_dashboard
from dashboards.selectors import deputy_record
from suggestions import selectors, services
from suggestions.models import Reminder, ReminderKind, Status
from suggestions.states import DeadlineState
from tests.factories.activities import CampaignFactory

pytestmark = pytest.mark.django_db

DEADLINE_FIGURES = {
    DeadlineState.DUE_SOON: "suggestions_due_soon",
    DeadlineState.OVERDUE: "suggestions_overdue",
    DeadlineState.LONG_OVERDUE: "suggestions_long_overdue",
}


def _surfaces(suggestion, *, office, deputy_user, deputy, tree, campaign, today, client_as, api_as):
    """What each surface says about the suggestion: its deadline state and whether it counts as received."""
    pk = suggestion.pk
    seen = {}
    listed = selectors.suggestion_list(office).filter(pk=pk).first()
    seen["list"] = listed.deadline_state if listed else None
    page = client_as(office).get(f"/suggestions/{pk}/")
    seen["detail page"] = page.context["s"].deadline_state
    rows = api_as(office).get("/api/v1/suggestions/").json()["results"]
    seen["api list"] = next(r["deadline_state"] for r in rows if r["id"] == pk)
    seen["api detail"] = api_as(office).get(f"/api/v1/suggestions/{pk}/").json()["deadline_state"]
    for label, chosen in (("campaign dashboard", campaign), ("all-campaigns dashboard", None)):
        totals = compute_dashboard(Filters.build(user=office, region=tree.xuanen, campaign=chosen, today=today))["totals"]
        states = [state for state, key in DEADLINE_FIGURES.items() if totals[key]]
        # overdue counts the long overdue too: the gravest one is the suggestion's state
        gravest = states[-1] if states else (DeadlineState.ON_TIME if totals["suggestions_received"] and seen["list"] else "")
        seen[label] = gravest
        seen[f"{label} received"] = totals["suggestions_received"]
    record = deputy_record(deputy_user, deputy)
    seen["record of duty"] = [s.pk for s in record["led"]]
    return seen


@pytest.fixture
def campaign(tree):
    return CampaignFactory(region=tree.province)


def test_every_surface_shows_the_same_derived_state(
    world, tree, xuanen_office, campaign, clock, client_as, api_as, django_capture_on_commit_callbacks
):
    start = dt.date(2026, 3, 2)
    clock.set(start)
    campaign.start_date, campaign.end_date = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    campaign.save()
    draft = services.suggestion_create(
        actor=world.deputy_user, title="关于修缮珠山镇道路的建议", content="路面破损严重。", region=tree.zhushan, lead_deputy=world.deputy
    )
    # the draft is nobody's duty and nowhere received, but it already belongs to the running campaign
    assert draft.campaign == campaign
    kwargs = {"office": xuanen_office, "deputy_user": world.deputy_user, "deputy": world.deputy, "tree": tree,
              "campaign": campaign, "client_as": client_as, "api_as": api_as}
    seen = _surfaces(draft, today=start, **kwargs)
    assert seen["campaign dashboard received"] == seen["all-campaigns dashboard received"] == 0
    assert seen["record of duty"] == []

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_submit(draft.pk, actor=world.deputy_user)
    draft.refresh_from_db()
    services.suggestion_assign(draft.pk, lead=world.transport, actor=xuanen_office, category="transport")
    assignment = draft.assignments.get()

    for day, expected in [
        (start, DeadlineState.ON_TIME),
        (assignment.remind_at, DeadlineState.DUE_SOON),
        (assignment.due_at, DeadlineState.DUE_SOON),
        (assignment.due_at + dt.timedelta(days=1), DeadlineState.OVERDUE),
        (assignment.long_overdue_at, DeadlineState.LONG_OVERDUE),
    ]:
        clock.set(day)
        seen = _surfaces(draft, today=day, **kwargs)
        surfaces = {k: v for k, v in seen.items() if k in ("list", "detail page", "api list", "api detail", "campaign dashboard", "all-campaigns dashboard")}
        assert set(surfaces.values()) == {expected}, (day, surfaces)
        assert seen["campaign dashboard received"] == seen["all-campaigns dashboard received"] == 1
        assert seen["record of duty"] == [draft.pk]
        # the reminders go out on the same days
        services.supervise(today=day)
        kinds = set(Reminder.objects.filter(assignment=assignment).values_list("kind", flat=True))
        if expected != DeadlineState.ON_TIME:
            assert {DeadlineState.DUE_SOON: ReminderKind.DUE_SOON, DeadlineState.OVERDUE: ReminderKind.OVERDUE,
                    DeadlineState.LONG_OVERDUE: ReminderKind.LONG_OVERDUE}[expected] in kinds
        else:
            assert kinds <= {ReminderKind.SIGN_OFF}

    # withdrawn: no longer received, not a duty done
    services.suggestion_withdraw(draft.pk, actor=world.deputy_user, note="已解决")
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    seen = _surfaces(draft, today=assignment.long_overdue_at, **kwargs)
    assert seen["campaign dashboard received"] == seen["all-campaigns dashboard received"] == 0
    assert seen["record of duty"] == []
    assert seen["list"] == ""


def test_numbers_are_given_at_submission_without_gaps(world, tree, django_capture_on_commit_callbacks):
    drafts = [
        services.suggestion_create(
            actor=world.deputy_user, title=f"建议{i}", content="内容。", region=tree.zhushan, lead_deputy=world.deputy
        )
        for i in range(3)
    ]
    assert [d.number for d in drafts] == ["", "", ""]
    services.suggestion_withdraw(drafts[1].pk, actor=world.deputy_user)
    with django_capture_on_commit_callbacks(execute=True):
        for d in (drafts[0], drafts[2]):
            services.suggestion_submit(d.pk, actor=world.deputy_user)
    numbers = sorted(type(d).objects.exclude(number="").values_list("number", flat=True))
    year = numbers[0].split("-")[0]
    assert numbers == [f"{year}-000001", f"{year}-000002"]
