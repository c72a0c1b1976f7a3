"""Demo duty points: 宣恩县's rules for this year (and last year's, to copy from), 珠山镇's own rules (so a
deputy with seats at both levels is scored twice), a few office entries and one 述职 meeting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from deputies.models import Mandate
from duty.models import EntryKind, MeetingRating, OfficeEntry, PointRule, PointScheme, ReportMeeting, RuleKind

# (kind, points, yearly ceiling)
COUNTY_RULES = [
    (RuleKind.SESSION_ATTENDANCE, 10, None),
    (RuleKind.VISIT, 2, 30),
    (RuleKind.RECEPTION, 3, 30),
    (RuleKind.RESEARCH, 3, 15),
    (RuleKind.GROUP_MEETING, 2, 10),
    (RuleKind.TRAINING, 3, 9),
    (RuleKind.FOLLOW_UP, 3, 9),
    (RuleKind.SUGGESTION_SUBMITTED, 5, 20),
    (RuleKind.SUGGESTION_COSIGNED, 1, 5),
    (RuleKind.SUGGESTION_ANSWERED_A, 3, None),
    (RuleKind.SUGGESTION_SATISFIED, 2, None),
    (RuleKind.MESSAGE_REPLIED, 2, 10),
    (RuleKind.VOTER_REPORT, 10, 10),
    (RuleKind.ABSENCE, -10, 30),
]
TOWNSHIP_RULES = [
    (RuleKind.VISIT, 3, None),
    (RuleKind.RECEPTION, 3, None),
    (RuleKind.SUGGESTION_SUBMITTED, 5, None),
    (RuleKind.MESSAGE_REPLIED, 2, None),
    (RuleKind.VOTER_REPORT, 10, None),
]


def _scheme(region, year: int, rules, threshold: int) -> PointScheme:
    scheme, created = PointScheme.objects.get_or_create(congress_region=region, year=year, defaults={"threshold": threshold})
    if created:
        PointRule.objects.bulk_create(
            [
                PointRule(
                    scheme=scheme, kind=kind, points=Decimal(points), ceiling=None if ceiling is None else Decimal(ceiling),
                    effective_from=dt.date(year, 1, 1),
                )
                for kind, points, ceiling in rules
            ]
        )
    return scheme


def seed(ctx) -> None:
    xuanen = ctx.data.get("xuanen")
    if xuanen is None:
        return
    today = timezone.localdate()
    year = today.year
    _scheme(xuanen, year - 1, COUNTY_RULES, 30)
    _scheme(xuanen, year, COUNTY_RULES, 30)
    zhushan = next((r for code, r in ctx.data.get("townships", {}).items() if code == "422825100"), None)
    if zhushan is not None:
        _scheme(zhushan, year, TOWNSHIP_RULES, 20)
    county_deputies = list(
        Mandate.objects.filter(congress_region=xuanen).select_related("deputy").order_by("deputy_id").values_list("deputy", flat=True)
    )
    session = dt.date(year, 1, 15) if today >= dt.date(year, 1, 15) else today
    if not OfficeEntry.objects.filter(congress_region=xuanen).exists():
        entries = [
            OfficeEntry(congress_region=xuanen, deputy_id=pk, kind=EntryKind.SESSION_ATTENDANCE, date=session, note="县人代会")
            for pk in county_deputies[1:]
        ]
        if county_deputies:
            entries.append(
                OfficeEntry(congress_region=xuanen, deputy_id=county_deputies[0], kind=EntryKind.ABSENCE, date=session, note="未请假缺席县人代会")
            )
        OfficeEntry.objects.bulk_create(entries)
    xiang = ctx.data.get("deputy_xiang")
    stations = [s for s in ctx.data.get("stations", []) if s.region.prefix.startswith(xuanen.prefix)]
    if xiang is not None and stations and not ReportMeeting.objects.filter(deputy=xiang).exists():
        ReportMeeting.objects.create(
            deputy=xiang, station=stations[0], date=today - dt.timedelta(days=20), voters_present=46, rating=MeetingRating.SATISFIED,
            note="年度述职",
        )
    ctx.say(f"  积分办法 {PointScheme.objects.count()} 套，机关登记 {OfficeEntry.objects.count()} 条")
