"""Reads of residents' messages and hot issues, scoped through accounts.scope."""

from __future__ import annotations

from django.core import signing
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scope import has_scope, in_scope
from deputies.privacy import mask_phone
from liaison_stations.models import LiaisonStation, StationAssignment
from regions.models import PREFIX_LENGTH, Region, RegionLevel
from residents.models import UNRELEASED, HotIssue, MessageStatus, ResidentMessage

STATION_KEY_SALT = "residents.station"
TOWNSHIP_PREFIX = PREFIX_LENGTH[RegionLevel.TOWNSHIP]
# Offices at these levels work with residents directly and see their names and phone numbers.
PERSONAL_DATA_LEVELS = {RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE}


def station_public_key(station: LiaisonStation) -> str:
    """The station's key in the QR code's URL: signed, so station ids cannot be enumerated."""
    return signing.Signer(salt=STATION_KEY_SALT).sign(str(station.pk))


def public_station_or_404(key: str) -> LiaisonStation:
    """The active station a QR key points to, or 404."""
    try:
        pk = int(signing.Signer(salt=STATION_KEY_SALT).unsign(key))
        return LiaisonStation.objects.select_related("region", "region__parent", "region__parent__parent").get(pk=pk, active=True)
    except (signing.BadSignature, ValueError, LiaisonStation.DoesNotExist):
        raise Http404 from None


def villages_of(station: LiaisonStation) -> QuerySet[Region]:
    """The regions a resident may pick: the station's township and everything below it."""
    return Region.objects.filter(prefix__startswith=station.region.prefix[:TOWNSHIP_PREFIX]).order_by("code")


def _current_assignments():
    today = timezone.localdate()
    return StationAssignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def stations_of_deputy_user(user) -> QuerySet:
    """Ids of the stations a deputy currently belongs to."""
    return _current_assignments().filter(deputy__user=user).values("station_id")


def messages_visible_to(user) -> QuerySet[ResidentMessage]:
    """Deputies see their stations' messages once released; township staff and offices those of
    stations in scope, held and discarded ones included (the inbox shows those only when asked)."""
    qs = ResidentMessage.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser or user.is_office or user.is_township_staff:
        return in_scope(qs, user, "station__region")
    if user.is_deputy:
        return qs.filter(station_id__in=stations_of_deputy_user(user)).exclude(status__in=UNRELEASED)
    return qs.none()


def sees_personal_data(user) -> bool:
    """Whether the user sees residents' names and phones on the messages they can see at all: the
    station's deputies, township staff and county offices; provincial and city offices see them masked."""
    if not has_scope(user):
        return False
    if user.is_superuser or user.is_deputy or user.is_township_staff:
        return True
    return user.role == Role.CONGRESS_OFFICE and user.region.level in PERSONAL_DATA_LEVELS


def mask_name(name: str) -> str:
    """张**: the surname stays so a deputy calling back can still address the resident."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def present(messages, user):
    """Set ``shown_name`` and ``shown_phone`` on each message: full or masked for this user."""
    personal = sees_personal_data(user)
    for message in messages:
        message.shown_name = message.name if personal else mask_name(message.name)
        message.shown_phone = message.phone if personal else mask_phone(message.phone)
    return messages


def may_handle(user) -> bool:
    """Who replies to and adopts messages: the same people who see the residents' personal data."""
    return sees_personal_data(user)


def may_review(user) -> bool:
    """Who releases or discards held messages: the township's clerks and the county office (those who
    handle messages, deputies aside: a flood is staff work, and deputies see only what was released)."""
    return may_handle(user) and not user.is_deputy


def held_count(user) -> int:
    """How many messages wait for this user's review (the inbox's notice); 0 for everyone else."""
    if not may_review(user):
        return 0
    return messages_visible_to(user).filter(status=MessageStatus.HELD).count()


def message_list(user) -> QuerySet[ResidentMessage]:
    """The inbox and the list endpoint: scoped, with what each row shows."""
    return messages_visible_to(user).select_related("station", "region", "region__parent", "region__parent__parent", "suggestion")


def inbox_messages(user, params) -> QuerySet[ResidentMessage]:
    """The inbox's and the list endpoint's rows: what was passed on; held (待审核) and discarded
    messages only when ``params`` asks for that status (a flood must not bury the residents)."""
    qs = message_list(user)
    return qs if params.get("status") in UNRELEASED else qs.exclude(status__in=UNRELEASED)


def message_detail(user, pk) -> ResidentMessage:
    """One message the user may see, or 404."""
    try:
        return message_list(user).select_related("replied_by").get(pk=pk)
    except (ResidentMessage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def message_by_token(token: str) -> ResidentMessage:
    """The resident's own message, through the private follow-up link."""
    try:
        return ResidentMessage.objects.select_related("station", "region", "region__parent", "region__parent__parent").get(token=token)
    except ResidentMessage.DoesNotExist:
        raise Http404 from None


def station_deputies(message: ResidentMessage):
    """The deputies currently at the message's station (the lead deputy choices when staff adopt)."""
    from deputies.models import Deputy

    return Deputy.objects.filter(pk__in=_current_assignments().filter(station=message.station).values("deputy_id")).order_by("name")


def hot_issues_visible_to(user) -> QuerySet[HotIssue]:
    """Provincial and city offices see the clusters computed for their region (the latest run over
    the last year; the per-campaign runs are the dashboards')."""
    if not has_scope(user) or not user.is_office:
        return HotIssue.objects.none()
    qs = HotIssue.objects.filter(campaign__isnull=True)
    if not user.is_superuser:
        if user.region.level not in (RegionLevel.PROVINCE, RegionLevel.CITY):
            return qs.none()
        qs = qs.filter(scope_prefix=user.region.prefix)
    latest = qs.order_by("-computed_at").values_list("computed_at", flat=True).first()
    return qs.filter(computed_at=latest).select_related("campaign").order_by("-size", "id") if latest else qs.none()


def hot_issue_detail(user, pk) -> HotIssue:
    try:
        qs = HotIssue.objects.all()
        if not user.is_superuser:
            if not (has_scope(user) and user.is_office and user.region.level in (RegionLevel.PROVINCE, RegionLevel.CITY)):
                raise Http404
            qs = qs.filter(scope_prefix=user.region.prefix)
        return qs.get(pk=pk)
    except (HotIssue.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def latest_hot_issues(region: Region, campaign=None) -> QuerySet[HotIssue]:
    """The clusters of the latest run for one province or city, over one campaign (or, with none,
    over the last year), largest first: one query. The caller has checked the region is in scope."""
    runs = HotIssue.objects.filter(scope_prefix=region.prefix, campaign=campaign)
    latest = runs.order_by("-computed_at").values("computed_at")[:1]
    return runs.filter(computed_at=Subquery(latest)).order_by("-size", "id")


def hot_issue_of_region(region: Region, pk) -> HotIssue:
    """One cluster computed for ``region`` (any run), or 404: a city's clusters open on the city's
    dashboard, the province's on the province's."""
    try:
        return HotIssue.objects.select_related("campaign").get(pk=pk, scope_prefix=region.prefix)
    except (HotIssue.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def poster_stations(user, limit: int = 30) -> QuerySet:
    """Stations whose QR poster the user prints: a deputy's own, a township's stations."""
    if user.is_deputy:
        return LiaisonStation.objects.filter(pk__in=stations_of_deputy_user(user), active=True).order_by("name")[:limit]
    if user.is_township_staff:
        return in_scope(LiaisonStation.objects.filter(active=True), user, "region").order_by("name")[:limit]
    return LiaisonStation.objects.none()
