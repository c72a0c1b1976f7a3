"""Reads for the dashboards and the record of duty, every one scoped through accounts.scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Role
from accounts.scope import has_scope, in_scope, region_in_scope, regions_in_scope
from activities.models import Activity, Campaign, CampaignKind
from dashboards.figures import (
    FIGURES,
    Figure,
    Filters,
    Narrowing,
    child_units,
    compute_dashboard,
    figure_rows,
    figure_value_of,
)
from deputies.models import Deputy
from liaison_stations.models import LiaisonStation
from regions.models import PREFIX_LENGTH, Region, RegionLevel
from suggestions.models import Answer, Rating, Suggestion
from suggestions.states import received_q

DASHBOARD_ROLES = {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}
# Who may open another deputy's record (in their scope); deputies only ever see their own.
RECORD_ROLES = DASHBOARD_ROLES


def _may_see_dashboards(user) -> bool:
    return has_scope(user) and (user.is_superuser or user.role in DASHBOARD_ROLES)


def dashboard_region(user, code: str | None = None) -> Region:
    """The region whose dashboard ``user`` asks for: their own when ``code`` is None; 404 outside scope."""
    if not _may_see_dashboards(user):
        raise Http404
    if code is None:
        if user.region_id:
            return user.region
        code = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").values_list("code", flat=True).first()
    region = regions_in_scope(user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


def station_in_region(user, region: Region, raw: str | None) -> LiaisonStation | None:
    """The station a township dashboard is narrowed to (``?station=``); 404 when it is not a
    station inside the region and the user's scope."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise Http404
    station = in_scope(LiaisonStation.objects.all(), user).filter(pk=int(raw), region__prefix__startswith=region.prefix).first()
    if station is None:
        raise Http404
    return station


def breadcrumbs(user, region: Region) -> list[Region]:
    """From the user's own region (never above it) down to ``region``."""
    return [r for r in region.ancestors() if region_in_scope(user, r)] + [region]


def campaigns_for(region: Region) -> list[Campaign]:
    """Campaigns that apply to ``region`` (set above it or by it) and those its own units chose."""
    own_and_above = [region.prefix[:n] for n in sorted(set(PREFIX_LENGTH.values())) if n <= len(region.prefix)]
    qs = Campaign.objects.filter(Q(region__prefix__in=own_and_above) | Q(region__prefix__startswith=region.prefix))
    return list(qs.select_related("region").order_by("-start_date", "id"))


def current_campaign(region: Region, campaigns: list[Campaign], today: dt.date) -> Campaign | None:
    """The campaign containing today that applies to the region; a mandated one before a self-chosen
    one, then the one set closest to the region, then the latest."""
    running = [c for c in campaigns if c.start_date <= today <= c.end_date and region.prefix.startswith(c.region.prefix)]
    running.sort(key=lambda c: (c.kind != CampaignKind.MANDATED, -len(c.region.prefix), -c.start_date.toordinal()))
    return running[0] if running else None


def dashboard_for(filters: Filters) -> dict[str, Any]:
    """The dashboard's figures: added up from the rollup where it serves (province, city, county with
    no date range), else computed from the raw rows; cached briefly per scope, region and filters."""
    from dashboards import rollup

    seconds = settings.DASHBOARD_CACHE_SECONDS
    # The cached figures carry a few labels (the campaign, "未分类"), so each language has its own entry.
    key = f"{filters.cache_key()}:{get_language()}"
    data = cache.get(key) if seconds else None
    if data is None:
        units = child_units(filters)
        data = rollup.dashboard(filters, units) or compute_dashboard(filters, units)
        if seconds:
            cache.set(key, data, seconds)
    return data


def figure_list(filters: Filters, key: str, narrowing: Narrowing) -> tuple[Figure, QuerySet, Any]:
    """The rows behind one figure (scoped like the figure itself) and the figure recomputed over them."""
    figure = FIGURES.get(key)
    if figure is None:
        raise Http404
    rows = figure_rows(figure, filters, narrowing)
    return figure, rows, figure_value_of(figure, rows, filters)


# --- Record of duty (履职档案) -----------------------------------------------------------------------


def own_deputy(user) -> Deputy:
    """The deputy linked to a deputy user's account, or 404."""
    deputy = Deputy.objects.select_related("region", "region__parent", "region__parent__parent").filter(user_id=user.pk).first() if user.is_authenticated else None
    if deputy is None or not (user.is_deputy or user.is_superuser):
        raise Http404
    return deputy


def deputy_in_scope(user, pk: int) -> Deputy:
    """A deputy whose record ``user`` may open: their own, or one inside an office's or staff's scope."""
    if user.is_authenticated and user.is_deputy:
        deputy = own_deputy(user)
        if deputy.pk != pk:
            raise Http404
        return deputy
    if not (user.is_superuser or user.role in RECORD_ROLES):
        raise Http404
    deputy = in_scope(Deputy.objects.select_related("region", "region__parent", "region__parent__parent"), user).filter(pk=pk).first()
    if deputy is None:
        raise Http404
    return deputy


def phone_visible(user, deputy: Deputy) -> bool:
    """The full phone number only for a congress office (or the provincial office) over the deputy's region."""
    return user.is_superuser or (user.is_office and region_in_scope(user, deputy.region))


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def deputy_record(user, deputy: Deputy) -> dict[str, Any]:
    """Everything the record of duty shows, in a fixed number of queries.

    A viewer other than the deputy sees only the activities and suggestions inside their own scope.
    """
    own = deputy.user_id is not None and deputy.user_id == user.pk

    def scoped(qs: QuerySet, path: str) -> QuerySet:
        return qs if own else in_scope(qs, user, path)

    activities = scoped(Activity.objects.filter(attendance__deputy=deputy), "region").select_related("region", "station")
    current = Answer.objects.filter(suggestion=OuterRef("pk")).order_by("-id")
    rating = Rating.objects.filter(suggestion=OuterRef("pk")).order_by("-rated_at", "-id")

    def with_results(qs: QuerySet) -> QuerySet:
        # Only what was received counts as duty done: not drafts, not withdrawn ones (suggestions.states).
        qs = qs.filter(received_q())
        return (
            scoped(qs, "region")
            .select_related("region")
            .annotate(
                outcome=Subquery(current.values("outcome_class")[:1]),
                rating_value=Subquery(rating.values("value")[:1]),
            )
            .order_by("-created_at", "-id")
        )

    led = with_results(Suggestion.objects.filter(lead_deputy=deputy))
    co_signed = with_results(Suggestion.objects.filter(co_signatures__deputy=deputy))
    return {
        "deputy": deputy,
        "phone": deputy.phone if phone_visible(user, deputy) else mask_phone(deputy.phone),
        "mandates": list(deputy.mandates.select_related("congress_region").order_by("level")),
        "memberships": list(deputy.memberships.select_related("group", "group__region").order_by("group__name")),
        "station_assignments": list(
            deputy.station_assignments.select_related("station", "station__region").order_by("station__name")
        ),
        "activities": activities.order_by("-date", "-id"),
        "led": led,
        "co_signed": co_signed,
        "today": timezone.localdate(),
    }
