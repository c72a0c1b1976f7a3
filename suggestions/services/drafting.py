"""Drafting and submission: create, edit, submit, co-sign."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from suggestions import transitions
from suggestions.models import (
    CoSignature,
    Status,
    Suggestion,
)
from suggestions.notifications import (
    deputies_of,
    notify_on_commit,
)
from suggestions.services.events import _event, _lock, _move
from suggestions.services.inputs import _attach, _required_text, _validate_files
from suggestions.services.permissions import _may_act_for_deputy, _region_refusal, _require
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
    _require(
        actor.is_superuser or actor.is_deputy or actor.is_township_staff or actor.role == Role.CONGRESS_OFFICE,
        _("只有代表本人、乡镇人大或县(市)人大常委会可以录入建议。"),
    )
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("请填写标题。")]
    if not (content or "").strip():
        errors["content"] = [_("请填写建议内容。")]
    if actor.is_deputy:
        profile = getattr(actor, "deputy_profile", None)
        if profile is None or lead_deputy.pk != profile.pk:
            errors["lead_deputy"] = [_("代表只能以本人作为领衔代表提出建议。")]
    if refusal := _region_refusal(actor, region):
        errors["region"] = [refusal]
    co_signers = [d for d in co_signers if d.pk != lead_deputy.pk]
    if errors:
        raise ValidationError(errors)
    _validate_files(attachments)
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
        CoSignature.objects.bulk_create([CoSignature(suggestion=suggestion, deputy=d) for d in {d.pk: d for d in co_signers}.values()])
        _attach(suggestion, attachments, actor=actor)
        _event(suggestion, "create", actor=actor, to_status=Status.DRAFT, data={"co_signers": [d.pk for d in co_signers]})
        _index_on_commit(suggestion.pk)
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
    _require(_may_act_for_deputy(actor, suggestion), _("只有领衔代表可以修改建议。"))
    transitions.check("edit", suggestion.status)


def suggestion_update_draft(suggestion_id: int, *, actor, title: str, content: str, region, campaign=None) -> Suggestion:
    """Edit a draft (only the lead deputy or whoever entered it); a submitted one is a 409."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        check_draft_editable(actor, suggestion)
        if refusal := _region_refusal(actor, region):
            raise ValidationError({"region": refusal})
        suggestion.title = _required_text(title, "title", _("请填写标题。"))
        suggestion.content = _required_text(content, "content", _("请填写建议内容。"))
        suggestion.region = region
        suggestion.campaign = campaign
        _move(suggestion, "edit", actor=actor, fields=["title", "content", "region", "campaign"])
        _index_on_commit(suggestion.pk)
    return suggestion


def _index_on_commit(suggestion_id: int) -> None:
    # Similar-suggestion lookups read stored terms; the worker writes them once the text is saved.
    from suggestions.tasks import index_similarity, send_safely

    transaction.on_commit(lambda: send_safely(index_similarity, suggestion_id))


def suggestion_submit(suggestion_id: int, *, actor) -> Suggestion:
    """draft → submitted; the routing task is dispatched after commit."""
    from suggestions.tasks import dispatch_routing_on_commit

    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        _require(_may_act_for_deputy(actor, suggestion), _("只有领衔代表可以提交建议。"))
        fields = []
        # The first submission date is kept through returns and reassignments.
        if suggestion.submitted_at is None:
            suggestion.submitted_at = timezone.now()
            fields.append("submitted_at")
        if not suggestion.number:
            suggestion.number = f"{timezone.localdate(suggestion.submitted_at).year}-{suggestion.pk:06d}"
            fields.append("number")
        _move(suggestion, "submit", actor=actor, fields=fields)
        # Not delay_on_commit: a broker that is down must not turn the saved submission into a 500.
        dispatch_routing_on_commit(suggestion.pk)
    return suggestion


def suggestion_cosign_confirm(suggestion_id: int, *, actor) -> CoSignature:
    """A co-signing deputy confirms (附议)."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        signature = CoSignature.objects.filter(suggestion=suggestion, deputy__user=actor).first() if actor else None
        _require(signature is not None, _("您不是这件建议的附议代表。"))
        if signature.confirmed_at is not None:
            raise TransitionNotAllowed(_("您已确认过附议。"))
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
        _move(suggestion, "cosign_confirm", actor=actor, data={"deputy": signature.deputy_id})
    return signature
