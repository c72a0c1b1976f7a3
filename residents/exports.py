"""Hot issues and residents' messages as .xlsx, headers in the user's language (Chinese first)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.xlsx import XLSX, XlsxWriter
from suggestions.taxonomy import categories

HOT_HEADERS = [
    gettext_lazy("排名"), gettext_lazy("关键词"), gettext_lazy("件数"), gettext_lazy("建议数"), gettext_lazy("留言数"),
    gettext_lazy("涉及县(市、区)数"), gettext_lazy("主要类别"), gettext_lazy("已答复"), gettext_lazy("满意率"), gettext_lazy("计算时间"),
]


def _response(wb: XlsxWriter, filename: str) -> HttpResponse:
    response = HttpResponse(wb.bytes(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def hot_issues_xlsx(issues) -> HttpResponse:
    """The already-scoped clusters, largest first."""
    names = {c.code: c.name for c in categories().values()}
    wb = XlsxWriter()
    ws = wb.sheet(_("热点问题"), HOT_HEADERS)
    for rank, issue in enumerate(issues, start=1):
        top = sorted(issue.categories.items(), key=lambda kv: -kv[1])[:3]
        ws.append([
            rank,
            issue.label,
            issue.size,
            issue.suggestion_count,
            issue.message_count,
            len(issue.regions),
            "、".join(names.get(code, code) for code, _count in top),
            issue.answered_count,
            f"{issue.satisfaction:.0%}" if issue.satisfaction is not None else "",
            timezone.localtime(issue.computed_at).strftime("%Y-%m-%d %H:%M"),
        ])
    return _response(wb, f"hot-issues-{timezone.localdate():%Y%m%d}.xlsx")
