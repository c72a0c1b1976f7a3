"""Who may do what on a suggestion — the one answer.

``RULES`` says, per action, who may take it (a predicate on the user, the suggestion and, for a
department's moves, the assignment) and what the refusal says. The services guard every move with
``require`` (``PermissionRefused`` → 403 / a page message); ``actions_for`` combines the same rules
with the transition table and the suggestion's situation (a pending request, the user's running
assignment, the return window) to say which actions this user can take now: the detail page shows
exactly those buttons and the API returns them as ``allowed_actions``.

Action names are those of the page's forms and the API's endpoints (``request_return`` is
``POST /api/suggestions/<id>/request-return/``). The services stay the authority: they re-check the
state under a row lock, so a button shown a moment ago can still answer 409 when someone was first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import region_in_scope
from config.exceptions import PermissionRefused
from suggestions.models import AssignmentRole, AssignmentState, RequestDecision
from suggestions.transitions import allowed_actions

# --- who: the role rules --------------------------------------------------------------------------


def is_office_for(user, suggestion) -> bool:
    """A congress office (county, city, province) whose region covers the suggestion."""
    return user is not None and user.is_office and region_in_scope(user, suggestion.region)


def is_handler_of(user, assignment) -> bool:
    """A handler of the assignment's department (a superuser may act for any department)."""
    if user is None or assignment is None:
        return False
    if user.is_superuser:
        return True
    return user.is_handler and getattr(getattr(user, "handler", None), "department_id", None) == assignment.department_id


def is_lead_deputy(user, suggestion) -> bool:
    return user is not None and (user.is_superuser or suggestion.lead_deputy.user_id == user.pk)


def is_clerk_of(user, suggestion) -> bool:
    """The township staff member or office clerk who entered the suggestion on the deputy's behalf."""
    return user is not None and suggestion.submitted_by_id == user.pk and user.role in (Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE)


def may_act_for_deputy(user, suggestion) -> bool:
    """The lead deputy, or the clerk who entered it for them."""
    return is_lead_deputy(user, suggestion) or is_clerk_of(user, suggestion)


def may_enter_suggestions(user) -> bool:
    """Deputies themselves, township staff and the county (city) offices enter suggestions."""
    return user.is_superuser or user.is_deputy or user.is_township_staff or user.role == Role.CONGRESS_OFFICE


def may_edit_calendar(user) -> bool:
    """The working-day calendar is the provincial office's (``None``: the system's own seeding)."""
    return user is None or user.is_superuser or user.role == Role.PROVINCIAL_OFFICE


def is_co_signer(user, suggestion) -> bool:
    return user is not None and any(c.deputy.user_id == user.pk for c in suggestion.co_signatures.all())


@dataclass(frozen=True)
class Rule:
    who: Callable  # (user, suggestion, assignment) -> bool
    refusal: str


def _office(user, suggestion, assignment=None) -> bool:
    return is_office_for(user, suggestion)


def _handler(user, suggestion, assignment=None) -> bool:
    return is_handler_of(user, assignment)


OFFICE_ONLY = _("只有人大常委会办公室可以进行此操作。")
HANDLER_ONLY = _("只有该承办单位的经办人可以进行此操作。")

RULES: dict[str, Rule] = {
    "edit": Rule(lambda u, s, a=None: may_act_for_deputy(u, s), _("只有领衔代表可以修改建议。")),
    "submit": Rule(lambda u, s, a=None: may_act_for_deputy(u, s), _("只有领衔代表可以提交建议。")),
    "cosign": Rule(lambda u, s, a=None: is_co_signer(u, s), _("您不是这件建议的附议代表。")),
    "rate": Rule(lambda u, s, a=None: is_lead_deputy(u, s), _("只有领衔代表可以测评。")),
    "withdraw": Rule(
        lambda u, s, a=None: may_act_for_deputy(u, s) or is_office_for(u, s), _("只有领衔代表或人大常委会办公室可以撤回建议。")
    ),
    **{
        name: Rule(_office, OFFICE_ONLY)
        for name in (
            "route_to_triage", "assign", "not_accept", "approve_return", "refuse_return", "approve_extension",
            "refuse_extension", "merge", "follow_up", "set_campaign",
        )
    },
    **{name: Rule(_handler, HANDLER_ONLY) for name in ("acknowledge", "request_return", "request_extension", "opinion", "answer")},
}


def require(action: str, user, suggestion, *, assignment=None) -> None:
    """Refuse (``PermissionRefused``) unless ``user`` is someone who may take ``action``."""
    rule = RULES[action]
    if not rule.who(user, suggestion, assignment):
        raise PermissionRefused(str(rule.refusal))


# --- now: the rules, the transition table and the suggestion's situation -----------------------------


def _running_assignment_of(user, assignments):
    """The user's department's latest assignment still running (assigned or acknowledged)."""
    department_id = getattr(getattr(user, "handler", None), "department_id", None) if user.is_handler else None
    if department_id is None:
        return None
    mine = [a for a in assignments if a.department_id == department_id]
    return next((a for a in reversed(mine) if a.state in (AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED)), None)


def pending_requests(assignments) -> tuple:
    """The suggestion's pending return request and pending extension request (either may be None)."""
    pending_return = next((r for a in assignments for r in a.return_requests.all() if r.decision == RequestDecision.PENDING), None)
    pending_extension = next((r for a in assignments for r in a.extension_requests.all() if r.decision == RequestDecision.PENDING), None)
    return pending_return, pending_extension


def actions_for(user, suggestion, *, today: dt.date | None = None) -> frozenset[str]:
    """Every action ``user`` can take on ``suggestion`` now (reads its prefetched assignments, requests,
    co-signatures and answers: ``selectors.suggestion_detail`` loads them in a fixed number of queries)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    today = today or timezone.localdate()
    table = allowed_actions(suggestion.status)
    assignments = list(suggestion.assignments.all())
    pending_return, pending_extension = pending_requests(assignments)
    actions = set()

    def may(action: str, transition: str | None = None, *, assignment=None, when: bool = True) -> None:
        if when and (transition or action) in table and RULES[action].who(user, suggestion, assignment):
            actions.add(action)

    may("edit")
    may("submit")
    may("rate")
    may("withdraw")
    signature = next((c for c in suggestion.co_signatures.all() if c.deputy.user_id == user.pk), None)
    may("cosign", "cosign_confirm", when=signature is not None and signature.confirmed_at is None)
    may("assign")
    may("not_accept")
    may("merge")
    may("approve_return", when=pending_return is not None)
    may("refuse_return", when=pending_return is not None)
    may("approve_extension", when=pending_extension is not None)
    may("refuse_extension", when=pending_extension is not None)
    follow_up_due = any(a.follow_up_date and not a.follow_up_done_at for a in suggestion.answers.all())
    may("follow_up", when=follow_up_due)
    # Not a move of the suggestion's state: the office may correct the campaign at any time.
    if RULES["set_campaign"].who(user, suggestion):
        actions.add("set_campaign")

    running = _running_assignment_of(user, assignments)
    if running is not None:
        lead = running.role == AssignmentRole.LEAD
        may("acknowledge", "acknowledge" if lead else "cohandler_acknowledge", assignment=running,
            when=running.state == AssignmentState.ASSIGNED)
        if lead:
            in_window = not running.return_deadline or today <= running.return_deadline
            may("request_return", assignment=running, when=in_window)
            may("request_extension", assignment=running, when=pending_extension is None)
            may("answer", assignment=running, when=running.state == AssignmentState.ACKNOWLEDGED)
        else:
            may("opinion", "cohandler_opinion", assignment=running)
    return frozenset(actions)
