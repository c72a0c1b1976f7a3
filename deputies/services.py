"""Every write to deputies, mandates, groups and memberships. Keyword-only, ``actor=`` first."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import region_in_scope
from config.exceptions import Conflict, PermissionRefused
from deputies.models import Deputy, DeputyGroup, Mandate, Membership
from regions.scope import region_in_scope_or_above

DEPUTY_FIELDS = ["name", "gender", "ethnicity", "birth_date", "sector", "work_unit", "phone", "region", "active"]
MANDATE_FIELDS = ["level", "congress_region", "term", "electoral_unit", "start_date", "end_date"]
GROUP_FIELDS = ["name", "kind", "region", "home_station", "leader", "active"]
MEMBERSHIP_FIELDS = ["role", "start_date", "end_date"]
EARLIEST_DATE = date(1900, 1, 1)


def require_office(actor, region, *, field: str = "region") -> None:
    """Only congress offices write the roster, and only inside their own region."""
    if not actor.is_office:
        raise PermissionRefused(_("只有人大常委会办公室可以维护代表名册。"))
    if not region_in_scope(actor, region):
        raise ValidationError({field: _("该区划不在您的管辖范围内。")})


def _check_dates(start, end) -> None:
    if start and end and end < start:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    for name, value in (("start_date", start), ("end_date", end)):
        if value and not EARLIEST_DATE <= value <= date(timezone.localdate().year + 10, 12, 31):
            raise ValidationError({name: _("日期超出合理范围。")})


def _check_birth_date(data: dict) -> None:
    """A birth date in the past, and not before 1900."""
    value = data.get("birth_date")
    if value and value > timezone.localdate():
        raise ValidationError({"birth_date": _("出生日期不能晚于今天。")})
    if value and value < EARLIEST_DATE:
        raise ValidationError({"birth_date": _("出生日期过早")})


def _check_congress_region(actor, deputy: Deputy, data: dict) -> None:
    """A seat's congress is the actor's own region, one inside it, or one above it (the city or
    province congress its deputies also sit in) — never another county's."""
    region = data.get("congress_region")
    if region is not None and not region_in_scope_or_above(actor, region):
        raise ValidationError({"congress_region": _("该区划不在您的管辖范围内。")})


def _assign(obj, data: dict, fields: list[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def deputy_create(*, actor, data: dict) -> Deputy:
    """Register a deputy (the person; seats are added as mandates)."""
    require_office(actor, data.get("region"))
    _check_birth_date(data)
    deputy = Deputy(**{k: v for k, v in data.items() if k in DEPUTY_FIELDS})
    deputy.full_clean()
    deputy.save()
    return deputy


@transaction.atomic
def deputy_update(*, actor, deputy: Deputy, data: dict, seen_version: str | None = None) -> Deputy:
    """Change a deputy's data. ``seen_version`` is the ``updated_at`` the editor loaded: when someone
    saved in between, the second save is refused instead of silently overwriting the first."""
    locked = Deputy.objects.select_for_update().select_related("region").get(pk=deputy.pk)
    require_office(actor, locked.region)
    if seen_version and locked.updated_at.isoformat() != seen_version:
        raise Conflict(_("该代表信息已被他人修改，请刷新后重新编辑。"), code="stale")
    if "region" in data:
        require_office(actor, data["region"])
    _check_birth_date(data)
    changed = _assign(locked, data, DEPUTY_FIELDS)
    if changed:
        locked.full_clean()
        locked.save()
    return locked


def _save_unique(obj, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"__all__": message}) from None


@transaction.atomic
def mandate_create(*, actor, deputy: Deputy, data: dict) -> Mandate:
    """Add a seat (level, congress, term) to a deputy."""
    require_office(actor, deputy.region, field="deputy")
    _check_congress_region(actor, deputy, data)
    _check_dates(data.get("start_date"), data.get("end_date"))
    mandate = Mandate(deputy=deputy, **{k: v for k, v in data.items() if k in MANDATE_FIELDS})
    _save_unique(mandate, _("该代表在此人大同一届次同一层级已有职务。"))
    return mandate


@transaction.atomic
def mandate_update(*, actor, mandate: Mandate, data: dict) -> Mandate:
    require_office(actor, mandate.deputy.region)
    _check_congress_region(actor, mandate.deputy, data)
    _check_dates(data.get("start_date", mandate.start_date), data.get("end_date", mandate.end_date))
    if _assign(mandate, data, MANDATE_FIELDS):
        _save_unique(mandate, _("该代表在此人大同一届次同一层级已有职务。"))
    return mandate


@transaction.atomic
def mandate_delete(*, actor, mandate: Mandate) -> None:
    require_office(actor, mandate.deputy.region)
    mandate.delete()


def _check_group_links(actor, data: dict) -> None:
    station = data.get("home_station")
    if station is not None and not region_in_scope(actor, station.region):
        raise ValidationError({"home_station": _("该联络站不在您的管辖范围内。")})
    leader = data.get("leader")
    if leader is not None and not region_in_scope(actor, leader.region):
        raise ValidationError({"leader": _("该代表不在您的管辖范围内。")})


@transaction.atomic
def group_create(*, actor, data: dict) -> DeputyGroup:
    """Create a deputy group (regional mixed-level or professional)."""
    require_office(actor, data.get("region"))
    _check_group_links(actor, data)
    group = DeputyGroup(**{k: v for k, v in data.items() if k in GROUP_FIELDS})
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(*, actor, group: DeputyGroup, data: dict) -> DeputyGroup:
    require_office(actor, group.region)
    if "region" in data:
        require_office(actor, data["region"])
    _check_group_links(actor, data)
    if _assign(group, data, GROUP_FIELDS):
        group.full_clean()
        group.save()
    return group


@transaction.atomic
def membership_add(*, actor, group: DeputyGroup, deputy: Deputy, data: dict) -> Membership:
    """Put a deputy (of any level) into a group."""
    require_office(actor, group.region, field="group")
    if not region_in_scope(actor, deputy.region):
        raise ValidationError({"deputy": _("该代表不在您的管辖范围内。")})
    _check_dates(data.get("start_date"), data.get("end_date"))
    membership = Membership(group=group, deputy=deputy, **{k: v for k, v in data.items() if k in MEMBERSHIP_FIELDS})
    _save_unique(membership, _("该代表已是本小组成员。"))
    return membership


@transaction.atomic
def membership_update(*, actor, membership: Membership, data: dict) -> Membership:
    require_office(actor, membership.group.region)
    _check_dates(data.get("start_date", membership.start_date), data.get("end_date", membership.end_date))
    if _assign(membership, data, MEMBERSHIP_FIELDS):
        membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    require_office(actor, membership.group.region)
    membership.delete()
