"""Every write that changes a suggestion, one module per noun (as Zulip's ``zerver/actions/``).

Each service runs in one transaction: it locks the suggestion row (``select_for_update``), checks the
move against the transition table (``TransitionNotAllowed`` → 409 / a page message), saves with
``update_fields``, appends a ``SuggestionEvent`` and records its notifications in the outbox in the
same transaction; the worker sends them after the commit (``suggestions.side_effects``).
``actor=None`` is a system move (the router, beat) and is labelled so on the timeline.

This package re-exports every public name, so ``from suggestions import services`` and
``services.suggestion_submit(...)`` keep working; new code may import from the module itself.
"""

from suggestions.services.calendar import (  # noqa: F401
    CSV_KINDS,
    calendar_day_add,
    calendar_day_remove,
    calendar_import_csv,
    calendar_load_chinese_calendar,
    calendar_year_mark,
)
from suggestions.services.campaigns import (  # noqa: F401
    campaign_attributed,
    campaign_of_source,
    campaign_running,
    suggestion_set_campaign,
)
from suggestions.services.closing import (  # noqa: F401
    follow_up_record,
    suggestion_answer,
    suggestion_merge,
    suggestion_rate,
    suggestion_withdraw,
)
from suggestions.services.deadlines import (  # noqa: F401
    DUE_FIELDS,
    RUNNING_ASSIGNMENT_STATES,
    Policy,
    policy_for,
)
from suggestions.services.drafting import (  # noqa: F401
    check_draft_editable,
    suggestion_cosign_confirm,
    suggestion_create,
    suggestion_submit,
    suggestion_update_draft,
)
from suggestions.services.events import (  # noqa: F401
    SYSTEM,
    SYSTEM_LABELS,
    SYSTEM_ROUTER,
)
from suggestions.services.handling import (  # noqa: F401
    assignment_acknowledge,
    assignment_request_extension,
    assignment_request_return,
    cohandler_opinion_submit,
    extension_approve,
    extension_refuse,
    return_approve,
    return_refuse,
)
from suggestions.services.inbox import (  # noqa: F401
    notifications_mark_read,
)
from suggestions.services.supervision import (  # noqa: F401
    supervise,
)
from suggestions.services.triage import (  # noqa: F401
    RouterDecision,
    router_apply,
    suggestion_assign,
    suggestion_not_accept,
    suggestion_route_to_triage,
)

__all__ = [
    "campaign_attributed",
    "campaign_of_source",
    "campaign_running",
    "suggestion_set_campaign",
    "CSV_KINDS",
    "DUE_FIELDS",
    "Policy",
    "RUNNING_ASSIGNMENT_STATES",
    "RouterDecision",
    "SYSTEM",
    "SYSTEM_LABELS",
    "SYSTEM_ROUTER",
    "assignment_acknowledge",
    "assignment_request_extension",
    "assignment_request_return",
    "calendar_day_add",
    "calendar_day_remove",
    "calendar_import_csv",
    "calendar_load_chinese_calendar",
    "calendar_year_mark",
    "check_draft_editable",
    "cohandler_opinion_submit",
    "extension_approve",
    "extension_refuse",
    "follow_up_record",
    "notifications_mark_read",
    "policy_for",
    "return_approve",
    "return_refuse",
    "router_apply",
    "suggestion_answer",
    "suggestion_assign",
    "suggestion_cosign_confirm",
    "suggestion_create",
    "suggestion_merge",
    "suggestion_not_accept",
    "suggestion_rate",
    "suggestion_route_to_triage",
    "suggestion_submit",
    "suggestion_update_draft",
    "suggestion_withdraw",
    "supervise",
]
