"""Duty-point pages: rules, ranking (and its Excel), a deputy's scored record, office entries, the 述职
meeting, the report to voters, and the deputy's public page. Thin: parse, call a selector or service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scope import in_scope
from config.exceptions import Conflict
from config.pages import add_service_errors, render_form
from config.xlsx import XLSX
from dashboards.selectors import deputy_in_scope
from deputies.models import DeputyGroup
from duty import exports, forms, report, selectors, services
from duty.models import OfficeEntry, RuleKind
from duty.record import link_for
from liaison_stations.models import LiaisonStation


def _year(request) -> int:
    try:
        return selectors.parse_year(request.GET.get("year"))
    except ValueError:
        raise Http404 from None


@login_required
def home(request):
    if request.user.is_deputy:
        return redirect("duty:my_record")
    return redirect("duty:ranking")


# --- rules ----------------------------------------------------------------------------------------


@login_required
def rules(request, year: int):
    region = selectors.own_congress(request.user)
    scheme = selectors.scheme_for(region, year)
    rule_form = threshold_form = None
    if scheme is not None:
        earliest = services.earliest_change(scheme)
        rule_form = forms.RuleForm(initial={"effective_from": earliest})
        threshold_form = forms.ThresholdForm(initial={"threshold": scheme.threshold})
        if request.method == "POST":
            if "threshold" in request.POST:
                threshold_form = forms.ThresholdForm(request.POST)
                if threshold_form.is_valid():
                    try:
                        services.threshold_set(actor=request.user, scheme=scheme, threshold=threshold_form.cleaned_data["threshold"])
                    except ValidationError as exc:
                        add_service_errors(threshold_form, exc)
                    else:
                        messages.success(request, _("分数线已保存。"))
                        return redirect("duty:rules", year=year)
            else:
                rule_form = forms.RuleForm(request.POST)
                if rule_form.is_valid():
                    try:
                        services.rule_set(actor=request.user, scheme=scheme, **rule_form.cleaned_data)
                    except ValidationError as exc:
                        add_service_errors(rule_form, exc)
                    except Conflict as exc:
                        rule_form.add_error(None, exc.message)
                    else:
                        messages.success(request, _("积分规则已保存，自生效日期起计分。"))
                        return redirect("duty:rules", year=year)
    context = {
        "region": region,
        "year": year,
        "scheme": scheme,
        "rows": selectors.rule_table(scheme) if scheme else [],
        "rule_form": rule_form,
        "threshold_form": threshold_form,
        "frozen": year < selectors.this_year(),
        "has_last_year": selectors.scheme_for(region, year - 1) is not None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "duty/rules.html", context, status=status)


@login_required
@require_POST
def rules_start(request, year: int):
    try:
        services.scheme_start(actor=request.user, year=year, copy_last_year=request.POST.get("copy") == "1")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已建立本年度积分办法。"))
    return redirect("duty:rules", year=year)


# --- ranking -------------------------------------------------------------------------------------


def _ranking(request):
    user = request.user
    if not selectors.is_reader(user):
        raise Http404
    groups = in_scope(DeputyGroup.objects.filter(active=True), user).order_by("name")
    stations = in_scope(LiaisonStation.objects.filter(active=True), user).order_by("name")
    form = forms.RankingFilterForm(request.GET or None, groups=groups, stations=stations)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or selectors.this_year()
    filters = selectors.RankingFilters(level=data.get("level") or "", group=data.get("group"), station=data.get("station"))
    return form, year, selectors.ranking(user, year, filters)


@login_required
def ranking(request):
    form, year, cards = _ranking(request)
    below = sum(1 for c in cards if c.below_threshold)
    return render(
        request,
        "duty/ranking.html",
        {"form": form, "year": year, "cards": cards, "below": below, "query": request.GET.urlencode()},
    )


@login_required
def ranking_export(request):
    form, year, cards = _ranking(request)
    response = HttpResponse(exports.ranking_xlsx(cards, year), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"履职积分-{year}.xlsx")
    return response


# --- a deputy's scored record --------------------------------------------------------------------


def _record(request, pk: int):
    year = _year(request)
    deputy, cards = selectors.deputy_scorecards(request.user, pk, year)
    labels = dict(RuleKind.choices)
    user = request.user
    may_record = user.is_superuser or user.is_office or user.is_township_staff
    # A link is drawn only where the reader may open it: suggestions they can see, office pages for offices.
    suggestion_ids = {line.target_id for card in cards for line in card.lines if line.target_kind == "suggestion"}
    openable = set()
    if suggestion_ids:
        from suggestions.selectors import suggestions_visible_to

        openable = set(suggestions_visible_to(user).filter(pk__in=suggestion_ids).values_list("pk", flat=True))
    kinds = {"activity": _("活动"), "suggestion": _("建议"), "message": _("群众留言"), "report_meeting": _("述职会"), "office_entry": _("登记出席/缺席")}
    for card in cards:
        for line in card.lines:
            line.label = labels[line.rule]
            line.kind_label = kinds.get(line.target_kind, line.target_kind)
            line.url = link_for(line.target_kind, line.target_id)
            if line.target_kind == "suggestion" and line.target_id not in openable:
                line.url = None
            elif line.target_kind in ("office_entry", "report_meeting") and not may_record:
                line.url = None
    return render(
        request,
        "duty/record.html",
        {
            "deputy": deputy,
            "year": year,
            "cards": cards,
            "meetings": selectors.meetings_of(user, deputy, year),
            "may_record": may_record,
            "hidden": selectors.page_hidden(deputy),
        },
    )


@login_required
def my_record(request):
    from dashboards.selectors import own_deputy

    return _record(request, own_deputy(request.user).pk)


@login_required
def deputy_record(request, pk: int):
    return _record(request, pk)


@login_required
@require_POST
def public_toggle(request, pk: int):
    if not (request.user.is_deputy or request.user.is_office):
        raise Http404
    deputy = deputy_in_scope(request.user, pk)
    services.public_page_set(actor=request.user, deputy=deputy, hidden=request.POST.get("hidden") == "1")
    messages.success(request, _("公开页设置已保存。"))
    return redirect(reverse("duty:deputy_record", args=[pk]))


# --- office entries and the 述职 meeting -------------------------------------------------------------


@login_required
def entries(request):
    region = selectors.own_congress(request.user)
    year = selectors.this_year()
    deputies = list(
        selectors.mandates_in_year(year).filter(congress_region=region).values_list("deputy_id", "deputy__name").distinct().order_by("deputy__name")
    )
    form = forms.EntryForm(request.POST if request.method == "POST" else None, deputies=deputies)

    def save(data):
        services.entry_add(actor=request.user, deputy_pk=data["deputy"], kind=data["kind"], date=data["date"], note=data["note"])
        return reverse("duty:entries")

    listed = OfficeEntry.objects.filter(congress_region=region).select_related("deputy")[:200]
    return render_form(
        request, form, title=_("登记出席人代会 / 无故缺席"), back=reverse("duty:ranking"), save=save,
        success=_("已登记。"), template="duty/entries.html", extra={"entries": listed},
    )


@login_required
@require_POST
def entry_delete(request, pk: int):
    entry = get_object_or_404(OfficeEntry, pk=pk, congress_region=selectors.own_congress(request.user))
    services.entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("已删除%(who)s %(when)s 的登记。") % {"who": entry.deputy.name, "when": entry.date.isoformat()})
    return redirect("duty:entries")


@login_required
def meeting_new(request, pk: int):
    user = request.user
    if not (user.is_superuser or user.is_office or user.is_township_staff):
        raise Http404
    deputy = deputy_in_scope(user, pk)
    stations = in_scope(LiaisonStation.objects.filter(active=True), user).order_by("name")
    form = forms.MeetingForm(request.POST if request.method == "POST" else None, stations=stations)

    def save(data):
        services.meeting_record(actor=user, deputy=deputy, **data)
        return reverse("duty:deputy_record", args=[deputy.pk]) + f"?year={data['date'].year}"

    return render_form(
        request, form, title=_("登记%(name)s的述职会") % {"name": deputy.name},
        back=reverse("duty:deputy_record", args=[deputy.pk]), save=save, success=_("述职会已登记，已记入履职档案。"),
    )


# --- the report to voters ---------------------------------------------------------------------------


def _report_deputy(request, pk: int):
    deputy = deputy_in_scope(request.user, pk)
    year = _year(request)
    return deputy, year


@login_required
def report_edit(request, pk: int):
    deputy, year = _report_deputy(request, pk)
    title, body, saved = report.current_text(deputy, year)
    if request.GET.get("redraft") == "1":
        title, body = report.draft(deputy, year)
    form = forms.ReportForm(request.POST if request.method == "POST" else None, initial={"title": title, "body": body})

    def save(data):
        services.report_save(actor=request.user, deputy=deputy, year=year, title=data["title"], body=data["body"])
        return reverse("duty:report_edit", args=[deputy.pk]) + f"?year={year}"

    return render_form(
        request, form, title=_("述职报告"), back=reverse("duty:deputy_record", args=[deputy.pk]) + f"?year={year}",
        save=save, success=_("报告已保存，可以下载打印。"), template="duty/report_edit.html",
        extra={"deputy": deputy, "year": year, "saved": saved},
    )


@login_required
def report_download(request, pk: int):
    deputy, year = _report_deputy(request, pk)
    response = HttpResponse(
        report.report_docx(deputy, year), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{deputy.name}-{year}年述职报告.docx")
    return response


# --- public page (no login) -------------------------------------------------------------------------


def public_deputy(request, pk: int):
    deputy = selectors.public_deputy_or_404(pk)
    year = _year(request)
    return render(request, "duty/public_deputy.html", selectors.public_summary(deputy, year))
