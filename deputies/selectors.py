"""Reads of deputies, mandates and groups, already scoped to the user (accounts.scope)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.scope import has_scope, in_scope, regions_in_scope
from deputies.filters import ORDERINGS, DeputyFilter, GroupFilter
from deputies.models import Deputy, DeputyGroup, Mandate, Membership
from deputies.privacy import can_read_phone, mask_phone
from regions.models import LEVEL_ORDER, RegionLevel


def sees_roster(user) -> bool:
    # Department handlers answer suggestions; the roster's personal data is none of their business.
    return has_scope(user) and (user.is_superuser or not user.is_handler)


def deputies_visible_to(user) -> QuerySet[Deputy]:
    """Deputies whose region lies inside the user's scope; a deputy sees only their own record."""
    qs = Deputy.objects.all()
    if not sees_roster(user):
        return qs.none()
    if user.is_deputy and not user.is_superuser:
        return qs.filter(user=user)
    return in_scope(qs, user, "region")


def current_filter(prefix: str = "") -> Q:
    """Rows (memberships, assignments) with no end date or one not yet past."""
    today = timezone.localdate()  # the congress's day (Asia/Shanghai), not the server's
    return Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})


def deputy_list(user, params) -> tuple[DeputyFilter, QuerySet[Deputy]]:
    """The roster page, export and API: scoped, filtered, ordered, with what each row shows prefetched."""
    base = deputies_visible_to(user).select_related("region", "region__parent", "region__parent__parent").prefetch_related(
        Prefetch("mandates", queryset=Mandate.objects.select_related("congress_region").order_by("level", "term"))
    )
    filterset = DeputyFilter(params, queryset=base.order_by(*ORDERINGS["pinyin"]))
    return filterset, filterset.qs


def get_deputy(user, pk) -> Deputy:
    """One deputy inside the user's scope, or 404."""
    try:
        return deputies_visible_to(user).select_related("region", "region__parent", "region__parent__parent").get(pk=pk)
    except (Deputy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def station_model():
    # LiaisonStation lives in an app above this one; reach it through the relation, never an import.
    return Deputy._meta.get_field("stations").related_model


@dataclass
class DeputyProfile:
    deputy: Deputy
    phone: str
    phone_masked: bool
    mandates: list[Mandate]
    memberships: list[Membership]
    assignments: list = field(default_factory=list)
    can_edit: bool = False


def deputy_profile(user, pk) -> DeputyProfile:
    """The basic record of one deputy: person, seats, groups and stations (the record of duty page in
    dashboards adds activities and suggestions to it)."""
    deputy = get_deputy(user, pk)
    mandates = list(deputy.mandates.select_related("congress_region").order_by("level", "-start_date"))
    memberships = list(deputy.memberships.select_related("group", "group__region").order_by("group__name"))
    assignments = list(deputy.station_assignments.select_related("station", "station__region", "station__region__parent", "station__region__parent__parent").order_by("start_date"))
    readable = can_read_phone(user, deputy)
    return DeputyProfile(
        deputy=deputy,
        phone=deputy.phone if readable else mask_phone(deputy.phone),
        phone_masked=not readable and bool(deputy.phone),
        mandates=mandates,
        memberships=memberships,
        assignments=assignments,
        can_edit=user.is_office and not user.is_deputy,
    )


def groups_visible_to(user) -> QuerySet[DeputyGroup]:
    """Groups whose region lies inside the user's scope; a deputy sees the groups they belong to."""
    qs = DeputyGroup.objects.all()
    if not sees_roster(user):
        return qs.none()
    if user.is_deputy and not user.is_superuser:
        return qs.filter(memberships__deputy__user=user).distinct()
    return in_scope(qs, user, "region")


def group_list(user, params) -> tuple[GroupFilter, QuerySet[DeputyGroup]]:
    """Groups for the list page and the API, with the region, station and leader of each row joined."""
    from django.db.models import Count

    base = (
        groups_visible_to(user)
        .select_related("region", "region__parent", "region__parent__parent", "home_station", "leader")
        .annotate(member_count=Count("memberships", filter=current_filter("memberships__")))
        .order_by("region__code", "name")
    )
    filterset = GroupFilter(params, queryset=base)
    return filterset, filterset.qs


def get_group(user, pk) -> DeputyGroup:
    try:
        return groups_visible_to(user).select_related("region", "region__parent", "region__parent__parent", "home_station", "leader").get(pk=pk)
    except (DeputyGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def group_members(group: DeputyGroup) -> list[Membership]:
    """Memberships of a group (current first), each with the deputy's region and seats prefetched."""
    return list(
        group.memberships.select_related("deputy", "deputy__region", "deputy__region__parent", "deputy__region__parent__parent")
        .prefetch_related("deputy__mandates")
        .order_by("end_date", "deputy__name_stroke_key")
    )


def region_choices(user, *, deepest: str = RegionLevel.TOWNSHIP) -> QuerySet:
    """Regions in scope down to ``deepest`` (the filter and form pickers; villages would be thousands)."""
    levels = LEVEL_ORDER[: LEVEL_ORDER.index(RegionLevel(deepest)) + 1]
    return regions_in_scope(user).filter(level__in=levels).order_by("code")


def stations_in_scope_for_picker(user) -> QuerySet:
    """Stations for the roster filter's picker."""
    return in_scope(station_model().objects.select_related("region", "region__parent", "region__parent__parent"), user, "region").order_by("region__code", "name")
