"""Every write of duty points: schemes and rule versions, office entries, 述职 meetings, the saved
report to voters, the public page switch. Each takes the acting user keyword-only and checks scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import region_in_scope
from config.exceptions import Conflict
from deputies.models import Deputy
from duty.models import (
    EntryKind,
    OfficeEntry,
    PointRule,
    PointScheme,
    PublicPage,
    ReportMeeting,
    RuleKind,
    VoterReport,
)
from duty.selectors import mandates_in_year, own_congress, this_year
from liaison_stations.models import LiaisonStation
from regions.models import Region


def _check_year_open(year: int) -> None:
    if year < this_year():
        raise ValidationError({"year": _("往年的积分办法已经封存，不能修改。")})


def scheme_start(*, actor, year: int, copy_last_year: bool = True) -> PointScheme:
    """Open the actor's congress's scheme for ``year``, starting from last year's rules (each kind's
    latest version, effective from 1 January) and threshold."""
    region = own_congress(actor)
    _check_year_open(year)
    with transaction.atomic():
        if PointScheme.objects.filter(congress_region=region, year=year).exists():
            raise Conflict(_("本年度的积分办法已经建立。"))
        last = PointScheme.objects.filter(congress_region=region, year=year - 1).first() if copy_last_year else None
        try:
            scheme = PointScheme.objects.create(
                congress_region=region, year=year, created_by=actor, threshold=last.threshold if last else Decimal("60")
            )
        except IntegrityError:
            raise Conflict(_("本年度的积分办法已经建立。")) from None
        if last is not None:
            latest: dict[str, PointRule] = {}
            for rule in last.rules.order_by("kind", "effective_from"):
                latest[rule.kind] = rule
            PointRule.objects.bulk_create(
                [
                    PointRule(scheme=scheme, kind=r.kind, points=r.points, ceiling=r.ceiling, effective_from=dt.date(year, 1, 1), created_by=actor)
                    for r in latest.values()
                ]
            )
    return scheme


def earliest_change(scheme: PointScheme) -> dt.date:
    """The first date a new rule version may apply from: 1 January while the scheme has no rules (or
    its year has not begun), otherwise today — a change never re-values duties already done."""
    start = dt.date(scheme.year, 1, 1)
    today = timezone.localdate()
    if today < start or not scheme.rules.exists():
        return start
    return today


def rule_set(*, actor, scheme: PointScheme, kind: str, points: Decimal, ceiling: Decimal | None, effective_from: dt.date) -> PointRule:
    """Set a rule from a date: a new version (or the same day's version corrected)."""
    if scheme.congress_region_id != own_congress(actor).pk:
        raise Http404
    _check_year_open(scheme.year)
    errors = {}
    if kind not in RuleKind.values:
        errors["kind"] = _("请选择积分项目。")
    if effective_from.year != scheme.year:
        errors["effective_from"] = _("生效日期须在%(year)s年内。") % {"year": scheme.year}
    elif effective_from < earliest_change(scheme):
        errors["effective_from"] = _("已经开始计分，修改只能从今天或以后生效，以免改动已得的积分。")
    if ceiling is not None and ceiling <= 0:
        errors["ceiling"] = _("年度上限须大于0；扣分项填最多扣几分。")
    if kind == RuleKind.ABSENCE and points > 0:
        errors["points"] = _("扣分项的分值应为负数。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        PointScheme.objects.select_for_update().get(pk=scheme.pk)
        rule, _created = PointRule.objects.update_or_create(
            scheme=scheme,
            kind=kind,
            effective_from=effective_from,
            defaults={"points": points, "ceiling": ceiling, "created_by": actor},
        )
    return rule


def threshold_set(*, actor, scheme: PointScheme, threshold: Decimal) -> PointScheme:
    if scheme.congress_region_id != own_congress(actor).pk:
        raise Http404
    _check_year_open(scheme.year)
    if threshold < 0:
        raise ValidationError({"threshold": _("分数线不能为负数。")})
    PointScheme.objects.filter(pk=scheme.pk).update(threshold=threshold)
    scheme.threshold = threshold
    return scheme


def _deputy_of_congress(region: Region, deputy_pk: int, year: int) -> Deputy:
    deputy = Deputy.objects.filter(pk=deputy_pk, mandates__in=mandates_in_year(year).filter(congress_region=region)).first()
    if deputy is None:
        raise ValidationError({"deputy": _("该代表不是本级人大代表。")})
    return deputy


def entry_add(*, actor, deputy_pk: int, kind: str, date: dt.date, note: str = "") -> OfficeEntry:
    """The office records a congress-session attendance or an absence without leave."""
    region = own_congress(actor)
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("请选择类型。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    deputy = _deputy_of_congress(region, deputy_pk, date.year)
    return OfficeEntry.objects.create(congress_region=region, deputy=deputy, kind=kind, date=date, note=note, created_by=actor)


def entry_delete(*, actor, entry: OfficeEntry) -> None:
    if entry.congress_region_id != own_congress(actor).pk:
        raise Http404
    entry.delete()


def meeting_record(
    *, actor, deputy: Deputy, date: dt.date, station: LiaisonStation, voters_present: int, rating: str, note: str = ""
) -> ReportMeeting:
    """The office records the deputy's 述职 meeting and the voters' rating; it joins the record."""
    if not (actor.is_superuser or actor.is_office or actor.is_township_staff):
        raise Http404
    if not region_in_scope(actor, station.region):
        raise ValidationError({"station": _("请选择本辖区的联络站。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("日期不能晚于今天。")})
    return ReportMeeting.objects.create(
        deputy=deputy, date=date, station=station, voters_present=voters_present, rating=rating, note=note, created_by=actor
    )


def report_save(*, actor, deputy: Deputy, year: int, title: str, body: str) -> VoterReport:
    """Keep the deputy's edited report for the year (what the .docx prints)."""
    if not body.strip():
        raise ValidationError({"body": _("报告正文不能为空。")})
    report, _created = VoterReport.objects.update_or_create(
        deputy=deputy, year=year, defaults={"title": title.strip() or _("述职报告"), "body": body, "updated_by": actor}
    )
    return report


def public_page_set(*, actor, deputy: Deputy, hidden: bool) -> PublicPage:
    page, _created = PublicPage.objects.update_or_create(deputy=deputy, defaults={"hidden": hidden, "updated_by": actor})
    return page
