"""Suggestion pages. Thin: parse a form, call one service or selector, render.

Every suggestion comes through ``selectors`` (out of scope → 404). A refused move (someone was first)
becomes a Chinese message on the page; bad input re-renders the form with what was typed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scope import region_in_scope
from config.exceptions import Conflict, PermissionRefused
from config.pages import render_form
from config.uploads import serve_file
from suggestions import exports, forms, selectors, services
from suggestions.calendar import explain
from suggestions.filters import SuggestionFilter
from suggestions.models import (
    AssignmentRole,
    AssignmentState,
    Attachment,
    CalendarDay,
    CalendarYear,
    ExtensionRequest,
    ReminderKind,
    RequestDecision,
    ReturnRequest,
    Status,
)
from suggestions.selectors import DeadlineState
from suggestions.taxonomy import categories
from suggestions.transitions import TRANSITIONS, allowed_actions

PAGE_SIZE = 30

EXTRA_EVENT_LABELS = {
    "create": gettext_lazy("起草"),
    "deadline_moved": gettext_lazy("办理期限调整"),
    "merged_in": gettext_lazy("并入重复建议"),
    **{f"reminder_{kind}": label for kind, label in ReminderKind.choices},
}


def event_label(action: str) -> str:
    if action in TRANSITIONS:
        return TRANSITIONS[action].label
    return EXTRA_EVENT_LABELS.get(action, action)

ACTION_LABELS = {
    "submit": gettext_lazy("提交建议"), "cosign": gettext_lazy("确认附议"), "acknowledge": gettext_lazy("签收"), "assign": gettext_lazy("交办"), "not_accept": gettext_lazy("不予立案"),
    "approve_return": gettext_lazy("同意退回"), "refuse_return": gettext_lazy("不同意退回"), "approve_extension": gettext_lazy("同意延期"),
    "refuse_extension": gettext_lazy("不同意延期"), "withdraw": gettext_lazy("撤回建议"), "request_return": gettext_lazy("申请退回"),
    "request_extension": gettext_lazy("申请延期"), "opinion": gettext_lazy("提交协办意见"), "answer": gettext_lazy("答复"), "rate": gettext_lazy("满意度测评"),
    "merge": gettext_lazy("合并重复建议"), "follow_up": gettext_lazy("记录回头看"),
}
ACTIONS = set(ACTION_LABELS)
# What happened, in words, after a decision on a request or a withdrawal.
DONE_MESSAGES = {
    "approve_return": gettext_lazy("已同意退回：建议回到待分办，请重新交办。"),
    "refuse_return": gettext_lazy("已不同意退回：原承办单位继续办理。"),
    "approve_extension": gettext_lazy("已同意延期：办理期限已顺延。"),
    "refuse_extension": gettext_lazy("已不同意延期：办理期限不变。"),
    "withdraw": gettext_lazy("建议已撤回，不再办理。"),
}
# What a deputy or a handler reads on the timeline for the router's moves (offices see its figures).
ROUTER_PLAIN = {
    "route_to_triage": gettext_lazy("已转人工分办：人大常委会将确定承办单位。"),
    "assign": gettext_lazy("已由系统交办承办单位。"),
}
# Irreversible moves ask before they are sent.
CONFIRM_MESSAGES = {
    "withdraw": gettext_lazy("撤回后这件建议不再办理，且不能恢复。确定撤回？"),
    "not_accept": gettext_lazy("不予立案后建议不再办理，代表会看到理由。确定不予立案？"),
    "merge": gettext_lazy("合并后这件建议并入所选建议，不再单独办理。确定合并？"),
    "refuse_return": gettext_lazy("确定不同意退回？"),
    "refuse_extension": gettext_lazy("确定不同意延期？"),
}


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _list_page(request, qs, *, title, template="suggestions/list.html", extra=None):
    filterset = SuggestionFilter(request.GET or None, queryset=qs, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    context = {"title": title, "filter": filterset, "page_obj": _page(request, rows), "deadline_labels": DeadlineState.LABELS}
    context.update(extra or {})
    if context.get("triage"):
        for s in context["page_obj"]:
            s.guesses = _router_guesses(s)
    return render(request, template, context)


@login_required
def suggestion_list(request):
    """All suggestions in the user's scope, filtered (offices, township staff)."""
    qs = selectors.suggestion_list(request.user).order_by("-submitted_at", "-id")
    return _list_page(request, qs, title=_("建议"), extra={"can_export": True})


@login_required
def mine(request):
    """The deputy's own suggestions (led or co-signed), and co-signatures waiting for them."""
    qs = selectors.suggestion_list(request.user).order_by("-created_at", "-id")
    return _list_page(request, qs, title=_("我的建议"), extra={"can_create": True})


@login_required
def supervision(request):
    """Due soon (催办), overdue (督办) and long overdue (通报) — derived from the calendar."""
    state = request.GET.get("state") if request.GET.get("state") in DeadlineState.LABELS else None
    qs = selectors.supervision_list(request.user, state=state)
    return _list_page(request, qs, title=_("催办督办"), extra={"supervision": True, "state": state})


@login_required
def triage(request):
    """The office's queue: triage, pending returns and pending extension requests."""
    if not request.user.is_office:
        raise Http404
    return _list_page(request, selectors.triage_queue(request.user), title=_("分办"), extra={"triage": True})


@login_required
def inbox(request):
    """The handler's department: new, due soon, overdue, all."""
    department = selectors.handler_department(request.user)
    if department is None:
        raise Http404
    tab = request.GET.get("tab", "open")
    qs = selectors.inbox_assignments(request.user)
    if tab == "new":
        qs = qs.filter(state=AssignmentState.ASSIGNED)
    elif tab in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE):
        qs = qs.filter(deadline_state__in=[tab] if tab == DeadlineState.DUE_SOON else [DeadlineState.OVERDUE, DeadlineState.LONG_OVERDUE])
    elif tab == "open":
        qs = qs.filter(state__in=selectors.RUNNING)
    tabs = [("open", _("办理中")), ("new", _("待签收")), ("due_soon", _("即将到期")), ("overdue", _("已逾期")), ("all", _("全部"))]
    return render(
        request,
        "suggestions/inbox.html",
        {"department": department, "page_obj": _page(request, qs), "tab": tab, "tabs": tabs, "deadline_labels": DeadlineState.LABELS},
    )


@login_required
def create(request):
    """Write a suggestion (deputy, or staff on a deputy's behalf); save as draft or submit at once."""
    if request.user.role not in (Role.DEPUTY, Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE) and not request.user.is_superuser:
        raise Http404
    if request.user.is_deputy and getattr(request.user, "deputy_profile", None) is None:
        messages.error(request, _("您的账号尚未关联代表信息，请联系人大常委会办公室。"))
        return redirect("home")
    form = forms.SuggestionForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create(
                actor=request.user,
                title=data["title"],
                content=data["content"],
                region=data["region"],
                lead_deputy=data.get("lead_deputy") or request.user.deputy_profile,
                co_signers=data["co_signers"],
                attachments=data["attachments"],
                submit="submit" in request.POST,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("建议已提交。") if "submit" in request.POST else _("草稿已保存。"))
            return redirect("suggestions:detail", pk=suggestion.pk)
    return render(request, "suggestions/form.html", {"form": form})


def _may_edit_draft(user, suggestion) -> bool:
    try:
        services.check_draft_editable(user, suggestion)
    except (PermissionRefused, Conflict):
        return False
    return True


@login_required
def edit(request, pk):
    """Correct a draft before submitting it: the lead deputy, or whoever entered it for them.

    Once submitted it is no longer theirs to change: the page sends them back to it with a message."""
    suggestion = selectors.get_visible_or_404(request.user, pk)
    try:
        services.check_draft_editable(request.user, suggestion)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("suggestions:detail", pk=pk)
    form = forms.SuggestionDraftForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"title": suggestion.title, "content": suggestion.content, "region": suggestion.region_id},
    )
    back = reverse("suggestions:detail", args=[suggestion.pk])

    def save(data):
        services.suggestion_update_draft(
            suggestion.pk, actor=request.user, title=data["title"], content=data["content"], region=data["region"], campaign=suggestion.campaign
        )
        return back

    return render_form(
        request, form, title=_("修改草稿：%(title)s") % {"title": suggestion.title}, back=back, save=save, success=_("草稿已保存。")
    )


@login_required
def similar(request):
    """JSON for the writing form (as the deputy types) and the triage page: the most similar open
    and recent suggestions of the county."""
    suggestion_id = request.GET.get("suggestion")
    matches = selectors.similar_suggestions(
        request.user,
        title=request.GET.get("title", "")[:200],
        content=request.GET.get("content", "")[:5000],
        region_id=request.GET.get("region"),
        suggestion_id=suggestion_id if suggestion_id else None,
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": m.suggestion.pk,
                    "number": m.suggestion.number,
                    "title": m.suggestion.title,
                    "status": m.suggestion.get_status_display(),
                    "region": m.suggestion.region.name,
                    "score": round(m.score, 3),
                    "url": reverse("suggestions:detail", args=[m.suggestion.pk]) if m.visible else None,
                }
                for m in matches
            ]
        }
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- detail and actions --------------------------------------------------------------------------


def _context(request, suggestion, bound=None):
    """Which action forms this user sees on this suggestion (the services still decide)."""
    user = request.user
    status = suggestion.status
    allowed = allowed_actions(status)
    assignments = list(suggestion.assignments.all())
    is_office = user.is_office and region_in_scope(user, suggestion.region)
    department = selectors.handler_department(user)
    mine = [a for a in assignments if department and a.department_id == department.pk]
    my_running = next((a for a in reversed(mine) if a.state in (AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED)), None)
    pending_return = next((r for a in assignments for r in a.return_requests.all() if r.decision == RequestDecision.PENDING), None)
    pending_extension = next((r for a in assignments for r in a.extension_requests.all() if r.decision == RequestDecision.PENDING), None)
    is_lead_deputy = suggestion.lead_deputy.user_id == user.pk
    my_signature = next((c for c in suggestion.co_signatures.all() if c.deputy.user_id == user.pk), None)
    pending_follow_up = next((a for a in suggestion.answers.all() if a.follow_up_date and not a.follow_up_done_at), None)
    departments = selectors.assignable_departments(user, suggestion) if is_office else None

    available = {}
    if is_office:
        if "assign" in allowed:
            available["assign"] = forms.AssignForm(departments=departments, initial=_assign_initial(request, suggestion, departments))
        if "not_accept" in allowed:
            available["not_accept"] = forms.ReasonForm()
        if pending_return:
            available["approve_return"] = forms.NoteForm()
            available["refuse_return"] = forms.NoteForm()
        if pending_extension and "approve_extension" in allowed:
            available["approve_extension"] = forms.NoteForm()
            available["refuse_extension"] = forms.NoteForm()
        if "merge" in allowed and status != Status.DRAFT:
            available["merge"] = forms.MergeForm()
        if pending_follow_up:
            available["follow_up"] = forms.FollowUpForm()
    if my_running:
        if my_running.state == AssignmentState.ASSIGNED:
            available["acknowledge"] = None
        if my_running.role == AssignmentRole.LEAD:
            if "request_return" in allowed and (not my_running.return_deadline or timezone.localdate() <= my_running.return_deadline):
                available["request_return"] = forms.ReturnForm(departments=selectors.departments_visible_to(user).filter(active=True))
            if "request_extension" in allowed and not pending_extension:
                available["request_extension"] = forms.ExtensionForm()
            if "answer" in allowed and my_running.state == AssignmentState.ACKNOWLEDGED:
                available["answer"] = forms.AnswerForm()
        elif "cohandler_opinion" in allowed:
            available["opinion"] = forms.OpinionForm()
    if is_lead_deputy or (suggestion.submitted_by_id == user.pk and not user.is_handler):
        if "submit" in allowed:
            available["submit"] = None
        if "rate" in allowed and is_lead_deputy:
            available["rate"] = forms.RateForm()
    if (is_lead_deputy or is_office) and "withdraw" in allowed:
        available["withdraw"] = forms.NoteForm()
    if my_signature and not my_signature.confirmed_at and "cosign_confirm" in allowed:
        available["cosign"] = None
    if bound:
        available[bound[0]] = bound[1]
    for a in assignments:
        a.due_text = explain(a.due_explanation)
    events = list(suggestion.events.all())
    for e in events:
        e.action_label = event_label(e.action)
        # The router's note (category, confidence, threshold) is for offices; others read what happened.
        if e.actor_label == services.SYSTEM_ROUTER and not is_office:
            e.note = ROUTER_PLAIN.get(e.action, "")
        if e.actor_label in services.SYSTEM_LABELS:
            e.actor_label = _(e.actor_label)
        e.from_label = Status(e.from_status).label if e.from_status in Status.values else ""
        e.to_label = Status(e.to_status).label if e.to_status in Status.values else ""
    return {
        "s": suggestion,
        "assignments": assignments,
        "events": events,
        "action_forms": [(key, ACTION_LABELS[key], form) for key, form in available.items()],
        "confirm_messages": CONFIRM_MESSAGES,
        "error_forms": [(key, form) for key, form in available.items() if form is not None and form.is_bound and form.errors],
        "pending_return": pending_return,
        "pending_extension": pending_extension,
        "is_office": is_office,
        "deadline_labels": DeadlineState.LABELS,
        # Triage shows possible duplicates (fetched by static/js/similar.js) next to the merge form.
        "show_similar": "merge" in available,
        "router_guesses": _router_guesses(suggestion),
        "can_edit_draft": _may_edit_draft(user, suggestion),
        "picked_guess": request.GET.get("guess", ""),
    }


def _router_guesses(suggestion) -> list[dict]:
    """The router's three guesses (category name, confidence in percent) and any returning department's hint."""
    rows = []
    for guess in suggestion.router_guesses:
        if isinstance(guess, dict) and guess.get("category"):
            confidence = guess.get("confidence")
            known = categories().get(guess["category"])
            rows.append({
                **guess,
                # The stored name is Chinese; the category's name in the reader's language when the code is known.
                "name": known.name if known else guess.get("name"),
                "percent": round(confidence * 100) if isinstance(confidence, int | float) else None,
            })
        elif isinstance(guess, dict):
            rows.append(guess)
    return rows


def _assign_initial(request, suggestion, departments) -> dict:
    """One click on a router guess (``?guess=<category>``) pre-fills its category and department."""
    from suggestions.routing.router import resolve_for_assignment

    guess = request.GET.get("guess", "")
    if not guess or guess not in {g.get("category") for g in suggestion.router_guesses if isinstance(g, dict)}:
        return {"category": suggestion.category}
    lead = resolve_for_assignment(suggestion, guess)
    # Only a department the office may assign to: the form's choices are scoped.
    lead = lead if lead is not None and departments.filter(pk=lead.pk).exists() else None
    return {"category": guess, "lead": lead.pk if lead else None}


@login_required
def detail(request, pk):
    """A suggestion with its assignments, answers, ratings and the full timeline."""
    suggestion = selectors.suggestion_detail(request.user, pk)
    return render(request, "suggestions/detail.html", _context(request, suggestion))


def _run(action, request, suggestion, holder):
    """Build the action's form, and if valid call its service. Returns (form, success message)."""
    user, post, files = request.user, request.POST, request.FILES
    sid = suggestion.pk

    def form_of(cls, **kwargs):
        # Kept in ``holder`` so a service's ValidationError can be shown on the form that caused it.
        holder["form"] = cls(post, files, **kwargs)
        return holder["form"]

    if action == "submit":
        services.suggestion_submit(sid, actor=user)
        return None, _("建议已提交。")
    if action == "cosign":
        services.suggestion_cosign_confirm(sid, actor=user)
        return None, _("已确认附议。")
    if action == "acknowledge":
        services.assignment_acknowledge(selectors.my_assignment(user, suggestion).pk, actor=user)
        return None, _("已签收。")
    if action == "assign":
        form = form_of(forms.AssignForm, departments=selectors.assignable_departments(user, suggestion))
        if form.is_valid():
            d = form.cleaned_data
            services.suggestion_assign(
                sid, lead=d["lead"], co_handlers=d["co_handlers"], actor=user, category=d["category"] or None, note=d["note"]
            )
            return form, _("已交办。")
        return form, None
    if action == "not_accept":
        form = form_of(forms.ReasonForm)
        if form.is_valid():
            services.suggestion_not_accept(sid, actor=user, reason=form.cleaned_data["reason"])
            return form, _("已作不予立案处理。")
        return form, None
    if action in ("approve_return", "refuse_return", "approve_extension", "refuse_extension", "withdraw"):
        form = form_of(forms.NoteForm)
        if form.is_valid():
            note = form.cleaned_data["note"]
            if action == "approve_return":
                services.return_approve(selectors.pending_request(ReturnRequest, suggestion).pk, actor=user, note=note)
            elif action == "refuse_return":
                services.return_refuse(selectors.pending_request(ReturnRequest, suggestion).pk, actor=user, note=note)
            elif action == "approve_extension":
                services.extension_approve(selectors.pending_request(ExtensionRequest, suggestion).pk, actor=user, note=note)
            elif action == "refuse_extension":
                services.extension_refuse(selectors.pending_request(ExtensionRequest, suggestion).pk, actor=user, note=note)
            else:
                services.suggestion_withdraw(sid, actor=user, note=note)
            return form, DONE_MESSAGES[action]
        return form, None
    if action == "request_return":
        form = form_of(forms.ReturnForm, departments=selectors.departments_visible_to(user).filter(active=True))
        if form.is_valid():
            d = form.cleaned_data
            services.assignment_request_return(
                selectors.my_assignment(user, suggestion, roles=[AssignmentRole.LEAD]).pk, actor=user, reason=d["reason"], suggested_department=d["suggested_department"]
            )
            return form, _("退回申请已提交，等待人大常委会审核。")
        return form, None
    if action == "request_extension":
        form = form_of(forms.ExtensionForm)
        if form.is_valid():
            d = form.cleaned_data
            services.assignment_request_extension(
                selectors.my_assignment(user, suggestion, roles=[AssignmentRole.LEAD]).pk, actor=user, reason=d["reason"], requested_due_at=d["requested_due_at"]
            )
            return form, _("延期申请已提交，等待人大常委会审核。")
        return form, None
    if action == "opinion":
        form = form_of(forms.OpinionForm)
        if form.is_valid():
            services.cohandler_opinion_submit(
                selectors.my_assignment(user, suggestion, roles=[AssignmentRole.CO_HANDLER]).pk, actor=user, opinion=form.cleaned_data["opinion"]
            )
            return form, _("协办意见已提交主办单位。")
        return form, None
    if action == "answer":
        form = form_of(forms.AnswerForm)
        if form.is_valid():
            d = form.cleaned_data
            services.suggestion_answer(
                sid, actor=user, text=d["text"], outcome_class=d["outcome_class"], follow_up_date=d["follow_up_date"], attachments=d["attachments"]
            )
            return form, _("已答复，等待代表测评。")
        return form, None
    if action == "rate":
        form = form_of(forms.RateForm)
        if form.is_valid():
            services.suggestion_rate(sid, actor=user, value=form.cleaned_data["value"], comment=form.cleaned_data["comment"])
            return form, _("测评已提交。")
        return form, None
    if action == "merge":
        form = form_of(forms.MergeForm)
        if form.is_valid():
            target = (
                selectors.suggestions_visible_to(user).filter(forms.merge_target_lookup(form.cleaned_data["into"])).exclude(pk=sid).first()
            )
            if target is None:
                form.add_error("into", _("找不到该编号的建议。"))
                return form, None
            services.suggestion_merge(sid, into=target, actor=user, note=form.cleaned_data["note"])
            return form, _("已合并。")
        return form, None
    if action == "follow_up":
        form = form_of(forms.FollowUpForm)
        if form.is_valid():
            answer = selectors.pending_follow_up(suggestion)
            services.follow_up_record(answer.pk, actor=user, note=form.cleaned_data["note"])
            return form, _("回头看已记录。")
        return form, None
    raise Http404





@login_required
@require_POST
def act(request, pk, action):
    """Run one transition from the detail page."""
    if action not in ACTIONS:
        raise Http404
    suggestion = selectors.get_visible_or_404(request.user, pk)
    holder = {}
    try:
        form, done = _run(action, request, suggestion, holder)
    except ValidationError as exc:
        form, done = holder.get("form"), None
        if form is None:
            messages.error(request, "；".join(exc.messages))
            return redirect("suggestions:detail", pk=pk)
        _add_errors(form, exc)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("suggestions:detail", pk=pk)
    if done:
        messages.success(request, done)
        return redirect("suggestions:detail", pk=pk)
    # Bad input: the page again, the form keeps what was typed and says what is wrong.
    suggestion = selectors.suggestion_detail(request.user, pk)
    return render(request, "suggestions/detail.html", _context(request, suggestion, bound=(action, form)), status=400)


@login_required
def attachment(request, pk):
    """Serve an attachment only to users who may see its suggestion."""
    try:
        file = get_object_or_404(Attachment.objects.filter(suggestion__in=selectors.suggestions_visible_to(request.user)), pk=pk)
    except OverflowError:  # an id no database row can have
        raise Http404 from None
    return serve_file(file.file, download_name=file.original_name)


@login_required
def export(request):
    """The suggestion ledger (台账) of the filtered list, as .xlsx."""
    if not (request.user.is_office or request.user.is_township_staff):
        raise Http404
    qs = selectors.suggestion_list(request.user).order_by("submitted_at", "id")
    filterset = SuggestionFilter(request.GET or None, queryset=qs, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    content = exports.ledger_xlsx(rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="suggestions-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- inbox and calendar ------------------------------------------------------------------------------


@login_required
def notifications(request):
    """The user's messages; opening the page marks them read."""
    page = _page(request, selectors.notifications_of(request.user).select_related("suggestion"))
    response = render(request, "suggestions/notifications.html", {"page_obj": page})
    services.notifications_mark_read(actor=request.user, notification_ids=[n.pk for n in page.object_list])
    return response


@login_required
def calendar(request):
    """The working-day calendar: everyone reads it, the provincial office edits and imports."""
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2100 else timezone.localdate().year
    can_edit = request.user.is_superuser or request.user.role == Role.PROVINCIAL_OFFICE
    day_form = forms.CalendarDayForm(request.POST if request.POST.get("form") == "day" else None)
    import_form = forms.CalendarImportForm(
        request.POST if request.POST.get("form") == "import" else None, request.FILES if request.POST.get("form") == "import" else None
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("form") not in ("remove", "day", "import"):
            # A post naming none of the page's forms (a hand-made request): say so instead of a blank 400.
            messages.error(request, _("请通过页面上的表单提交。"))
        try:
            if request.POST.get("form") == "remove":
                date = dt.date.fromisoformat(request.POST.get("date", ""))
                services.calendar_day_remove(actor=request.user, date=date)
                messages.success(request, _("已删除 %(date)s。") % {"date": date})
                return redirect(f"{request.path}?year={date.year}")
            if request.POST.get("form") == "day" and day_form.is_valid():
                d = day_form.cleaned_data
                services.calendar_day_add(actor=request.user, date=d["date"], kind=d["kind"], name=d["name"])
                messages.success(request, _("已保存，相关办理期限已重新计算。"))
                return redirect(f"{request.path}?year={d['date'].year}")
            if request.POST.get("form") == "import" and import_form.is_valid():
                years = services.calendar_import_csv(actor=request.user, file=import_form.cleaned_data["file"])
                messages.success(request, _("已导入 %(years)s 年度。") % {"years": "、".join(map(str, years))})
                return redirect(f"{request.path}?year={years[0]}")
        except ValueError:
            messages.error(request, _("日期格式不正确。"))
        except ValidationError as exc:
            _add_errors(import_form if request.POST.get("form") == "import" else day_form, exc)
    days = CalendarDay.objects.filter(date__year=year).order_by("date")
    return render(
        request,
        "suggestions/calendar.html",
        {
            "year": year,
            "days": days,
            "known": CalendarYear.objects.filter(year=year).exists(),
            "years": list(CalendarYear.objects.order_by("year").values_list("year", flat=True)),
            "can_edit": can_edit,
            "day_form": day_form,
            "import_form": import_form,
        },
        status=400 if request.method == "POST" else 200,
    )

