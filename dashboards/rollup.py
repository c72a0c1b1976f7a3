"""Dashboard rollups: every figure per campaign and township bucket, refreshed by beat.

``refresh()`` computes, for each campaign (and for "every campaign"), the same figures, categories,
league and trend as ``figures.compute_dashboard`` — with the same definitions, grouped by the first
nine digits of the region prefix — and stores one ``DashboardRollup`` row per bucket. ``dashboard()``
then answers a province, city or county dashboard by adding up the buckets below the region: a few
hundred small rows instead of millions of raw ones. The numbers are those of the last refresh; the
page says when that was (``as_of``), and the lists behind the numbers are always live.

Pages the rollup does not serve (a township or station, a date range, no refresh yet, or one older
than ``DASHBOARD_ROLLUP_MAX_AGE_MINUTES``) are computed from the raw rows as before. A campaign that
ended more than ``RECENT_DAYS`` ago is refreshed by the nightly run only, so its rollup serves for a
day and a half (``NIGHTLY_MAX_AGE``; one missed night included): the year-end report compares with
the previous campaign, which the raw rows answered in 40 s on the province.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from activities.models import Activity, Attendance, Campaign
from dashboards.figures import (
    FAMILIES,
    FIGURES,
    Filters,
    _aggregates,
    _by_bucket,
    categories_from,
    category_parts,
    child_units,
    dashboard_header,
    league_from,
    league_parts,
    trend_from,
    trend_parts,
    with_rates,
)
from dashboards.models import DashboardRollup, Participation
from regions.models import PREFIX_LENGTH, Region, RegionLevel

log = logging.getLogger(__name__)

ALL_CAMPAIGNS_KEY = 0
# The marker row of a refreshed campaign: present even where a region has no data at all.
MARKER = ""
# Campaigns that ended within this many days are refreshed every few minutes, older ones nightly.
RECENT_DAYS = 90
NIGHTLY_MAX_AGE = dt.timedelta(hours=36)
SERVED_LEVELS = {RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}


class _Everyone:
    """The refresh counts every row; a page's scope is applied when it reads (its region's buckets)."""

    is_authenticated = True
    is_superuser = True
    region_id = None
    region = None
    pk = None


def _key(campaign: Campaign | None) -> int:
    return campaign.pk if campaign else ALL_CAMPAIGNS_KEY


# --- Refresh ----------------------------------------------------------------------------------------


def rebuild_participation() -> int:
    """Who attended something of which campaign: one pass over attendance (DISTINCT deputy, campaign)."""
    links = Activity.campaigns.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Participation._meta.db_table}")  # noqa: S608 - table names from the models
        cursor.execute(
            f"INSERT INTO {Participation._meta.db_table} (deputy_id, campaign_id) "  # noqa: S608
            f"SELECT DISTINCT a.deputy_id, l.campaign_id FROM {Attendance._meta.db_table} a "
            f"JOIN {links} l ON l.activity_id = a.activity_id"
        )
        return cursor.rowcount


def buckets_for(campaign: Campaign | None, *, today: dt.date) -> dict[str, dict[str, Any]]:
    """Every figure and part of one campaign, per bucket, in JSON-ready additive form."""
    buckets: dict[str, dict[str, Any]] = {}

    def bucket(name: str | None) -> dict[str, Any]:
        return buckets.setdefault(
            name or "", {"figures": {}, "categories": [], "trend": [], "league": {"suggestions": [], "answers": [], "ratings": []}}
        )

    for root in Region.objects.filter(parent__isnull=True):
        filters = dataclasses.replace(
            Filters.build(user=_Everyone(), region=root, campaign=campaign, today=today), from_participation=True
        )
        for family in FAMILIES.values():
            qs, by = _by_bucket(family.rows(filters), family.region_path, True)
            rows = qs.values(*by).annotate(**_aggregates(family.name, filters)).order_by()
            for row in rows:
                figures = bucket(row.pop("bucket"))["figures"]
                for key, value in row.items():
                    figures[key] = figures.get(key, 0) + (value or 0)
        for row in category_parts(filters, bucketed=True):
            bucket(row["bucket"])["categories"].append([row["category"], row["count"]])
        for row in trend_parts(filters, bucketed=True):
            bucket(row["bucket"])["trend"].append([row["series"], row["month"], row["n"]])
        for part, rows in league_parts(filters, bucketed=True).items():
            for row in rows:
                bucket(row.pop("bucket"))["league"][part].append(row)
    return buckets


def cumulated(buckets: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Add each bucket into every prefix above it (province, city, county, township lengths), so a
    page reads its own row and its children's rows: a handful of rows whatever the province's size.
    Categories, trend and league parts are summed by their key on the way."""
    lengths = sorted(set(PREFIX_LENGTH.values()) - {PREFIX_LENGTH[RegionLevel.VILLAGE]})
    sums: dict[str, dict[str, Any]] = {}
    for name, data in buckets.items():
        for prefix in {name[:n] for n in lengths}:
            target = sums.setdefault(prefix, {"figures": {}, "categories": {}, "trend": {}, "league": {}})
            for k, v in data["figures"].items():
                target["figures"][k] = target["figures"].get(k, 0) + v
            for code, n in data["categories"]:
                target["categories"][code] = target["categories"].get(code, 0) + n
            for series, month, n in data["trend"]:
                target["trend"][(series, month)] = target["trend"].get((series, month), 0) + n
            for part, rows in data["league"].items():
                by_department = target["league"].setdefault(part, {})
                for row in rows:
                    existing = by_department.get(row["department"])
                    if existing is None:
                        by_department[row["department"]] = dict(row)
                        continue
                    for k, v in row.items():
                        if k not in ("department", "department__name"):
                            existing[k] += v
    return {
        prefix: {
            "figures": data["figures"],
            "categories": [[code, n] for code, n in data["categories"].items()],
            "trend": [[series, month, n] for (series, month), n in data["trend"].items()],
            "league": {part: list(data["league"].get(part, {}).values()) for part in ("suggestions", "answers", "ratings")},
        }
        for prefix, data in sums.items()
    }


def refresh_campaign(campaign: Campaign | None, *, today: dt.date | None = None) -> int:
    """Recompute one campaign's rollup and replace it in one transaction (readers see old or new)."""
    today = today or timezone.localdate()
    buckets = cumulated(buckets_for(campaign, today=today))
    now = timezone.now()
    key = _key(campaign)
    rows = [DashboardRollup(campaign_key=key, bucket=b, data=d, today=today, computed_at=now) for b, d in buckets.items() if b]
    rows.append(DashboardRollup(campaign_key=key, bucket=MARKER, data={}, today=today, computed_at=now))
    with transaction.atomic():
        DashboardRollup.objects.filter(campaign_key=key).delete()
        DashboardRollup.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def campaigns_to_refresh(*, everything: bool, today: dt.date) -> list[Campaign | None]:
    """Every campaign for the nightly run; otherwise the running ones and those ended in the last 90 days
    (answers and ratings still arrive), plus "every campaign"."""
    qs = Campaign.objects.order_by("-start_date", "id")
    if not everything:
        qs = qs.filter(start_date__lte=today, end_date__gte=today - dt.timedelta(days=RECENT_DAYS))
    return [None, *qs]


@contextmanager
def _roomy_transaction():
    """A transaction whose grouped queries may hash a few hundred thousand keys in memory (on
    PostgreSQL the default 4 MB ``work_mem`` spills them to disk)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def refresh(*, everything: bool = False, today: dt.date | None = None) -> dict[str, Any]:
    """Rebuild participation, then the rollup of each campaign due. Returns what was done."""
    today = today or timezone.localdate()
    started = timezone.now()
    with _roomy_transaction():
        participation = rebuild_participation()
    done = []
    for campaign in campaigns_to_refresh(everything=everything, today=today):
        with _roomy_transaction():
            refresh_campaign(campaign, today=today)
        done.append(_key(campaign))
    # Campaigns deleted since the last refresh leave no rollup behind.
    DashboardRollup.objects.exclude(campaign_key__in=[ALL_CAMPAIGNS_KEY, *Campaign.objects.values_list("pk", flat=True)]).delete()
    seconds = (timezone.now() - started).total_seconds()
    log.info("dashboard rollups refreshed: %d campaigns, %d participation rows, %.1f s", len(done), participation, seconds)
    return {"campaigns": done, "participation": participation, "seconds": round(seconds, 1)}


# --- Read -------------------------------------------------------------------------------------------


def serves(filters: Filters) -> bool:
    return (
        settings.DASHBOARD_ROLLUPS
        and filters.station is None
        and filters.date_from is None
        and filters.date_to is None
        and filters.region.level in SERVED_LEVELS
    )


def dashboard(filters: Filters, units: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The dashboard of ``filters`` read from the rollup, or None when the rollup cannot serve it.

    ``units`` are ``child_units(filters)`` when the caller has them already (it computes the page from
    the raw rows with the same units when the rollup cannot serve it).

    Two queries whatever the size of the data: the child regions, then the rollup rows of the
    region and of each child (each already the sum of everything below it) with the marker row.
    """
    if not serves(filters):
        return None
    units = child_units(filters) if units is None else units
    prefix = filters.region.prefix
    found = DashboardRollup.objects.filter(
        campaign_key=_key(filters.campaign), bucket__in=[MARKER, prefix, *(u["prefix"] for u in units)]
    ).values_list("bucket", "data", "computed_at")
    rows = {bucket: (data, computed_at) for bucket, data, computed_at in found}
    max_age = dt.timedelta(minutes=settings.DASHBOARD_ROLLUP_MAX_AGE_MINUTES)
    campaign = filters.campaign
    if campaign is not None and campaign.end_date < timezone.localdate() - dt.timedelta(days=RECENT_DAYS):
        max_age = max(max_age, NIGHTLY_MAX_AGE)
    oldest = timezone.now() - max_age
    if MARKER not in rows or rows[MARKER][1] < oldest:
        return None
    keys = [f.key for f in FIGURES.values() if f.kind != "rate"]
    empty = {"figures": {}, "categories": [], "trend": [], "league": {"suggestions": [], "answers": [], "ratings": []}}

    def figures_of(bucket: str) -> dict[str, Any]:
        data = rows.get(bucket, (empty, None))[0]
        return with_rates({k: data["figures"].get(k, 0) for k in keys})

    own = rows.get(prefix, (empty, None))[0]
    return {
        **dashboard_header(filters),
        "totals": figures_of(prefix),
        "children": [
            {"kind": u["kind"], "id": u["id"], "code": u["code"], "name": u["name"], "figures": figures_of(u["prefix"])}
            for u in units
        ],
        "categories": categories_from([{"category": code, "count": n} for code, n in own["categories"]]),
        "league": league_from(own["league"]),
        "trend": trend_from([{"series": series, "month": month, "n": n} for series, month, n in own["trend"]]),
        "as_of": timezone.localtime(rows[MARKER][1]).strftime("%Y-%m-%d %H:%M"),
    }
