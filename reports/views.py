"""Report pages: the list with a new report, one report (edit, generate, progress, download)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.pages import form_status
from reports import services
from reports.forms import ReportCreateForm, ReportEditForm

LIST_SIZE = 50


def _require(user) -> None:
    if not services.may_report(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The reports of the user's scope, newest first, and the form for a new one."""
    _require(request.user)
    initial = {k: request.GET[k] for k in ("region", "campaign") if request.GET.get(k)}
    form = ReportCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                actor=request.user,
                region=form.cleaned_data["region_obj"],
                campaign=form.cleaned_data["campaign_obj"],
                date_from=form.cleaned_data.get("date_from"),
                date_to=form.cleaned_data.get("date_to"),
            )
        except services.ReportRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(report.get_absolute_url())
    reports = services.reports_visible_to(request.user)[:LIST_SIZE]
    return render(request, "reports/index.html", {"form": form, "reports": reports}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    """One report: the office edits the opening, closing and typical cases, then generates it."""
    _require(request.user)
    report = services.report_for(request.user, pk)
    candidates, chosen = services.report_cases(request.user, report)
    opening_default, closing_default = services.report_defaults(report)
    status = 200
    if request.method == "POST":
        form = ReportEditForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            # The generated text unchanged is kept as "generated" (it follows later data).
            opening = "" if data["opening"].strip() == opening_default else data["opening"]
            closing = "" if data["closing"].strip() == closing_default else data["closing"]
            try:
                services.report_edit(
                    actor=request.user, report=report, opening=opening, closing=closing, case_ids=data["cases"],
                    version=data["version"],
                )
            except services.EditConflict:
                messages.error(request, _("报告已被他人修改，请查看最新内容后再保存。"))
                return _conflict(request, report, candidates, chosen)
            if "generate" in request.POST:
                if services.report_generate(actor=request.user, report=report):
                    report.refresh_from_db(fields=["state"])
                    # Without a broker the report was generated in this request already.
                    done = report.state == "done"
                    messages.success(request, _("报告已生成，可以下载。") if done else _("已开始生成报告，请稍候。"))
                else:
                    messages.info(request, _("报告正在生成中，请等待本次完成。"))
            else:
                messages.success(request, _("已保存。"))
            return redirect(report.get_absolute_url())
        status = 400
    else:
        form = ReportEditForm(
            initial={
                "opening": report.opening or opening_default,
                "closing": report.closing or closing_default,
                "cases": [str(pk) for pk in chosen],
                "version": report.updated_at.isoformat(),
            },
            candidates=candidates,
        )
    context = {"report": report, "form": form, "status": services.report_status(report), "pdf_ready": bool(report.pdf)}
    return render(request, "reports/detail.html", context, status=status)


def _conflict(request, report, candidates, chosen):
    report.refresh_from_db()
    form = ReportEditForm(
        initial={
            "opening": report.opening, "closing": report.closing, "cases": [str(pk) for pk in chosen],
            "version": report.updated_at.isoformat(),
        },
        candidates=candidates,
    )
    context = {"report": report, "form": form, "status": services.report_status(report), "pdf_ready": bool(report.pdf)}
    return render(request, "reports/detail.html", context, status=409)


@login_required
def status(request, pk):
    """The progress as JSON, for the page's script to poll."""
    _require(request.user)
    response = JsonResponse(services.report_status(services.report_for(request.user, pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request, pk, fmt):
    """The generated .docx or PDF again, as often as needed; 404 outside the scope or before it exists."""
    _require(request.user)
    report = services.report_for(request.user, pk)
    field = {"docx": report.docx, "pdf": report.pdf}.get(fmt)
    if not field:
        raise Http404
    name = f"{report.region.name}{report.campaign.title}代表行动情况报告.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
