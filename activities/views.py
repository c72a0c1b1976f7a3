"""Pages: the visit form, lists with filters, detail, edit, delete, export, campaigns, photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scope import get_in_scope_or_404
from activities import selectors, services
from activities.exports import activity_ledger_xlsx
from activities.filters import ActivityFilter
from activities.forms import ActivityDeleteForm, ActivityEditForm, ActivityForm, CampaignForm, issue_formset
from config.exceptions import Conflict, PermissionRefused
from config.idempotency import form_atomic, form_replay, form_saved
from config.pages import form_status
from config.uploads import serve_file

PAGE_SIZE = 50


def draft_key(user) -> str:
    """The browser draft of the visit form belongs to one user (a shared phone keeps drafts apart)."""
    return f"da:draft:{user.pk}:activity-new"


def _require_logger(user) -> None:
    # Outside their role the page simply does not exist for them, like an object out of scope.
    if not selectors.can_log_activities(user):
        raise Http404


def _add_service_errors(form, exc: ValidationError) -> None:
    for field, messages_ in exc.message_dict.items():
        if field in form.fields:
            for message in messages_:
                form.add_error(field, message)
        else:
            for message in messages_:
                form.add_error(None, message)


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    """登记走访: the form a township clerk fills on a phone in two minutes."""
    _require_logger(request.user)
    user = request.user
    if request.method == "POST":
        replayed = form_replay(request)  # the page's script sent this very submission before
        if replayed is not None:
            return replayed
        form = ActivityForm(request.POST, request.FILES, user=user)
        formset = issue_formset(user, data=request.POST, deputy_scope=form.deputy_scope)
        if form.is_valid() and formset.is_valid():
            try:
                with form_atomic(request):
                    activity = services.activity_create(actor=user, data=form.to_input(formset.to_inputs()))
                    location = reverse("activities:detail", args=[activity.pk]) + "?saved=1"
                    answer = form_saved(request, reverse("activity-list"), activity.pk, location)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存履职活动。"))
                return answer or redirect(location)
    else:
        form = ActivityForm(user=user)
        formset = issue_formset(user, deputy_scope=form.deputy_scope)
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "formset": formset,
            "draft_key": draft_key(user),
            # A form the server sent back with errors already holds what was typed: the draft must not
            # overwrite it.
            "restore_draft": not form.is_bound,
            "photos_dropped": bool(request.FILES.getlist("photos")),
            "title": _("登记走访"),
        },
        status=form_status(form),
    )


@login_required
@require_GET
def activity_list(request):
    """履职活动: the filtered list, with totals and the export of the same filter."""
    qs, filterset = selectors.activity_list(request.user, filterset_class=ActivityFilter, filters=request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "activities": page.object_list,
            "totals": selectors.activity_totals(qs),
            "can_log": selectors.can_log_activities(request.user),
            "query": request.GET.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
@require_GET
def activity_export(request):
    """The ledger (台账) of the filtered list as .xlsx."""
    qs, _filterset = selectors.activity_list(request.user, filterset_class=ActivityFilter, filters=request.GET)
    content = activity_ledger_xlsx(selectors.activity_for_export(qs))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{_('履职活动台账')}-{timezone.localdate():%Y%m%d}.xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def activity_detail(request, pk):
    activity = selectors.get_activity_for(request.user, pk)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "can_edit": services.can_edit_activity(request.user, activity),
            "can_delete": services.can_delete_activity(request.user, activity),
            "clear_draft_key": draft_key(request.user) if request.GET.get("saved") else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    user = request.user
    activity = selectors.get_activity_for(user, pk)
    if not services.can_edit_activity(user, activity):
        messages.error(request, _("登记超过规定天数的活动只能由人大常委会修改。"))
        return redirect("activities:detail", pk=activity.pk)
    if request.method == "POST":
        form = ActivityEditForm(request.POST, request.FILES, user=user, instance=activity)
        formset = issue_formset(user, data=request.POST, deputy_scope=form.deputy_scope)
        if form.is_valid() and formset.is_valid():
            try:
                services.activity_update(
                    actor=user,
                    activity=selectors.get_activity_for(user, pk),
                    data=form.to_input(formset.to_inputs()),
                    expected_updated_at=form.cleaned_data.get("version"),
                    remove_photo_ids=[p.pk for p in form.cleaned_data.get("remove_photos") or []],
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
            except PermissionRefused as exc:
                messages.error(request, exc.message)
                return redirect("activities:detail", pk=pk)
            else:
                messages.success(request, _("已保存修改。"))
                return redirect("activities:detail", pk=pk)
    else:
        form = ActivityEditForm(user=user, instance=activity)
        formset = issue_formset(user, activity=activity, deputy_scope=form.deputy_scope)
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "formset": formset,
            "activity": activity,
            "photos_dropped": bool(request.FILES.getlist("photos")),
            "title": _("修改履职活动"),
        },
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    user = request.user
    activity = selectors.get_activity_for(user, pk)
    if not services.can_delete_activity(user, activity):
        messages.error(request, _("只有人大常委会可以删除履职活动。"))
        return redirect("activities:detail", pk=activity.pk)
    form = ActivityDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.activity_delete(actor=user, activity=activity, reason=form.cleaned_data["reason"])
        messages.success(request, _("已删除，删除记录已留存。"))
        return redirect("activities:list")
    return render(request, "activities/activity_confirm_delete.html", {"activity": activity, "form": form}, status=form_status(form))


@login_required
@require_GET
def deleted_activities(request):
    """Deleted activities and who deleted them (office only)."""
    if not request.user.is_office:
        raise Http404
    page = Paginator(selectors.deleted_activities_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/deleted_list.html", {"page_obj": page, "records": page.object_list})


@login_required
@require_GET
def activity_photo(request, pk, photo_pk):
    photo = selectors.get_photo_for(request.user, pk, photo_pk)
    return serve_file(photo.image)


@login_required
@require_GET
def deputy_search(request):
    """JSON for the deputy picker: deputies by name or pinyin initials, and whole groups."""
    _require_logger(request.user)
    query = request.GET.get("q", "")[:32]
    deputies = [
        {"id": d.pk, "name": d.name, "initials": d.name_initials, "region": d.region.name}
        for d in selectors.deputy_search(request.user, query)
    ]
    groups = [
        {"id": g.pk, "name": g.name, "members": [{"id": m.deputy_id, "name": m.deputy.name} for m in g.picker_memberships]}
        for g in selectors.group_search(request.user, query)
    ]
    return JsonResponse({"deputies": deputies, "groups": groups})


# The offline picker's list: enough for a township or a county; a larger scope searches online.
ROSTER_LIMIT = 3000


@login_required
@require_GET
def deputy_roster(request):
    """JSON for the deputy picker offline: every deputy the clerk may choose (name, pinyin initials,
    region) and the groups with their members, kept in the browser at the last online visit
    (static/js/outbox.js) and searched there when there is no signal."""
    _require_logger(request.user)
    deputies = [
        {"id": d.pk, "name": d.name, "initials": d.name_initials, "region": d.region.name}
        for d in selectors.deputy_search(request.user, "", limit=ROSTER_LIMIT)
    ]
    groups = [
        {"id": g.pk, "name": g.name, "members": [{"id": m.deputy_id, "name": m.deputy.name} for m in g.picker_memberships]}
        for g in selectors.group_search(request.user, "", limit=ROSTER_LIMIT)
    ]
    response = JsonResponse({"deputies": deputies, "groups": groups, "complete": len(deputies) < ROSTER_LIMIT})
    response["Cache-Control"] = "private, no-store"
    return response


# --- campaigns -------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    campaigns = selectors.campaigns_for(request.user)
    editable = set(selectors.campaigns_editable_by(request.user).values_list("pk", flat=True))
    current = {c.pk for c in selectors.current_campaigns(request.user)}
    return render(
        request,
        "activities/campaign_list.html",
        {"campaigns": campaigns, "editable": editable, "current": current, "is_office": request.user.is_office},
    )


def _campaign_form_page(request, form, campaign=None):
    return render(
        request,
        "activities/campaign_form.html",
        {"form": form, "campaign": campaign},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    if not request.user.is_office:
        raise Http404
    form = CampaignForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已创建代表行动。"))
            return redirect("activities:campaigns")
    return _campaign_form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = get_in_scope_or_404(selectors.campaigns_editable_by(request.user), request.user, pk=pk)
    form = CampaignForm(request.POST if request.method == "POST" else None, user=request.user, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已保存代表行动。"))
            return redirect("activities:campaigns")
    return _campaign_form_page(request, form, campaign)



@login_required
@require_POST
def campaign_delete(request, pk):
    campaign = get_in_scope_or_404(selectors.campaigns_editable_by(request.user), request.user, pk=pk)
    try:
        services.campaign_delete(actor=request.user, campaign=campaign)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("activities:campaign_edit", pk=pk)
    messages.success(request, _("已删除代表行动。"))
    return redirect("activities:campaigns")
