"""The detail page's actions as a table: per action its button label, its form and the one service it calls.

Which actions a user sees is ``permissions.actions_for`` (the same answer the services enforce and the
API returns as ``allowed_actions``); this table only says how each one is asked for and run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions import forms, selectors, services
from suggestions.models import AssignmentRole, ExtensionRequest, RatingValue, ReturnRequest

# What happened, in words, after a decision on a request or a withdrawal.
DONE_MESSAGES = {
    "approve_return": gettext_lazy("已同意退回：建议回到待分办，请重新交办。"),
    "refuse_return": gettext_lazy("已不同意退回：原承办单位继续办理。"),
    "approve_extension": gettext_lazy("已同意延期：办理期限已顺延。"),
    "refuse_extension": gettext_lazy("已不同意延期：办理期限不变。"),
    "withdraw": gettext_lazy("建议已撤回，不再办理。"),
}

@dataclass(frozen=True)
class PageAction:
    label: str
    # (request, suggestion, data, files) -> the bound or unbound form; None: a button without a form.
    form: Callable | None
    # (request, suggestion, cleaned_data) -> the success message; raises what the service raises.
    run: Callable


def assign_initial(request, suggestion, departments) -> dict:
    """One click on a router guess (``?guess=<category>``) pre-fills its category and department."""
    from suggestions.routing.router import resolve_for_assignment

    guess = request.GET.get("guess", "")
    if not guess or guess not in {g.get("category") for g in suggestion.router_guesses if isinstance(g, dict)}:
        return {"category": suggestion.category}
    lead = resolve_for_assignment(suggestion, guess)
    # Only a department the office may assign to: the form's choices are scoped.
    lead = lead if lead is not None and departments.filter(pk=lead.pk).exists() else None
    return {"category": guess, "lead": lead.pk if lead else None}


def _assign_form(request, suggestion, data=None, files=None):
    departments = selectors.assignable_departments(request.user, suggestion)
    if data is None:
        return forms.AssignForm(departments=departments, initial=assign_initial(request, suggestion, departments))
    return forms.AssignForm(data, files, departments=departments)


def _return_form(request, suggestion, data=None, files=None):
    return forms.ReturnForm(data, files, departments=selectors.departments_visible_to(request.user).filter(active=True))


def _plain(cls):
    return lambda request, suggestion, data=None, files=None: cls(data, files)


def _campaign_form(request, suggestion, data=None, files=None):
    from activities.selectors import campaigns_applying_to, campaigns_for

    campaigns = campaigns_for(request.user) & campaigns_applying_to(suggestion.region)
    return forms.CampaignForm(data, files, campaigns=campaigns.order_by("-start_date"), initial={"campaign": suggestion.campaign_id})


def _lead_assignment_id(request, suggestion) -> int:
    return selectors.my_assignment(request.user, suggestion, roles=[AssignmentRole.LEAD]).pk


def _submit(request, s, d):
    services.suggestion_submit(s.pk, actor=request.user)
    return _("建议已提交。")


def _cosign(request, s, d):
    services.suggestion_cosign_confirm(s.pk, actor=request.user)
    return _("已确认附议。")


def _acknowledge(request, s, d):
    services.assignment_acknowledge(selectors.my_assignment(request.user, s).pk, actor=request.user)
    return _("已签收。")


def _assign(request, s, d):
    services.suggestion_assign(
        s.pk, lead=d["lead"], co_handlers=d["co_handlers"], actor=request.user, category=d["category"] or None, note=d["note"]
    )
    return _("已交办。")


def _not_accept(request, s, d):
    services.suggestion_not_accept(s.pk, actor=request.user, reason=d["reason"])
    return _("已作不予立案处理。")


def _decide(model, service, action):
    def run(request, s, d):
        service(selectors.pending_request(model, s).pk, actor=request.user, note=d["note"])
        return str(DONE_MESSAGES[action])

    return run


def _withdraw(request, s, d):
    services.suggestion_withdraw(s.pk, actor=request.user, note=d["note"])
    return str(DONE_MESSAGES["withdraw"])


def _request_return(request, s, d):
    services.assignment_request_return(
        _lead_assignment_id(request, s), actor=request.user, reason=d["reason"], suggested_department=d["suggested_department"]
    )
    return _("退回申请已提交，等待人大常委会审核。")


def _request_extension(request, s, d):
    services.assignment_request_extension(
        _lead_assignment_id(request, s), actor=request.user, reason=d["reason"], requested_due_at=d["requested_due_at"]
    )
    return _("延期申请已提交，等待人大常委会审核。")


def _opinion(request, s, d):
    assignment = selectors.my_assignment(request.user, s, roles=[AssignmentRole.CO_HANDLER])
    services.cohandler_opinion_submit(assignment.pk, actor=request.user, opinion=d["opinion"])
    return _("协办意见已提交主办单位。")


def _answer(request, s, d):
    services.suggestion_answer(
        s.pk, actor=request.user, text=d["text"], outcome_class=d["outcome_class"], follow_up_date=d["follow_up_date"],
        attachments=d["attachments"],
    )
    return _("已答复，等待代表测评。")


def _rate(request, s, d):
    services.suggestion_rate(s.pk, actor=request.user, value=d["value"], comment=d["comment"])
    if d["value"] != RatingValue.UNSATISFIED:
        return _("测评已提交，这件建议已办结。")
    return _("测评已提交：不满意，建议已交回承办单位重新办理。")


def _merge(request, s, d):
    target = selectors.suggestions_visible_to(request.user).filter(forms.merge_target_lookup(d["into"])).exclude(pk=s.pk).first()
    if target is None:
        raise ValidationError({"into": _("找不到该编号的建议。")})
    services.suggestion_merge(s.pk, into=target, actor=request.user, note=d["note"])
    return _("已并入所选建议，这件建议不再单独办理。")


def _set_campaign(request, s, d):
    services.suggestion_set_campaign(s.pk, actor=request.user, campaign=d["campaign"], note=d["note"])
    return _("已更正所属代表行动。")


def _follow_up(request, s, d):
    services.follow_up_record(selectors.pending_follow_up(s).pk, actor=request.user, note=d["note"])
    return _("回头看已记录。")


# In the order the page shows them.
PAGE_ACTIONS: dict[str, PageAction] = {
    "assign": PageAction(gettext_lazy("交办"), _assign_form, _assign),
    "not_accept": PageAction(gettext_lazy("不予立案"), _plain(forms.ReasonForm), _not_accept),
    "approve_return": PageAction(gettext_lazy("同意退回"), _plain(forms.NoteForm), _decide(ReturnRequest, services.return_approve, "approve_return")),
    "refuse_return": PageAction(gettext_lazy("不同意退回"), _plain(forms.NoteForm), _decide(ReturnRequest, services.return_refuse, "refuse_return")),
    "approve_extension": PageAction(
        gettext_lazy("同意延期"), _plain(forms.NoteForm), _decide(ExtensionRequest, services.extension_approve, "approve_extension")
    ),
    "refuse_extension": PageAction(
        gettext_lazy("不同意延期"), _plain(forms.NoteForm), _decide(ExtensionRequest, services.extension_refuse, "refuse_extension")
    ),
    "merge": PageAction(gettext_lazy("合并重复建议"), _plain(forms.MergeForm), _merge),
    "follow_up": PageAction(gettext_lazy("记录回头看"), _plain(forms.FollowUpForm), _follow_up),
    "acknowledge": PageAction(gettext_lazy("签收"), None, _acknowledge),
    "request_return": PageAction(gettext_lazy("申请退回"), _return_form, _request_return),
    "request_extension": PageAction(gettext_lazy("申请延期"), _plain(forms.ExtensionForm), _request_extension),
    "answer": PageAction(gettext_lazy("答复"), _plain(forms.AnswerForm), _answer),
    "opinion": PageAction(gettext_lazy("提交协办意见"), _plain(forms.OpinionForm), _opinion),
    "submit": PageAction(gettext_lazy("提交建议"), None, _submit),
    "rate": PageAction(gettext_lazy("满意度测评"), _plain(forms.RateForm), _rate),
    "withdraw": PageAction(gettext_lazy("撤回建议"), _plain(forms.NoteForm), _withdraw),
    "cosign": PageAction(gettext_lazy("确认附议"), None, _cosign),
    "set_campaign": PageAction(gettext_lazy("更正所属代表行动"), _campaign_form, _set_campaign),
}


def run(action: str, request, suggestion, holder: dict):
    """Bind the action's form and, if valid, run its service. Returns (form, success message or None).

    The form is kept in ``holder`` so a service's ValidationError can be shown on the form that caused it.
    """
    page_action = PAGE_ACTIONS[action]
    if page_action.form is None:
        return None, page_action.run(request, suggestion, {})
    form = holder["form"] = page_action.form(request, suggestion, request.POST, request.FILES)
    if not form.is_valid():
        return form, None
    return form, page_action.run(request, suggestion, form.cleaned_data)
