"""Dashboard pages, the lists behind their numbers, the Excel export and the record of duty."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from dashboards import hot, selectors
from dashboards.exports import dashboard_workbook
from dashboards.forms import dashboard_filters, narrowing_from
from dashboards.presentation import dashboard_page, display, list_url
from dashboards.rows import drill_columns, drill_table
from residents import selectors as resident_selectors

PAGE_SIZE = 50
NARROWING_PARAMS = {"category", "department", "month"}


def _without_station(filters) -> str:
    # Breadcrumbs above a station lead to whole regions.
    return urlencode({k: v for k, v in filters.query_params().items() if k != "station"})


@login_required
def home(request):
    """The dashboard of the user's own region."""
    region = selectors.dashboard_region(request.user)
    return redirect("dashboards:region", code=region.code)


@login_required
def region_dashboard(request, code):
    region = selectors.dashboard_region(request.user, code)
    filters, form = dashboard_filters(request.GET, user=request.user, region=region)
    data = selectors.dashboard_for(filters)
    context = dashboard_page(data, filters)
    context.update(
        region=region,
        form=form,
        filters=filters,
        breadcrumbs=selectors.breadcrumbs(request.user, region),
        query=urlencode(filters.query_params()),
        query_without_station=_without_station(filters),
        league_min=settings.DASHBOARD_LEAGUE_MIN,
        # Set when the figures come from the rollup: the time of its last refresh.
        as_of=data.get("as_of"),
        hot=hot.hot_issue_panel(filters),
    )
    return render(request, "dashboards/dashboard.html", context)


@login_required
def hot_issue(request, code, pk):
    """The suggestions (and residents' messages) of one hot-issue cluster of a province or city
    dashboard; a cluster of another region's run, or a region outside the scope, is a 404."""
    region = selectors.dashboard_region(request.user, code)
    filters, _form = dashboard_filters(request.GET, user=request.user, region=region)
    issue = resident_selectors.hot_issue_of_region(region, pk)  # 404 unless a cluster of this region's runs
    page = Paginator(hot.hot_issue_suggestions(request.user, issue), PAGE_SIZE).get_page(request.GET.get("page"))
    shown_messages, message_count = hot.hot_issue_messages(request.user, issue)
    context = {
        "region": region,
        "issue": issue,
        "page_obj": page,
        "count": page.paginator.count,
        "headers": [h for h, _ in drill_columns("suggestions")],
        "table": drill_table("suggestions", page.object_list, request.user),
        "resident_messages": shown_messages,
        "message_count": message_count,
        "breadcrumbs": selectors.breadcrumbs(request.user, region),
        "query": urlencode(filters.query_params()),
        "query_without_station": _without_station(filters),
    }
    return render(request, "dashboards/hot_issue.html", context)


@login_required
def figure_list(request, code, figure):
    """The rows behind one number of a dashboard, with the same filters."""
    region = selectors.dashboard_region(request.user, code)
    filters, form = dashboard_filters(request.GET, user=request.user, region=region)
    narrowing, narrowing_errors = narrowing_from(request.GET)
    fig, rows, value = selectors.figure_list(filters, figure, narrowing)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "region": region,
        "figure": fig,
        "value": value,
        "value_display": display(fig.key, value),
        "count": page.paginator.count,
        "page_obj": page,
        "headers": [h for h, _ in drill_columns(fig.family)],
        "table": drill_table(fig.family, page.object_list, request.user),
        "form": form,
        "narrowing": narrowing,
        "filters": filters,
        "narrowing_errors": narrowing_errors,
        "breadcrumbs": selectors.breadcrumbs(request.user, region),
        "query": urlencode(filters.query_params()),
        "query_without_station": _without_station(filters),
        "self_url": list_url(code, fig.key, filters),
        # The filter form keeps the cell's narrowing (station, category…) when the dates change.
        "extra_hidden": [(k, v) for k, v in request.GET.items() if k in NARROWING_PARAMS],
    }
    return render(request, "dashboards/figure_list.html", context)


@login_required
def export(request, code):
    region = selectors.dashboard_region(request.user, code)
    filters, _form = dashboard_filters(request.GET, user=request.user, region=region)
    content = dashboard_workbook(selectors.dashboard_for(filters))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # The code and the date are digits and dashes: safe in the header as they are.
    response["Content-Disposition"] = f'attachment; filename="dashboard-{region.code}-{filters.today.isoformat()}.xlsx"'
    return response


def _record(request, deputy):
    record = selectors.deputy_record(request.user, deputy)
    page = Paginator(record["activities"], PAGE_SIZE).get_page(request.GET.get("page"))
    record.update(page_obj=page, activities_count=page.paginator.count)
    return render(request, "dashboards/record.html", record)


@login_required
def my_record(request):
    """履职档案: the signed-in deputy's own record."""
    return _record(request, selectors.own_deputy(request.user))


@login_required
def deputy_record(request, pk):
    """履职档案 of a deputy inside the viewer's scope (a deputy may open only their own)."""
    return _record(request, selectors.deputy_in_scope(request.user, pk))
