"""Who may act on a suggestion (the guards the services raise ``PermissionRefused`` from)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import region_in_scope
from config.exceptions import PermissionRefused
from suggestions.models import (
    Assignment,
    Suggestion,
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionRefused(message)


def _is_office_for(actor, suggestion: Suggestion) -> bool:
    return actor is not None and actor.is_office and region_in_scope(actor, suggestion.region)


def _require_office(actor, suggestion: Suggestion) -> None:
    _require(_is_office_for(actor, suggestion), _("只有人大常委会办公室可以进行此操作。"))


def _is_handler_of(actor, assignment: Assignment) -> bool:
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    return actor.is_handler and getattr(getattr(actor, "handler", None), "department_id", None) == assignment.department_id


def _require_handler(actor, assignment: Assignment) -> None:
    _require(_is_handler_of(actor, assignment), _("只有该承办单位的经办人可以进行此操作。"))


def _is_lead_deputy(actor, suggestion: Suggestion) -> bool:
    return actor is not None and (actor.is_superuser or suggestion.lead_deputy.user_id == actor.pk)


def _may_act_for_deputy(actor, suggestion: Suggestion) -> bool:
    """The lead deputy, or the staff member who entered it on the deputy's behalf."""
    return _is_lead_deputy(actor, suggestion) or (
        actor is not None and suggestion.submitted_by_id == actor.pk and actor.role in (Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE)
    )
def _region_refusal(actor, region) -> str | None:
    """Why ``actor`` may not raise a matter of ``region``, or None: a deputy raises matters of the county
    they live in, staff and offices those of their own scope."""
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is not None and not region.prefix.startswith(profile.region.prefix[:6]):
            return _("只能就本县(市、区)范围内的事项提出建议。")
        return None
    if not region_in_scope(actor, region):
        return _("所选区划不在您的管辖范围内。")
    return None


# --- drafting and submission ----------------------------------------------------------------------
