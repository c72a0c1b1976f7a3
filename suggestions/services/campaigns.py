"""Campaign attribution: which campaign (代表行动) a suggestion belongs to — the one rule.

A suggestion belongs to the campaign it arose in: the campaign of the activity (or the issue raised
at an activity) it came from; otherwise the campaign running on the day it was raised (submitted,
or for a resident's message the day the message came) that covers its region — the province's
mandated theme first, then the county's (or township's) self-chosen one. The office may correct it;
the correction is an event on the timeline. Dashboards, drill lists, exports and the API all filter
on the stored ``Suggestion.campaign``, so they agree by construction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities.models import Campaign, CampaignKind
from activities.selectors import campaigns_applying_to
from suggestions.models import Suggestion
from suggestions.permissions import require
from suggestions.services.events import _event, _lock
from suggestions.services.values import campaign_errors


def _first(campaigns) -> Campaign | None:
    """The mandated theme first, then the most recently started, then the oldest row."""
    ranked = sorted(campaigns, key=lambda c: (c.kind != CampaignKind.MANDATED, -c.start_date.toordinal(), c.pk))
    return ranked[0] if ranked else None


def campaign_running(region, on: dt.date) -> Campaign | None:
    """The campaign running on ``on`` that covers ``region`` (None when no campaign runs then)."""
    if region is None:
        return None
    return _first(campaigns_applying_to(region).filter(start_date__lte=on, end_date__gte=on))


def campaign_of_source(*, source_activity=None, source_issue=None, region=None) -> Campaign | None:
    """The campaign of the activity a suggestion came from (an issue raised there counts as its activity)."""
    activity = source_activity or (source_issue.activity if source_issue is not None else None)
    if activity is None:
        return None
    campaigns = list(activity.campaigns.select_related("region"))
    covering = [c for c in campaigns if region is None or c.applies_to(region)]
    return _first(covering or campaigns)


def campaign_attributed(*, region, on: dt.date | None = None, source_activity=None, source_issue=None) -> Campaign | None:
    """The campaign a new suggestion belongs to: its source's, else the one running on ``on`` (today)."""
    return campaign_of_source(source_activity=source_activity, source_issue=source_issue, region=region) or campaign_running(
        region, on or timezone.localdate()
    )


def suggestion_set_campaign(suggestion_id: int, *, actor, campaign: Campaign | None, note: str = "") -> Suggestion:
    """The office corrects the campaign a suggestion is counted under; the timeline says from what to what."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("set_campaign", actor, suggestion)
        if errors := campaign_errors(actor, campaign, suggestion.region):
            raise ValidationError({"campaign": errors})
        previous = suggestion.campaign
        if (previous.pk if previous else None) == (campaign.pk if campaign else None):
            return suggestion
        suggestion.campaign = campaign
        suggestion.save(update_fields=["campaign", "updated_at"])
        _event(
            suggestion,
            "campaign_changed",
            actor=actor,
            note=" → ".join([str(previous) if previous else "—", str(campaign) if campaign else "—"]) + (f"\n{note}" if note else ""),
            data={
                "from": previous.pk if previous else None,
                "from_title": str(previous) if previous else "",
                "to": campaign.pk if campaign else None,
                "to_title": str(campaign) if campaign else "",
            },
        )
    return suggestion
