"""Drafting and submission: create, edit, submit, co-sign."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import PermissionRefused
from suggestions import transitions
from suggestions.dispatch import dispatch_routing_on_commit
from suggestions.models import (
    CoSignature,
    Status,
    Suggestion,
)
from suggestions.notifications import (
    deputies_of,
    notify_on_commit,
)
from suggestions.permissions import may_enter_suggestions, require
from suggestions.services.campaigns import campaign_attributed, campaign_running
from suggestions.services.events import _event, _lock, _move
from suggestions.services.inputs import _attach, _required_text, _validate_files
from suggestions.services.numbering import next_number
from suggestions.services.values import suggestion_value_errors
from suggestions.side_effects import index_similarity_on_commit
from suggestions.transitions import TransitionNotAllowed


def suggestion_create(
    *,
    actor,
    title: str,
    content: str,
    region,
    lead_deputy,
    co_signers: Iterable = (),
    campaign=None,
    source_activity=None,
    source_issue=None,
    attachments=(),
    submit: bool = False,
) -> Suggestion:
    """A new draft by a deputy (or by staff on a deputy's behalf); ``submit=True`` submits it at once."""
    if not may_enter_suggestions(actor):
        raise PermissionRefused(_("只有代表本人、乡镇人大或县(市)人大常委会可以录入建议。"))
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if not (content or "").strip():
        errors["content"] = [_("请填写建议内容。")]
    co_signers = [d for d in {d.pk: d for d in co_signers}.values() if d.pk != lead_deputy.pk]
    errors.update(suggestion_value_errors(actor=actor, region=region, lead_deputy=lead_deputy, co_signers=co_signers, campaign=campaign))
    if errors:
        raise ValidationError(errors)
    _validate_files(attachments)
    if campaign is None:
        campaign = campaign_attributed(region=region, source_activity=source_activity, source_issue=source_issue)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            title=title.strip(),
            content=content.strip(),
            region=region,
            lead_deputy=lead_deputy,
            campaign=campaign,
            source_activity=source_activity,
            source_issue=source_issue,
            submitted_by=actor,
        )
        CoSignature.objects.bulk_create([CoSignature(suggestion=suggestion, deputy=d) for d in co_signers])
        _attach(suggestion, attachments, actor=actor)
        _event(suggestion, "create", actor=actor, to_status=Status.DRAFT, data={"co_signers": [d.pk for d in co_signers]})
        index_similarity_on_commit(suggestion.pk)
        notify_on_commit(
            deputies_of(suggestion, co_signers=True).exclude(pk=suggestion.lead_deputy.user_id or 0),
            title=_("请确认附议：%(title)s") % {"title": suggestion.title},
            body=_("%(name)s 邀请您附议这件建议。") % {"name": lead_deputy.name},
            suggestion_id=suggestion.pk,
        )
        if submit:
            suggestion_submit(suggestion.pk, actor=actor)
            suggestion.refresh_from_db()
    return suggestion


def check_draft_editable(actor, suggestion: Suggestion) -> None:
    """Refuse as editing would: ``PermissionRefused`` for anyone but the lead deputy (or whoever entered
    it for them), ``TransitionNotAllowed`` (409) once it is no longer a draft."""
    require("edit", actor, suggestion)
    transitions.check("edit", suggestion.status)


def suggestion_update_draft(suggestion_id: int, *, actor, title: str, content: str, region, campaign=None) -> Suggestion:
    """Edit a draft (only the lead deputy or whoever entered it); a submitted one is a 409."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        check_draft_editable(actor, suggestion)
        co_signers = [c.deputy for c in suggestion.co_signatures.select_related("deputy__region")]
        # The campaign is checked when the author changes it (an attributed one may be a township's theme
        # the author does not see) — and whenever the region moves, whether it still covers it.
        unchanged = (campaign.pk if campaign else None) == suggestion.campaign_id
        errors = suggestion_value_errors(
            actor=actor, region=region, lead_deputy=suggestion.lead_deputy, co_signers=co_signers,
            campaign=None if unchanged else campaign,
        )
        if unchanged and campaign is not None and not campaign.applies_to(region):
            campaign = None  # the region moved out of it: attributed again at submission
        if errors:
            raise ValidationError(errors)
        suggestion.title = _required_text(title, "title", _("请填写标题。"))
        suggestion.content = _required_text(content, "content", _("请填写建议内容。"))
        suggestion.region = region
        suggestion.campaign = campaign
        _move(suggestion, "edit", actor=actor, fields=["title", "content", "region", "campaign"])
        index_similarity_on_commit(suggestion.pk)
    return suggestion


def suggestion_submit(suggestion_id: int, *, actor) -> Suggestion:
    """draft → submitted; the routing task is dispatched after commit."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("submit", actor, suggestion)
        fields = []
        # The first submission date is kept through returns and reassignments.
        if suggestion.submitted_at is None:
            suggestion.submitted_at = timezone.now()
            fields.append("submitted_at")
        if suggestion.campaign_id is None:
            suggestion.campaign = campaign_running(suggestion.region, timezone.localdate(suggestion.submitted_at))
            fields.append("campaign")
        if not suggestion.number:
            suggestion.number = next_number(timezone.localdate(suggestion.submitted_at).year)
            fields.append("number")
        _move(suggestion, "submit", actor=actor, fields=fields)
        # Not delay_on_commit: a broker that is down must not turn the saved submission into a 500.
        dispatch_routing_on_commit(suggestion.pk)
    return suggestion


def suggestion_cosign_confirm(suggestion_id: int, *, actor) -> CoSignature:
    """A co-signing deputy confirms (附议)."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("cosign", actor, suggestion)
        signature = CoSignature.objects.get(suggestion=suggestion, deputy__user=actor)
        if signature.confirmed_at is not None:
            raise TransitionNotAllowed(_("您已确认过附议。"))
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
        _move(suggestion, "cosign_confirm", actor=actor, data={"deputy": signature.deputy_id})
    return signature
