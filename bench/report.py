"""The campaign report step of ``make bench`` (issue #20): seconds to generate the province's and a
county's report for the running campaign, .docx and PDF, as the worker does (``reports.services``).

Targets: province ≤ 60 s, county ≤ 10 s (.docx and PDF together). The figures come from the
dashboard's rollup, as on a running system where beat refreshes it; a stale rollup is refreshed
first and that time is reported apart (it is beat's work, not the report's).
"""

from __future__ import annotations

import time

REPORTS = [("province", "420000", 60.0), ("county", "422825", 10.0)]


def measure_report(cfg: dict, say=print) -> dict:
    from accounts.models import User
    from activities.models import Campaign, CampaignKind
    from dashboards import rollup
    from dashboards.figures import Filters
    from regions.models import Region
    from reports import document, services

    reader = User.objects.get(username="provincial")
    campaign = Campaign.objects.filter(region__code="420000", kind=CampaignKind.MANDATED).order_by("-start_date", "-id").first()
    if campaign is None:
        raise RuntimeError("no mandated province campaign in the benchmark database")
    figures: dict = {}
    province = Region.objects.get(code="420000")
    if not rollup.serves(Filters.build(user=reader, region=province, campaign=campaign)) or rollup.dashboard(
        Filters.build(user=reader, region=province, campaign=campaign)
    ) is None:
        started = time.perf_counter()
        rollup.refresh()
        figures["report_rollup_refresh_s"] = round(time.perf_counter() - started, 1)
        say(f"  看板汇总已过期，先刷新：{figures['report_rollup_refresh_s']} 秒")
    for label, code, target in REPORTS:
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        started = time.perf_counter()
        built = services.build(user=reader, region=region, campaign=campaign)
        docx_s = time.perf_counter() - started
        pdf_s = None
        if document.soffice() is not None:
            started = time.perf_counter()
            document.docx_to_pdf(built.docx)
            pdf_s = time.perf_counter() - started
        total = docx_s + (pdf_s or 0)
        figures[f"report_{label}_s"] = round(total, 1)
        figures[f"report_{label}_docx_s"] = round(docx_s, 1)
        figures[f"report_{label}_pdf_s"] = round(pdf_s, 1) if pdf_s is not None else None
        say(f"  {region.name}情况报告：Word {docx_s:.1f} 秒，PDF {pdf_s if pdf_s is None else round(pdf_s, 1)} 秒，"
            f"共 {total:.1f} 秒（目标 ≤ {target:.0f} 秒）；{len(built.docx):,} 字节，典型案例 {len(built.content['cases'])} 个")
    return figures
