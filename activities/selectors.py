"""Reads of campaigns and activities, already scoped to the user (accounts.scope)."""

from __future__ import annotations

import datetime

from django.db.models import CharField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Role
from accounts.scope import get_in_scope_or_404, has_scope, in_scope, regions_in_scope
from activities.models import Activity, ActivityPhoto, Attendance, Campaign, CampaignKind, IssueRaised
from config.api import PREFETCHED
from deputies.models import Deputy, DeputyGroup, Membership
from deputies.selectors import current_filter
from liaison_stations.models import LiaisonStation, StationAssignment
from regions.models import Region, RegionLevel
from regions.scope import ancestor_prefixes, in_scope_or_above

LOGGING_ROLES = {Role.TOWNSHIP_STAFF, Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}


def can_log_activities(user) -> bool:
    """Township staff and congress offices log activities; deputies and handlers only read them."""
    return has_scope(user) and (user.is_superuser or user.role in LOGGING_ROLES)


def campaigns_applying_to(region: Region) -> QuerySet:
    """Campaigns organised by the region or one of its ancestors: the themes that cover work done there."""
    return Campaign.objects.filter(region__prefix__in=ancestor_prefixes(region)).select_related("region")


def campaigns_for(user) -> QuerySet:
    """Campaigns a user sees: those covering their region (mandated from above or chosen by an ancestor)
    and those self-chosen inside their subtree (a county office sees its townships' themes)."""
    if not has_scope(user):
        return Campaign.objects.none()
    return in_scope_or_above(Campaign.objects.select_related("region"), user, "region")


def campaigns_editable_by(user) -> QuerySet:
    """Campaigns an office may change: those organised inside its own region."""
    if not (has_scope(user) and user.is_office):
        return Campaign.objects.none()
    return in_scope(Campaign.objects.select_related("region"), user)


def current_campaigns(user, *, today=None) -> list[Campaign]:
    """Campaigns running today that cover the user's region; the mandated theme first."""
    if not has_scope(user):
        return []
    today = today or timezone.localdate()
    qs = Campaign.objects.select_related("region") if user.is_superuser else campaigns_applying_to(user.region)
    running = qs.filter(start_date__lte=today, end_date__gte=today)
    return sorted(running, key=lambda c: (c.kind != CampaignKind.MANDATED, -c.start_date.toordinal(), c.pk))


def current_campaign(user, *, today=None) -> Campaign | None:
    """The default campaign on every form: the running theme that covers the user's region.

    When a mandated and a self-chosen theme run together the mandated one wins: the province's
    theme is what every report is counted against.
    """
    running = current_campaigns(user, today=today)
    return running[0] if running else None


def activity_regions_for(user) -> QuerySet:
    """Where the user may log an activity: their own region and the townships and villages below it."""
    if not has_scope(user):
        return Region.objects.none()
    qs = regions_in_scope(user)
    if user.is_superuser:
        return qs.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]).order_by("code")
    return qs.filter(Q(pk=user.region_id) | Q(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])).order_by("code")


def filter_regions_for(user) -> QuerySet:
    """Regions offered by the list filter: down to townships (villages would flood the select)."""
    return regions_in_scope(user).exclude(level=RegionLevel.VILLAGE).order_by("code")


def stations_for(user) -> QuerySet:
    """Active liaison stations inside the user's region."""
    return in_scope(LiaisonStation.objects.filter(active=True), user).order_by("region__code", "name")


def groups_for(user) -> QuerySet:
    """Active deputy groups based inside the user's region."""
    return in_scope(DeputyGroup.objects.filter(active=True), user).order_by("region__code", "name")


def deputies_for(user) -> QuerySet:
    """Deputies who may take part in the user's activities.

    A deputy belongs to the region they live in, but groups mix levels: a county deputy living in the
    county seat still attends the village group. So members of the region's groups and deputies
    assigned to its stations count too (subqueries, so no DISTINCT over joins).
    """
    if not has_scope(user):
        return Deputy.objects.none()
    qs = Deputy.objects.filter(active=True)
    if user.is_superuser:
        return qs
    prefix = user.region.prefix
    members = Membership.objects.filter(current_filter(), group__region__prefix__startswith=prefix).values("deputy_id")
    assigned = StationAssignment.objects.filter(current_filter(), station__region__prefix__startswith=prefix).values("deputy_id")
    return qs.filter(Q(region__prefix__startswith=prefix) | Q(pk__in=members) | Q(pk__in=assigned))


class DeputiesInScope:
    """Which of some chosen deputy ids ``deputies_for(user)`` allows, read once per request.

    Asking ``deputies_for(user).filter(pk__in=ids)`` makes PostgreSQL plan an OR of a region and two
    id sets (and Django compile it); here the chosen rows are read by primary key with their region,
    and only those living outside the user's region are checked against the groups and stations.
    The visit form's fields and the service's own check ask the same instance, so one save reads the
    deputies once. ``expect`` names every id the request posted, so the first question reads them all.
    """

    def __init__(self, user):
        self.user = user
        self._expected: set[int] = set()
        self._asked: set[int] = set()
        self._found: dict[int, Deputy] = {}
        self._listing: dict[int, list | None] = {}

    def expect(self, ids) -> None:
        self._expected.update(ids)

    def among(self, ids) -> dict[int, Deputy]:
        """The deputies of ``ids`` that the user may choose, by id (unknown or outside ids are absent)."""
        ids = set(ids)
        missing = ids - self._asked
        if missing:
            batch = missing | (self._expected - self._asked)
            self._found.update(self._read(batch))
            self._asked |= batch
        return {pk: self._found[pk] for pk in ids if pk in self._found}

    def listing(self, limit: int) -> list[tuple[int, str]] | None:
        """Every deputy the user may choose as (id, name) by pinyin, or None when there are more than
        ``limit`` (a county's or province's thousands are found with the picker instead).

        Read once per request for the form and all its issue rows, as three bounded reads (deputies
        living in the region, its groups' current members, its stations' current deputies) instead
        of the OR of ``deputies_for``, which PostgreSQL answers by scanning every deputy.
        """
        if limit not in self._listing:
            ids = self._ids_if_at_most(limit)
            self._listing[limit] = None if ids is None else list(
                Deputy.objects.filter(pk__in=ids).order_by("name_pinyin", "id").values_list("pk", "name")
            )
        return self._listing[limit]

    def _ids_if_at_most(self, limit: int) -> set[int] | None:
        if not has_scope(self.user):
            return set()
        active = Deputy.objects.filter(active=True)
        if self.user.is_superuser:
            branches = [active.values_list("pk", flat=True)]
        else:
            prefix = self.user.region.prefix
            branches = [
                active.filter(region__prefix__startswith=prefix).values_list("pk", flat=True),
                Membership.objects.filter(current_filter(), group__region__prefix__startswith=prefix, deputy__active=True)
                .values_list("deputy_id", flat=True)
                .distinct(),
                StationAssignment.objects.filter(current_filter(), station__region__prefix__startswith=prefix, deputy__active=True)
                .values_list("deputy_id", flat=True)
                .distinct(),
            ]
        ids: set[int] = set()
        for branch in branches:
            found = list(branch.order_by()[: limit + 1])
            if len(found) > limit:
                return None
            ids.update(found)
        return ids if len(ids) <= limit else None

    def _read(self, ids: set[int]) -> dict[int, Deputy]:
        if not has_scope(self.user):
            return {}
        rows = {d.pk: d for d in Deputy.objects.filter(pk__in=ids, active=True).select_related("region")}
        if self.user.is_superuser:
            return rows
        prefix = self.user.region.prefix
        elsewhere = [pk for pk, d in rows.items() if not d.region.prefix.startswith(prefix)]
        if elsewhere:
            # Deputies living outside the region still count as its groups' members or its stations'.
            kept = set(deputies_for(self.user).filter(pk__in=elsewhere).values_list("pk", flat=True))
            for pk in set(elsewhere) - kept:
                del rows[pk]
        return rows


def deputy_search(user, query: str, *, limit: int = 20) -> QuerySet:
    """The picker's search: by name or by pinyin initials ("xmh" finds 向明华)."""
    query = (query or "").strip()
    qs = deputies_for(user).select_related("region").order_by("name_pinyin", "id")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(name_initials__startswith=query.lower()))
    return qs[:limit]


def group_search(user, query: str, *, limit: int = 10) -> QuerySet:
    """Groups matching the picker's query, each with its members, so a whole group can be added."""
    query = (query or "").strip()
    qs = groups_for(user)
    if query:
        qs = qs.filter(name__icontains=query)
    members = (
        Membership.objects.filter(current_filter(), deputy__in=deputies_for(user))
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "deputy_id")
    )
    return qs.prefetch_related(Prefetch("memberships", queryset=members, to_attr="picker_memberships"))[:limit]


def _with_list_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("region", "region__parent", "region__parent__parent", "station", "group", "created_by").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.order_by("name_pinyin", "id")),
        "campaigns",
    )


def activities_visible_to(user) -> QuerySet:
    """Every activity held inside the user's region (the one way views and the API get activities).

    Department handlers answer suggestions; who attended which visit is none of their business.
    """
    if has_scope(user) and user.is_handler and not user.is_superuser:
        return Activity.objects.none()
    return in_scope(Activity.objects.all(), user)


class _Ref:
    """A related row known by its id only: what a list shows of a campaign, an attending deputy or a photo."""

    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


def attach_page_relations(activities: list[Activity]) -> None:
    """Give each activity of a page its campaigns, deputies, photos and issues (with the deputies who heard
    each issue), in one query, as ``config.api.prefetch_list`` would in five.

    The list shows related rows as ids (an issue with its text): the link tables are read, in their
    own order (campaigns newest first, deputies by pinyin, photos and issues as logged), with one
    ``UNION ALL`` of five parts instead of five prefetches, each a round trip and a queryset that
    Django builds afresh for every page. The lists land where ``config.api.prefetched`` reads them.
    """
    if not activities:
        return
    ids = [a.pk for a in activities]
    text = CharField()
    none = Value(None, output_field=text)

    def part(qs, kind, owner, item, k1=none, k2=none):
        return qs.order_by().annotate(kind=Value(kind, output_field=text), owner=F(owner), item=F(item), k1=k1, k2=k2).values_list(
            "kind", "owner", "item", "k1", "k2"
        )

    heard = IssueRaised.deputies.through
    rows = part(
        Activity.campaigns.through.objects.filter(activity_id__in=ids), "c", "activity_id", "campaign_id",
        Cast("campaign__year", text), Cast("campaign__start_date", text),
    ).union(
        part(Attendance.objects.filter(activity_id__in=ids), "d", "activity_id", "deputy_id", F("deputy__name_pinyin")),
        part(ActivityPhoto.objects.filter(activity_id__in=ids), "p", "activity_id", "id"),
        part(IssueRaised.objects.filter(activity_id__in=ids), "i", "activity_id", "id", F("text")),
        part(heard.objects.filter(issueraised__activity_id__in=ids), "h", "issueraised_id", "deputy_id", F("deputy__name_pinyin")),
        all=True,
    )
    found = {kind: {} for kind in "cdpih"}
    for kind, owner, item, k1, k2 in rows:
        found[kind].setdefault(owner, []).append((item, k1, k2))
    # Each model's own ordering: Campaign (-year, -start_date), Deputy (name_pinyin, id), IssueRaised (id).
    for rows_ in found["c"].values():
        rows_.sort(key=lambda r: (-int(r[1]), _descending(r[2]), r[0]))
    for kind in "dh":
        for rows_ in found[kind].values():
            rows_.sort(key=lambda r: (r[1], r[0]))
    for kind in "pi":
        for rows_ in found[kind].values():
            rows_.sort()
    for activity in activities:
        pk = activity.pk
        issues = []
        for item, issue_text, _none in found["i"].get(pk, ()):
            issue = IssueRaised(pk=item, activity_id=pk, text=issue_text)
            issue.__dict__[PREFETCHED.format("deputies")] = [_Ref(r[0]) for r in found["h"].get(item, ())]
            issues.append(issue)
        activity.__dict__[PREFETCHED.format("issues")] = issues
        for name, kind in (("campaigns", "c"), ("deputies", "d"), ("photos", "p")):
            activity.__dict__[PREFETCHED.format(name)] = [_Ref(r[0]) for r in found[kind].get(pk, ())]


def _descending(iso_date: str) -> int:
    return -datetime.date.fromisoformat(iso_date[:10]).toordinal()


def activity_list(user, *, filterset_class, filters: dict | None = None) -> tuple[QuerySet, object]:
    """The filtered list of activities, ready to render without per-row queries.

    ``filterset_class`` is the caller's (``activities.filters.ActivityFilter``): the filters read
    this module, not the other way round. Returns (queryset, filterset) so the page can show the
    filter form with its errors.
    """
    filterset = filterset_class(filters or {}, queryset=activities_visible_to(user), user=user)
    qs = filterset.qs if filterset.is_valid() else activities_visible_to(user).none()
    return _with_list_relations(qs).order_by("-date", "-id"), filterset


def activity_totals(qs: QuerySet) -> dict:
    """Headline numbers of a filtered list (one aggregate query)."""
    totals = qs.order_by().aggregate(
        households=Sum("households_visited"),
        enterprises=Sum("enterprises_visited"),
        people=Sum("people_reached"),
        person_times=Sum("person_times"),
    )
    return {key: value or 0 for key, value in totals.items()} | {"count": qs.count()}


def activity_for_export(qs: QuerySet) -> QuerySet:
    """The ledger rows: a list from ``activity_list`` (relations already attached) plus issues raised."""
    return qs.prefetch_related("issues")


def get_activity_for(user, pk) -> Activity:
    """One activity inside the user's region, with what its page shows; 404 otherwise."""
    qs = Activity.objects.select_related("region", "region__parent", "region__parent__parent", "station", "group", "created_by").prefetch_related(
        Prefetch("deputies", queryset=Deputy.objects.order_by("name_pinyin", "id")),
        "campaigns",
        "photos",
        # issues__suggestions is the reverse link the suggestions app adds (no import: it sits above us).
        Prefetch("issues", queryset=IssueRaised.objects.prefetch_related("deputies", "suggestions")),
    )
    return get_in_scope_or_404(qs.filter(pk__in=activities_visible_to(user).values("pk")), user, pk=pk)


def get_photo_for(user, activity_pk, photo_pk):
    """A photo of an activity inside the user's region; 404 otherwise."""
    from activities.models import ActivityPhoto

    photos = ActivityPhoto.objects.select_related("activity").filter(activity__in=activities_visible_to(user))
    return get_in_scope_or_404(photos, user, "activity__region", pk=photo_pk, activity_id=activity_pk)


def activities_attended_by(user, deputy) -> QuerySet:
    """The activities a deputy took part in, as far as the viewer may see (the record of duty).

    The viewer's scope still applies: a township sees only the duty done in its township.
    """
    return _with_list_relations(activities_visible_to(user).filter(attendance__deputy=deputy)).order_by("-date", "-id")


def deleted_activities_for(user) -> QuerySet:
    """Deletions recorded by simple_history, for the office's audit page: who deleted what, when."""
    if not (has_scope(user) and user.is_office):
        return Activity.history.none()
    qs = Activity.history.filter(history_type="-").select_related("history_user", "region", "region__parent", "region__parent__parent")
    return in_scope(qs, user).order_by("-history_date")
