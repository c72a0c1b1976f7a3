"""Value rules: which regions, deputies, campaigns and departments a user may put on a suggestion.

Who may take an action at all is ``suggestions.permissions``; this module checks the values an
allowed user chose, so that no client (page, API, import) can bypass them. Each check returns the
errors by field (``{"co_signers": ["…"]}``): the API answers them as a 400 with that body, the
pages show them on the field.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import region_in_scope
from regions.models import county_prefix


def _region_refusal(actor, region) -> str | None:
    """Why ``actor`` may not raise a matter of ``region``, or None: a deputy raises matters of the county
    they live in, staff and offices those of their own scope."""
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is not None and not region.prefix.startswith(county_prefix(profile.region)):
            return _("只能就本县(市、区)范围内的事项提出建议。")
        return None
    if not region_in_scope(actor, region):
        return _("所选区划不在您的管辖范围内。")
    return None


def deputy_in_county(deputy, region) -> bool:
    """A deputy belongs to the county of ``region`` when their own region lies inside it."""
    return deputy.region.prefix.startswith(county_prefix(region))


def lead_deputy_errors(actor, lead_deputy, region) -> list[str]:
    """The lead deputy (领衔代表): the deputy themselves when a deputy writes; otherwise a serving deputy in
    the clerk's scope; always one of the suggestion's county."""
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is None or lead_deputy.pk != profile.pk:
            return [_("代表只能以本人作为领衔代表提出建议。")]
    elif not lead_deputy.active:
        return [_("代表「%(name)s」已不在任。") % {"name": lead_deputy.name}]
    elif not region_in_scope(actor, lead_deputy.region):
        return [_("该代表不在您的管辖范围内。")]
    if not deputy_in_county(lead_deputy, region):
        return [_("领衔代表「%(name)s」不属于本建议所在的县(市、区)。") % {"name": lead_deputy.name}]
    return []


def co_signer_errors(co_signers, region) -> list[str]:
    """Co-signers (附议代表) are serving deputies of the suggestion's county."""
    outside = [d.name for d in co_signers if not deputy_in_county(d, region)]
    retired = [d.name for d in co_signers if not d.active]
    errors = []
    if outside:
        errors.append(_("附议代表「%(names)s」不属于本建议所在的县(市、区)。") % {"names": "、".join(outside)})
    if retired:
        errors.append(_("附议代表「%(names)s」已不在任。") % {"names": "、".join(retired)})
    return errors


def campaign_errors(actor, campaign, region) -> list[str]:
    """A suggestion's campaign is one the author can see that covers the suggestion's region."""
    from activities.selectors import campaigns_for

    if campaign is None:
        return []
    if not campaigns_for(actor).filter(pk=campaign.pk).exists():
        return [_("代表行动不存在或不在您的范围内。")]
    if not campaign.applies_to(region):
        return [_("代表行动「%(title)s」不覆盖所选区划。") % {"title": campaign.title}]
    return []


def suggestion_value_errors(*, actor, region, lead_deputy, co_signers=(), campaign=None) -> dict[str, list[str]]:
    """Every value rule of a suggestion's region, lead deputy, co-signers and campaign, by field."""
    errors: dict[str, list[str]] = {}
    if refusal := _region_refusal(actor, region):
        errors["region"] = [refusal]
        return errors  # the other rules are relative to the region
    for field, found in (
        ("lead_deputy", lead_deputy_errors(actor, lead_deputy, region)),
        ("co_signers", co_signer_errors(co_signers, region)),
        ("campaign", campaign_errors(actor, campaign, region)),
    ):
        if found:
            errors[field] = found
    return errors


def department_errors(actor, departments, *, field: str) -> dict[str, list[str]]:
    """Departments an office assigns are active and within its reach (its own region and below)."""
    errors = []
    for department in departments:
        if actor is not None and not region_in_scope(actor, department.region):
            errors.append(_("承办单位「%(name)s」不在您的管辖范围内。") % {"name": department.name})
        elif not department.active:
            errors.append(_("承办单位「%(name)s」已停用。") % {"name": department.name})
    return {field: errors} if errors else {}
