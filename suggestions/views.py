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
from config.exceptions import Conflict, PermissionRefused
from config.idempotency import form_atomic, form_replay, form_saved
from config.pages import form_status, render_form
from config.uploads import serve_file
from suggestions import exports, forms, page_actions, permissions, router_words, selectors, services
from suggestions.calendar import explain
from suggestions.filters import SuggestionFilter
from suggestions.models import (
    AssignmentState,
    Attachment,
    CalendarDay,
    CalendarYear,
    ReminderKind,
    Status,
)
from suggestions.page_actions import PAGE_ACTIONS
from suggestions.selectors import DeadlineState
from suggestions.transitions import TRANSITIONS

PAGE_SIZE = 30

EXTRA_EVENT_LABELS = {
    "create": gettext_lazy("起草"),
    "deadline_moved": gettext_lazy("办理期限调整"),
    "merged_in": gettext_lazy("并入重复建议"),
    "campaign_changed": gettext_lazy("更正所属代表行动"),
    **{f"reminder_{kind}": label for kind, label in ReminderKind.choices},
}


def event_label(action: str) -> str:
    if action in TRANSITIONS:
        return TRANSITIONS[action].label
    return EXTRA_EVENT_LABELS.get(action, action)

# Irreversible moves ask before they are sent.
CONFIRM_MESSAGES = {
    "withdraw": gettext_lazy("撤回后这件建议不再办理，且不能恢复。确定撤回？"),
    "not_accept": gettext_lazy("不予立案后建议不再办理，代表会看到理由。确定不予立案？"),
    "merge": gettext_lazy("合并后这件建议并入所选建议，不再单独办理。确定合并？"),
    "rate": gettext_lazy("测评提交后不能修改：满意或基本满意即办结这件建议，不满意则交回承办单位重新办理。确定提交？"),
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
        # The triage queue is an office's page: the router's guesses and why each one waits.
        for s in context["page_obj"]:
            s.guesses = router_words.guesses(s, is_office=True)
            s.waiting_reasons = router_words.waiting_reasons(s.guesses)
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
    if not permissions.may_enter_suggestions(request.user):
        raise Http404
    if request.user.is_deputy and getattr(request.user, "deputy_profile", None) is None:
        messages.error(request, _("您的账号尚未关联代表信息，请联系人大常委会办公室。"))
        return redirect("home")
    replayed = form_replay(request) if request.method == "POST" else None  # the page's script sent it before
    if replayed is not None:
        return replayed
    form = forms.SuggestionForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with form_atomic(request):
                suggestion = services.suggestion_create(
                    actor=request.user,
                    title=data["title"],
                    content=data["content"],
                    region=data["region"],
                    lead_deputy=data.get("lead_deputy") or request.user.deputy_profile,
                    co_signers=data["co_signers"],
                    campaign=data.get("campaign"),
                    attachments=data["attachments"],
                    submit="submit" in request.POST,
                )
                location = reverse("suggestions:detail", args=[suggestion.pk])
                answer = form_saved(request, reverse("suggestion-list"), suggestion.pk, location)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("建议已提交。") if "submit" in request.POST else _("草稿已保存。"))
            return answer or redirect(location)
    return render(request, "suggestions/form.html", {"form": form}, status=form_status(form))


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
    """The detail page: a form for each action ``permissions.actions_for`` allows this user now."""
    user = request.user
    assignments = list(suggestion.assignments.all())
    actions = permissions.actions_for(user, suggestion)
    is_office = permissions.is_office_for(user, suggestion)
    pending_return, pending_extension = permissions.pending_requests(assignments)
    available = {
        key: (action.form(request, suggestion) if action.form else None)
        for key, action in PAGE_ACTIONS.items()
        if key in actions
    }
    if bound:
        available[bound[0]] = bound[1]
    for a in assignments:
        a.due_text = explain(a.due_explanation)
    router_guesses = router_words.guesses(suggestion, is_office=is_office)
    events = list(suggestion.events.all())
    for e in events:
        e.action_label = event_label(e.action)
        # The router's note (category, confidence, threshold) is for offices; others read what happened.
        e.note = router_words.event_note(e, is_office=is_office)
        if e.actor_label in services.SYSTEM_LABELS:
            e.actor_label = _(e.actor_label)
        e.from_label = Status(e.from_status).label if e.from_status in Status.values else ""
        e.to_label = Status(e.to_status).label if e.to_status in Status.values else ""
    return {
        "s": suggestion,
        "assignments": assignments,
        "events": events,
        "action_forms": [(key, PAGE_ACTIONS[key].label, form) for key, form in available.items()],
        "confirm_messages": CONFIRM_MESSAGES,
        "error_forms": [(key, form) for key, form in available.items() if form is not None and form.is_bound and form.errors],
        "pending_return": pending_return,
        "pending_extension": pending_extension,
        "is_office": is_office,
        "deadline_labels": DeadlineState.LABELS,
        # Triage shows possible duplicates (fetched by static/js/similar.js) next to the merge form.
        "show_similar": "merge" in available,
        "router_guesses": router_guesses,
        # What the router found (the first of its own guesses: a returning department's hint may come first).
        "router_found": next((g for g in router_guesses if g.get("category")), {}),
        "waiting_reasons": router_words.waiting_reasons(router_guesses) if suggestion.status == Status.TRIAGE else [],
        "can_edit_draft": "edit" in actions,
        "picked_guess": request.GET.get("guess", ""),
    }


@login_required
def detail(request, pk):
    """A suggestion with its assignments, answers, ratings and the full timeline."""
    suggestion = selectors.suggestion_detail(request.user, pk)
    return render(request, "suggestions/detail.html", _context(request, suggestion))


@login_required
@require_POST
def act(request, pk, action):
    """Run one transition from the detail page."""
    if action not in PAGE_ACTIONS:
        raise Http404
    suggestion = selectors.get_visible_or_404(request.user, pk)
    holder = {}
    try:
        form, done = page_actions.run(action, request, suggestion, holder)
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

