"""Answer, rating, withdrawal, merge and the follow-up check (回头看)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suggestions import transitions
from suggestions.calendar import WorkCalendar
from suggestions.models import (
    Answer,
    AssignmentState,
    OutcomeClass,
    RatingValue,
    Status,
    Suggestion,
)
from suggestions.notifications import (
    deputies_of,
    handlers_of,
    notify_on_commit,
    offices_for,
)
from suggestions.permissions import require
from suggestions.services.assignments import _close_open_assignments, _lead_assignment, sync_running_lead
from suggestions.services.deadlines import DUE_FIELDS, _set_due, policy_for
from suggestions.services.events import _event, _lock, _move
from suggestions.services.inputs import _attach, _required_text, _validate_files
from suggestions.transitions import TransitionNotAllowed


def suggestion_answer(
    suggestion_id: int, *, actor, text: str, outcome_class: str, follow_up_date: dt.date | None = None, attachments=()
) -> Answer:
    """acknowledged → answered: the lead department's one answer, with the outcome class (A–D).

    B and C answers need a follow-up check date (回头看). Two handlers answering at once: the second
    one waits for the lock, then finds the suggestion answered and gets ``TransitionNotAllowed``.
    """
    errors = {}
    if not (text or "").strip():
        errors["text"] = [_("请填写答复内容。")]
    if outcome_class not in OutcomeClass.values:
        errors["outcome_class"] = [_("请选择办理结果类别（A、B、C、D）。")]
    elif outcome_class in (OutcomeClass.B, OutcomeClass.C):
        if follow_up_date is None:
            errors["follow_up_date"] = [_("B类、C类答复须填写回头看日期。")]
        elif follow_up_date <= timezone.localdate():
            errors["follow_up_date"] = [_("回头看日期须晚于今天。")]
    if errors:
        raise ValidationError(errors)
    _validate_files(attachments)
    if outcome_class in (OutcomeClass.A, OutcomeClass.D):
        follow_up_date = None
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        transitions.check("answer", suggestion.status)
        assignment = _lead_assignment(suggestion, states=[AssignmentState.ACKNOWLEDGED])
        if assignment is None:
            raise TransitionNotAllowed(_("没有可以答复的主办交办件。"))
        require("answer", actor, suggestion, assignment=assignment)
        now = timezone.now()
        answer = Answer.objects.create(
            suggestion=suggestion,
            assignment=assignment,
            text=text.strip(),
            outcome_class=outcome_class,
            follow_up_date=follow_up_date,
            answered_by=actor,
            answered_at=now,
            on_time=timezone.localdate(now) <= assignment.due_at,
        )
        _attach(suggestion, attachments, actor=actor, answer=answer)
        assignment.state = AssignmentState.ANSWERED
        assignment.answered_at = now
        assignment.save(update_fields=["state", "answered_at"])
        sync_running_lead([suggestion.pk])
        _move(
            suggestion,
            "answer",
            actor=actor,
            note=answer.text,
            data={"answer": answer.pk, "outcome_class": outcome_class, "on_time": answer.on_time,
                  "follow_up_date": follow_up_date.isoformat() if follow_up_date else None},
        )
        notify_on_commit(
            deputies_of(suggestion),
            title=_("您的建议已答复，请测评：%(title)s") % {"title": suggestion.title},
            body=OutcomeClass(outcome_class).label,
            suggestion_id=suggestion.pk,
            sms=True,
        )
    return answer


def suggestion_rate(suggestion_id: int, *, actor, value: str, comment: str = ""):
    """The lead deputy rates the answer: 满意/基本满意 close it; 不满意 reopens it with a new due date,
    and a second 不满意 marks it for key supervision (重点督办)."""
    from suggestions.models import Rating

    if value not in RatingValue.values:
        raise ValidationError({"value": _("请选择测评结果。")})
    if value == RatingValue.UNSATISFIED and not (comment or "").strip():
        raise ValidationError({"comment": _("不满意时请说明理由。")})
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("rate", actor, suggestion)
        transitions.check("rate" if value != RatingValue.UNSATISFIED else "rate_unsatisfied", suggestion.status)
        answer = suggestion.answers.select_related("assignment").filter(rating__isnull=True).order_by("-answered_at", "-id").first()
        if answer is None:
            raise TransitionNotAllowed(_("没有待测评的答复。"))
        now = timezone.now()
        rating = Rating.objects.create(
            suggestion=suggestion, answer=answer, deputy=suggestion.lead_deputy, value=value, comment=comment.strip(), rated_at=now
        )
        data = {"rating": value, "answer": answer.pk}
        if value != RatingValue.UNSATISFIED:
            suggestion.closed_at = now
            _move(suggestion, "rate", actor=actor, note=comment, data=data, fields=["closed_at"])
            departments = [answer.assignment.department_id]
            title = _("建议已办结（%(value)s）：%(title)s")
        else:
            suggestion.unsatisfied_count += 1
            suggestion.key_supervision = suggestion.key_supervision or suggestion.unsatisfied_count >= 2
            assignment = answer.assignment
            cal = WorkCalendar.load()
            due, explanation = cal.months_then_roll(timezone.localdate(now), policy_for(suggestion).answer_months)
            explanation["label"] = "重新办理期限"
            _set_due(assignment, due, explanation, policy_for(suggestion), cal)
            assignment.state = AssignmentState.ACKNOWLEDGED
            assignment.answered_at = None
            assignment.save(update_fields=[*DUE_FIELDS, "state", "answered_at"])
            sync_running_lead([suggestion.pk])
            data.update(due_at=due.isoformat(), key_supervision=suggestion.key_supervision)
            _move(
                suggestion, "rate_unsatisfied", actor=actor, note=comment, data=data, fields=["unsatisfied_count", "key_supervision"]
            )
            departments = [assignment.department_id]
            title = _("代表不满意，请重新办理（%(value)s）：%(title)s")
        notify_on_commit(
            handlers_of(departments),
            title=title % {"value": RatingValue(value).label, "title": suggestion.title},
            body=comment,
            suggestion_id=suggestion.pk,
            sms=value == RatingValue.UNSATISFIED,
        )
        if suggestion.key_supervision and value == RatingValue.UNSATISFIED:
            notify_on_commit(
                offices_for(suggestion),
                title=_("重点督办：%(title)s（代表两次不满意）") % {"title": suggestion.title},
                suggestion_id=suggestion.pk,
            )
    return rating


def suggestion_withdraw(suggestion_id: int, *, actor, note: str = "") -> Suggestion:
    """The lead deputy (or the office) withdraws it, at any state before the answer."""
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("withdraw", actor, suggestion)
        departments = _close_open_assignments(suggestion, to_state=AssignmentState.WITHDRAWN)
        suggestion.closed_at = timezone.now()
        _move(suggestion, "withdraw", actor=actor, note=note, fields=["closed_at"])
        notify_on_commit(
            handlers_of(departments), title=_("建议已撤回：%(title)s") % {"title": suggestion.title}, body=note, suggestion_id=suggestion.pk
        )
    return suggestion


def suggestion_merge(suggestion_id: int, *, into: Suggestion, actor, note: str = "") -> Suggestion:
    """The office merges a duplicate into another suggestion (duplicate_of), before it is answered."""
    if into.pk == suggestion_id:
        raise ValidationError({"into": _("不能合并到自身。")})
    with transaction.atomic():
        suggestion = _lock(suggestion_id)
        require("merge", actor, suggestion)
        target = Suggestion.objects.select_for_update().get(pk=into.pk)
        if target.status in (Status.MERGED, Status.WITHDRAWN, Status.DRAFT, Status.NOT_ACCEPTED):
            raise ValidationError({"into": _("目标建议状态为「%(status)s」，不能合并到它。") % {"status": target.get_status_display()}})
        departments = _close_open_assignments(suggestion, to_state=AssignmentState.WITHDRAWN)
        suggestion.duplicate_of = target
        suggestion.closed_at = timezone.now()
        _move(
            suggestion,
            "merge",
            actor=actor,
            note=note,
            data={"into": target.pk, "into_number": target.number, "into_title": target.title},
            fields=["duplicate_of", "closed_at"],
        )
        _event(target, "merged_in", actor=actor, note=note, data={"from": suggestion.pk, "from_title": suggestion.title})
        notify_on_commit(
            [*deputies_of(suggestion), *handlers_of(departments)],
            title=_("建议已合并：%(title)s") % {"title": suggestion.title},
            body=_("并入「%(title)s」办理。") % {"title": target.title},
            suggestion_id=suggestion.pk,
        )
        # The target's deputies learn that another deputy's matter now rides on their suggestion.
        notify_on_commit(
            deputies_of(target),
            title=_("有建议并入：%(title)s") % {"title": target.title},
            body=_("「%(title)s」（%(name)s）已并入本建议一并办理。") % {"title": suggestion.title, "name": suggestion.lead_deputy.name},
            suggestion_id=target.pk,
        )
    return suggestion


def follow_up_record(answer_id: int, *, actor, note: str) -> Answer:
    """The office records the follow-up check (回头看) of a B/C answer."""
    note = _required_text(note, "note", _("请填写回头看情况。"))
    with transaction.atomic():
        suggestion = _lock(Answer.objects.values_list("suggestion_id", flat=True).get(pk=answer_id))
        require("follow_up", actor, suggestion)
        answer = Answer.objects.get(pk=answer_id)
        if answer.follow_up_date is None or answer.follow_up_done_at is not None:
            raise TransitionNotAllowed(_("该答复没有待完成的回头看。"))
        transitions.check("follow_up", suggestion.status)
        answer.follow_up_done_at = timezone.now()
        answer.save(update_fields=["follow_up_done_at"])
        _move(suggestion, "follow_up", actor=actor, note=note, data={"answer": answer.pk})
    return answer
