"""Station pages: list, detail, checklist, deputies, reception schedule, coverage. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.pages import add_service_errors, form_status, office_form_page, require_office
from liaison_stations import selectors, services
from liaison_stations.forms import AssignmentForm, ChecklistForm, ReceptionDayForm, StandardItemForm, StationForm
from liaison_stations.models import StationKind

PAGE_SIZE = 50


def _sees_stations(user) -> bool:
    return user.is_superuser or not user.is_handler


@login_required
def station_list(request):
    if not _sees_stations(request.user):
        raise Http404
    filterset, stations = selectors.station_list(request.user, request.GET)
    page = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_completion(page.object_list, selectors.items_applying_within(request.user))
    return render(
        request,
        "liaison_stations/station_list.html",
        {"filter": filterset, "page_obj": page, "kinds": StationKind.choices, "can_edit": request.user.is_office},
    )


@login_required
def station_detail(request, pk):
    detail = selectors.station_detail(request.user, pk)
    return render(
        request,
        "liaison_stations/station_detail.html",
        {"detail": detail, "station": detail.station, "can_edit": request.user.is_office},
    )


@login_required
def reception_schedule(request, pk):
    """The printable schedule posted at the station: coming reception days and who is on duty."""
    station = selectors.get_station(request.user, pk)
    days = selectors.reception_schedule(station, since=timezone.localdate())
    return render(request, "liaison_stations/schedule.html", {"station": station, "days": days})


@login_required
def coverage(request):
    if not _sees_stations(request.user) or request.user.is_deputy:
        raise Http404
    report = selectors.coverage(request.user, request.GET.get("region") or None)
    return render(request, "liaison_stations/coverage.html", {"report": report})


@login_required
def station_create(request):
    return office_form_page(
        request, StationForm, title=_("新增联络站"), back=reverse("liaison_stations:list"),
        save=lambda data: services.station_create(actor=request.user, data=data), success=_("已新增联络站。"),
    )


@login_required
def station_edit(request, pk):
    station = selectors.get_station(request.user, pk)
    return office_form_page(
        request, StationForm, instance=lambda: selectors.get_station(request.user, pk), title=_("编辑联络站：%(name)s") % {"name": station.name}, back=station.get_absolute_url(),
        save=lambda data: services.station_update(actor=request.user, station=station, data=data), success=_("已保存。"),
    )


@login_required
def checklist_edit(request, pk):
    """Tick the standards a station meets, with a note each."""
    detail = selectors.station_detail(request.user, pk)
    require_office(request.user)
    form = ChecklistForm(request.POST if request.method == "POST" else None, checklist=detail.checklist)
    if request.method == "POST" and form.is_valid():
        try:
            services.station_standards_record(actor=request.user, station=detail.station, answers=form.answers())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存达标情况。"))
            return redirect(detail.station)
    return render(request, "liaison_stations/checklist_form.html", {"form": form, "station": detail.station}, status=form_status(form))


@login_required
def assignment_create(request, pk):
    station = selectors.get_station(request.user, pk)
    return office_form_page(
        request, AssignmentForm, form_kwargs={"station": station}, title=_("代表进站：%(name)s") % {"name": station.name}, back=station.get_absolute_url(),
        save=lambda data: services.assignment_add(
            actor=request.user, station=station, deputy=data["deputy"], start_date=data.get("start_date"), end_date=data.get("end_date")
        ).station,
        success=_("代表已进站。"),
    )


@login_required
@require_POST
def assignment_delete(request, pk):
    assignment = selectors.get_assignment(request.user, pk)
    require_office(request.user)
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(request, _("已将代表移出本站。"))
    return redirect(assignment.station)


@login_required
def reception_create(request, pk):
    station = selectors.get_station(request.user, pk)
    return office_form_page(
        request, ReceptionDayForm, form_kwargs={"station": station}, title=_("安排接待选民日：%(name)s") % {"name": station.name}, back=station.get_absolute_url(),
        save=lambda data: services.reception_day_create(
            actor=request.user, station=station, data=data, deputies=data.get("deputies") or []
        ).station,
        success=_("已安排接待日。"),
    )


@login_required
def reception_edit(request, pk):
    day = selectors.get_reception_day(request.user, pk)
    return office_form_page(
        request, ReceptionDayForm, instance=lambda: selectors.get_reception_day(request.user, pk), form_kwargs={"station": day.station},
        title=_("编辑接待日：%(name)s") % {"name": day.station.name}, back=day.station.get_absolute_url(),
        save=lambda data: services.reception_day_update(
            actor=request.user, day=day, data=data, deputies=data.get("deputies") or []
        ).station,
        success=_("已保存。"),
    )


@login_required
@require_POST
def reception_delete(request, pk):
    day = selectors.get_reception_day(request.user, pk)
    require_office(request.user)
    services.reception_day_delete(actor=request.user, day=day)
    messages.success(request, _("已取消该接待日。"))
    return redirect(day.station)


@login_required
def standard_items(request):
    """The checklist items this office defines (and those above it that also apply)."""
    require_office(request.user)
    own = selectors.standard_items_visible_to(request.user)
    return render(request, "liaison_stations/standard_items.html", {"items": own})


@login_required
def standard_item_create(request):
    return office_form_page(
        request, StandardItemForm, title=_("新增建站标准项"), back=reverse("liaison_stations:standard_items"),
        save=lambda data: (services.standard_item_create(actor=request.user, data=data), reverse("liaison_stations:standard_items"))[1],
        success=_("已新增标准项。"),
    )


@login_required
def standard_item_edit(request, pk):
    item = selectors.get_standard_item(request.user, pk)
    return office_form_page(
        request, StandardItemForm, instance=lambda: selectors.get_standard_item(request.user, pk), title=_("编辑标准项：%(name)s") % {"name": item.name}, back=reverse("liaison_stations:standard_items"),
        save=lambda data: (services.standard_item_update(actor=request.user, item=item, data=data), reverse("liaison_stations:standard_items"))[1],
        success=_("已保存。"),
    )
