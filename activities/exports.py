"""The activity ledger (台账) as an Excel workbook: one row per activity, headers in the user's language (Chinese first)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.xlsx import XlsxWriter

LEDGER_HEADERS = [
    _("序号"),
    _("日期"),
    _("时间"),
    _("活动类型"),
    _("代表行动"),
    _("乡镇"),
    _("地点"),
    _("联络站"),
    _("代表小组"),
    _("参加代表"),
    _("参加代表人数"),
    _("走访农户数"),
    _("走访企业数"),
    _("联系群众人数"),
    _("培训人次"),
    _("活动情况"),
    _("反映问题"),
    _("登记人"),
    _("登记时间"),
]


def _township_name(region) -> str:
    if region.level == "village" and region.parent is not None:
        return region.parent.name
    return region.name if region.level == "township" else ""


def ledger_rows(activities: QuerySet):
    """The ledger's rows as plain values; the queryset must carry the list's relations."""
    for number, activity in enumerate(activities.iterator(chunk_size=500), start=1):
        deputies = list(activity.deputies.all())
        yield [
            number,
            activity.date,
            activity.start_time.strftime("%H:%M") if activity.start_time else "",
            activity.get_type_display(),
            "；".join(c.title for c in activity.campaigns.all()),
            _township_name(activity.region),
            activity.region.name,
            activity.station.name if activity.station else "",
            activity.group.name if activity.group else "",
            "、".join(d.name for d in deputies),
            len(deputies),
            activity.households_visited,
            activity.enterprises_visited,
            activity.people_reached,
            activity.person_times,
            activity.summary,
            "\n".join(f"{i}. {issue.text}" for i, issue in enumerate(activity.issues.all(), start=1)),
            activity.created_by.display_name if activity.created_by else "",
            timezone.localtime(activity.created_at).strftime("%Y-%m-%d %H:%M"),
        ]


def activity_ledger_xlsx(activities: QuerySet) -> bytes:
    """Write-only workbook, so a county's whole year streams through without holding every cell."""
    workbook = XlsxWriter()
    widths = [6, 12, 8, 12, 24, 12, 14, 18, 18, 30, 8, 8, 8, 8, 8, 40, 40, 12, 17]
    sheet = workbook.sheet(gettext("履职活动台账"), LEDGER_HEADERS, widths=widths)
    sheet.extend(ledger_rows(activities))
    return workbook.bytes()
