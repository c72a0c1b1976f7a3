"""The campaign report step of ``make bench`` (issue #20): seconds to generate the province's and a
county's report for the running campaign, .docx and PDF, as the worker does (``reports.services``).

Targets: province ≤ 60 s, county ≤ 10 s (.docx and PDF together). The figures come from the
dashboard's rollup, as on a running system where beat refreshes it (the running campaign every few
minutes, the previous one nightly); a stale or missing rollup is refreshed first and that time is
reported apart (it is beat's work, not the report's).

Each report is timed in parts: the figures (SQL: the dashboard, the extra counts, the previous
campaign, hot issues, typical cases), the sentences, the charts (matplotlib), the Word layout, and
the PDF. The PDF is converted by this process's LibreOffice (``reports.office``), as in a worker
process, which starts it once: that start is timed apart (``report_office_start_s``), before the
reports, the way a worker's pool process pays it once for all the reports it makes.
"""

from __future__ import annotations

import time

REPORTS = [("province", "420000", 60.0), ("county", "422825", 10.0)]
TARGETS = {f"report_{label}_s": ("<=", target) for label, _code, target in REPORTS}


def _timed_build(reader, region, campaign) -> tuple[object, dict[str, float]]:
    """``services.build`` in its parts (the same calls, in the same order), each timed; with the
    queries counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from reports import charts, content, document, writing

    parts: dict[str, float] = {"charts": 0.0}
    render = charts.render

    def timed_render(data, name):
        started = time.perf_counter()
        try:
            return render(data, name)
        finally:
            parts["charts"] += time.perf_counter() - started

    charts.render = timed_render
    try:
        with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            data = content.gather(user=reader, region=region, campaign=campaign)
            parts["figures_sql"] = time.perf_counter() - started
            started = time.perf_counter()
            composed = writing.compose(data)
            parts["sentences"] = time.perf_counter() - started
            started = time.perf_counter()
            docx = document.write_docx(composed, data)
            parts["layout"] = time.perf_counter() - started - parts["charts"]
    finally:
        charts.render = render
    parts["queries"] = len(queries)
    return (data, docx), parts


def measure_report(cfg: dict, say=print) -> dict:
    from accounts.models import User
    from activities.models import Campaign, CampaignKind
    from dashboards import rollup
    from dashboards.figures import Filters
    from regions.models import Region
    from reports import document, office

    reader = User.objects.get(username="provincial")
    campaign = Campaign.objects.filter(region__code="420000", kind=CampaignKind.MANDATED).order_by("-start_date", "-id").first()
    if campaign is None:
        raise RuntimeError("no mandated province campaign in the benchmark database")
    figures: dict = {}
    details: dict = {}
    province = Region.objects.get(code="420000")
    if not rollup.serves(Filters.build(user=reader, region=province, campaign=campaign)) or rollup.dashboard(
        Filters.build(user=reader, region=province, campaign=campaign)
    ) is None:
        started = time.perf_counter()
        rollup.refresh()
        figures["report_rollup_refresh_s"] = round(time.perf_counter() - started, 1)
        say(f"  看板汇总已过期，先刷新：{figures['report_rollup_refresh_s']} 秒")
    # The comparison reads the previous campaign's rollup, which the nightly run keeps on a running
    # system (``refresh(everything=True)``); a bench database may not have it yet.
    from reports.content import previous_campaign

    previous = previous_campaign(campaign)
    if previous is not None and rollup.dashboard(Filters.build(user=reader, region=province, campaign=previous)) is None:
        started = time.perf_counter()
        with rollup._roomy_transaction():
            rollup.refresh_campaign(previous)
        figures["report_rollup_previous_refresh_s"] = round(time.perf_counter() - started, 1)
        say(f"  上次行动的看板汇总（夜间任务的工作）：{figures['report_rollup_previous_refresh_s']} 秒")
    binary = document.soffice()
    if binary is not None:
        started = time.perf_counter()
        office.running(binary)
        figures["report_office_start_s"] = round(time.perf_counter() - started, 1)
        say(f"  启动 LibreOffice（每个进程一次）：{figures['report_office_start_s']} 秒")
    for label, code, target in REPORTS:
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        started = time.perf_counter()
        (data, docx), parts = _timed_build(reader, region, campaign)
        docx_s = time.perf_counter() - started
        pdf_s = None
        if binary is not None:
            started = time.perf_counter()
            document.docx_to_pdf(docx)
            pdf_s = time.perf_counter() - started
        total = docx_s + (pdf_s or 0)
        figures[f"report_{label}_s"] = round(total, 1)
        figures[f"report_{label}_docx_s"] = round(docx_s, 1)
        figures[f"report_{label}_pdf_s"] = round(pdf_s, 1) if pdf_s is not None else None
        details[f"report_{label}_parts"] = {
            **{k: round(v, 2) for k, v in parts.items() if k != "queries"}, "pdf": round(pdf_s, 2) if pdf_s is not None else None,
            "queries": parts["queries"], "docx_bytes": len(docx), "cases": len(data["cases"]),
        }
        say(f"  {region.name}情况报告：Word {docx_s:.1f} 秒（数字 SQL {parts['figures_sql']:.1f}，图表 {parts['charts']:.1f}，"
            f"排版 {parts['layout']:.1f}；{parts['queries']} 次查询），PDF {pdf_s if pdf_s is None else round(pdf_s, 1)} 秒，"
            f"共 {total:.1f} 秒（目标 ≤ {target:.0f} 秒）；{len(docx):,} 字节，典型案例 {len(data['cases'])} 个")
    figures["report"] = details
    return figures
