"""Roster pages: list, export, import, deputy, mandates, groups. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pages import form_status, office_form_page, require_office
from deputies import roster, selectors, services
from deputies.forms import DeputyForm, GroupForm, MandateForm, MembershipForm, RosterUploadForm
from deputies.models import GroupKind, Mandate, MandateLevel, Membership
from deputies.privacy import phone_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
ERROR_SESSION_KEY = "roster_import_errors"
# The page lists every bad row; the session keeps this many for the downloadable report.
MAX_KEPT_ERRORS = 20000


def _attach_phones(user, deputies) -> None:
    for deputy in deputies:
        deputy.phone_display = phone_for(user, deputy)


@login_required
def deputy_list(request):
    """The roster: search, filters, pinyin or stroke order, paginated."""
    if not selectors.sees_roster(request.user):
        raise Http404
    filterset, deputies = selectors.deputy_list(request.user, request.GET)
    page = Paginator(deputies, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_phones(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deputies/deputy_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "levels": MandateLevel.choices,
            "regions": selectors.region_choices(request.user),
            "groups": selectors.groups_visible_to(request.user).order_by("name"),
            "stations": selectors.stations_in_scope_for_picker(request.user),
            "query": query.urlencode(),
            "can_edit": request.user.is_office,
        },
    )


@login_required
def deputy_export(request):
    """The filtered roster as .xlsx (phones masked as the viewer sees them)."""
    if not selectors.sees_roster(request.user):
        raise Http404
    _filterset, deputies = selectors.deputy_list(request.user, request.GET)
    response = HttpResponse(roster.export_xlsx(request.user, deputies), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="deputies-{stamp}.xlsx"'
    return response


@login_required
def roster_template(request):
    require_office(request.user)
    response = HttpResponse(roster.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@login_required
def roster_import(request):
    """Upload a roster; a file with any bad row changes nothing and lists every bad row."""
    require_office(request.user)
    # Bound on every POST: an empty post is a missing file (with a message), not a blank form again.
    posted = request.method == "POST"
    form = RosterUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size >= roster.BACKGROUND_MIN_BYTES:
                # Tens of thousands of rows: the worker imports it while a page shows the progress.
                try:
                    job = roster.import_job_start(actor=request.user, upload=upload)
                except roster.RosterFileError as exc:
                    form.add_error("file", str(exc))
                else:
                    return redirect(job.get_absolute_url())
                return render(request, "deputies/import.html", {"form": form, "result": None, "columns": roster.COLUMNS}, status=form_status(form))
            try:
                result = roster.import_roster(actor=request.user, fileobj=upload, filename=upload.name)
            except roster.RosterFileError as exc:
                form.add_error("file", str(exc))
            else:
                if result.ok:
                    messages.success(
                        request,
                        _("导入完成：%(rows)s 行，新增代表 %(created)s 人，更新 %(updated)s 人，新增职务 %(mc)s 条，更新职务 %(mu)s 条。")
                        % {"rows": result.rows, "created": result.created, "updated": result.updated,
                           "mc": result.mandates_created, "mu": result.mandates_updated},
                    )
                    request.session.pop(ERROR_SESSION_KEY, None)
                    return redirect("deputies:list")
                request.session[ERROR_SESSION_KEY] = [
                    [e.row, e.column, e.message] for e in result.errors[:MAX_KEPT_ERRORS]
                ]
    # A refused file (or a file with refused rows) answers 400, as every refused form does.
    return render(request, "deputies/import.html", {"form": form, "result": result, "columns": roster.COLUMNS}, status=form_status(form))


@login_required
def roster_import_job(request, pk):
    """A large import's progress: rows checked, problems so far, time left; the same page after a reload."""
    require_office(request.user)
    job = roster.import_job_for(request.user, pk)
    return render(request, "deputies/import_job.html", {"job": job, "status": roster.import_job_status(job)})


@login_required
def roster_import_job_status(request, pk):
    """The progress as JSON, for the page's script to poll."""
    require_office(request.user)
    job = roster.import_job_for(request.user, pk)
    response = JsonResponse(roster.import_job_status(job))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def roster_import_job_errors(request, pk):
    """A refused job's bad rows as CSV."""
    require_office(request.user)
    job = roster.import_job_for(request.user, pk)
    if not job.errors:
        raise Http404
    response = HttpResponse(roster.errors_csv([roster.RowError(*row) for row in job.errors]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roster-errors.csv"'
    return response


@login_required
def roster_import_errors(request):
    """The last refused import's bad rows as CSV."""
    require_office(request.user)
    kept = request.session.get(ERROR_SESSION_KEY)
    if not kept:
        raise Http404
    body = roster.errors_csv([roster.RowError(*row) for row in kept])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="roster-errors.csv"'
    return response


@login_required
def deputy_detail(request, pk):
    profile = selectors.deputy_profile(request.user, pk)
    return render(request, "deputies/deputy_detail.html", {"profile": profile, "deputy": profile.deputy})


@login_required
def deputy_create(request):
    return office_form_page(
        request,
        DeputyForm,
        title=_("新增代表"),
        back=reverse("deputies:list"),
        save=lambda data: services.deputy_create(actor=request.user, data=data),
        success=_("已新增代表。"),
    )


@login_required
def deputy_edit(request, pk):
    deputy = selectors.get_deputy(request.user, pk)
    return office_form_page(
        request,
        DeputyForm,
        instance=lambda: selectors.get_deputy(request.user, pk),
        title=_("编辑代表：%(name)s") % {"name": deputy.name},
        back=reverse("deputies:detail", args=[deputy.pk]),
        save=lambda data: services.deputy_update(
            actor=request.user, deputy=deputy, data=data, seen_version=data.get("version") or None
        ),
        success=_("已保存。"),
    )


def _get_mandate(user, pk) -> Mandate:
    try:
        return Mandate.objects.select_related("deputy", "deputy__region").get(
            pk=pk, deputy__in=selectors.deputies_visible_to(user)
        )
    except (Mandate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
def mandate_create(request, pk):
    deputy = selectors.get_deputy(request.user, pk)
    return office_form_page(
        request,
        MandateForm,
        title=_("新增职务：%(name)s") % {"name": deputy.name},
        back=reverse("deputies:detail", args=[deputy.pk]),
        save=lambda data: services.mandate_create(actor=request.user, deputy=deputy, data=data).deputy,
        success=_("已新增职务。"),
    )


@login_required
def mandate_edit(request, pk):
    mandate = _get_mandate(request.user, pk)
    return office_form_page(
        request,
        MandateForm,
        instance=lambda: _get_mandate(request.user, pk),
        title=_("编辑职务：%(name)s") % {"name": mandate.deputy.name},
        back=reverse("deputies:detail", args=[mandate.deputy_id]),
        save=lambda data: services.mandate_update(actor=request.user, mandate=mandate, data=data).deputy,
        success=_("已保存。"),
    )


@login_required
@require_POST
def mandate_delete(request, pk):
    mandate = _get_mandate(request.user, pk)
    require_office(request.user)
    services.mandate_delete(actor=request.user, mandate=mandate)
    messages.success(request, _("已删除职务。"))
    return redirect("deputies:detail", mandate.deputy_id)


# --- groups ------------------------------------------------------------------------------------------


@login_required
def group_list(request):
    filterset, groups = selectors.group_list(request.user, request.GET)
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/group_list.html",
        {"filter": filterset, "page_obj": page, "kinds": GroupKind.choices, "can_edit": request.user.is_office},
    )


@login_required
def group_detail(request, pk):
    group = selectors.get_group(request.user, pk)
    members = selectors.group_members(group)
    _attach_phones(request.user, [m.deputy for m in members])
    return render(
        request,
        "deputies/group_detail.html",
        {"group": group, "members": members, "can_edit": request.user.is_office},
    )


@login_required
def group_create(request):
    return office_form_page(
        request,
        GroupForm,
        title=_("新增代表小组"),
        back=reverse("deputies:groups"),
        save=lambda data: services.group_create(actor=request.user, data=data),
        success=_("已新增代表小组。"),
    )


@login_required
def group_edit(request, pk):
    group = selectors.get_group(request.user, pk)
    return office_form_page(
        request,
        GroupForm,
        instance=lambda: selectors.get_group(request.user, pk),
        title=_("编辑代表小组：%(name)s") % {"name": group.name},
        back=group.get_absolute_url(),
        save=lambda data: services.group_update(actor=request.user, group=group, data=data),
        success=_("已保存。"),
    )


def _get_membership(user, pk) -> Membership:
    try:
        return Membership.objects.select_related("group", "group__region", "deputy").get(
            pk=pk, group__in=selectors.groups_visible_to(user)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@login_required
def membership_create(request, pk):
    group = selectors.get_group(request.user, pk)
    return office_form_page(
        request,
        MembershipForm,
        title=_("添加小组成员：%(name)s") % {"name": group.name},
        back=group.get_absolute_url(),
        save=lambda data: services.membership_add(actor=request.user, group=group, deputy=data["deputy"], data=data).group,
        success=_("已添加成员。"),
    )


@login_required
def membership_edit(request, pk):
    membership = _get_membership(request.user, pk)
    return office_form_page(
        request,
        MembershipForm,
        instance=lambda: _get_membership(request.user, pk),
        title=_("编辑小组成员：%(name)s") % {"name": membership.deputy.name},
        back=membership.group.get_absolute_url(),
        save=lambda data: services.membership_update(actor=request.user, membership=membership, data=data).group,
        success=_("已保存。"),
    )


@login_required
@require_POST
def membership_delete(request, pk):
    membership = _get_membership(request.user, pk)
    require_office(request.user)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("已移出小组。"))
    return redirect(membership.group.get_absolute_url())
