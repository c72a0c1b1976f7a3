"""Every write to stations, the standards checklist, assignments and reception days."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.scope import region_in_scope
from deputies.services import require_office
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard

STATION_FIELDS = [
    "name", "kind", "region", "address", "latitude", "longitude", "host_organisation",
    "contact_name", "contact_phone", "opening_hours", "active",
]
ITEM_FIELDS = ["name", "description", "region", "position", "active"]
RECEPTION_FIELDS = ["date", "start_time", "end_time", "topic"]


def _assign(obj, data: dict, fields: list[str]) -> bool:
    changed = False
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed = True
    return changed


def _check_deputy(actor, deputy, field: str = "deputy") -> None:
    if not region_in_scope(actor, deputy.region):
        raise ValidationError({field: _("该代表不在您的管辖范围内。")})


@transaction.atomic
def station_create(*, actor, data: dict) -> LiaisonStation:
    """Open a station, deputy home or liaison point."""
    require_office(actor, data.get("region"))
    station = LiaisonStation(**{k: v for k, v in data.items() if k in STATION_FIELDS})
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_update(*, actor, station: LiaisonStation, data: dict) -> LiaisonStation:
    locked = LiaisonStation.objects.select_for_update().select_related("region").get(pk=station.pk)
    require_office(actor, locked.region)
    if "region" in data:
        require_office(actor, data["region"])
    if _assign(locked, data, STATION_FIELDS):
        locked.full_clean()
        locked.save()
    return locked


@transaction.atomic
def standard_item_create(*, actor, data: dict) -> StandardItem:
    """Define a checklist item for every station inside ``region``."""
    require_office(actor, data.get("region"))
    item = StandardItem(**{k: v for k, v in data.items() if k in ITEM_FIELDS})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def standard_item_update(*, actor, item: StandardItem, data: dict) -> StandardItem:
    require_office(actor, item.region)
    if "region" in data:
        require_office(actor, data["region"])
    if _assign(item, data, ITEM_FIELDS):
        item.full_clean()
        item.save()
    return item


@transaction.atomic
def station_standards_record(*, actor, station: LiaisonStation, answers: dict) -> int:
    """Record which checklist items a station meets. ``answers`` maps an item to ``(met, note)``.

    Returns how many records changed. An item that does not apply to the station is refused.
    """
    require_office(actor, station.region, field="station")
    existing = {r.item_id: r for r in StationStandard.objects.select_for_update().filter(station=station)}
    changed = 0
    for item, (met, note) in answers.items():
        if not station.region.prefix.startswith(item.region.prefix):
            raise ValidationError({"item": _("标准项“%(item)s”不适用于该联络站。") % {"item": item.name}})
        record = existing.get(item.pk)
        if record is None:
            StationStandard.objects.create(station=station, item=item, met=met, note=note)
            changed += 1
        elif record.met != met or record.note != note:
            record.met, record.note = met, note
            record.save(update_fields=["met", "note", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def assignment_add(*, actor, station: LiaisonStation, deputy, start_date=None, end_date=None) -> StationAssignment:
    """代表进站: assign a deputy to a station."""
    require_office(actor, station.region, field="station")
    _check_deputy(actor, deputy)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("离站日期不能早于进站日期。")})
    try:
        with transaction.atomic():
            return StationAssignment.objects.create(station=station, deputy=deputy, start_date=start_date, end_date=end_date)
    except IntegrityError:
        raise ValidationError({"deputy": _("该代表已在本站。")}) from None


@transaction.atomic
def assignment_remove(*, actor, assignment: StationAssignment) -> None:
    require_office(actor, assignment.station.region)
    assignment.delete()


def _check_duty(actor, station, deputies) -> None:
    for deputy in deputies:
        _check_deputy(actor, deputy, "deputies")
    if station is not None and deputies:
        assigned = set(station.assignments.values_list("deputy_id", flat=True))
        outsiders = [d.name for d in deputies if d.pk not in assigned]
        if outsiders:
            raise ValidationError({"deputies": _("以下代表未进本站：%(names)s") % {"names": "、".join(outsiders)}})


@transaction.atomic
def reception_day_create(*, actor, station: LiaisonStation, data: dict, deputies) -> ReceptionDay:
    """Schedule a reception day (接待选民日) with the deputies on duty."""
    require_office(actor, station.region, field="station")
    deputies = list(deputies)
    _check_duty(actor, station, deputies)
    if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
        raise ValidationError({"end_time": _("结束时间应晚于开始时间。")})
    day = ReceptionDay.objects.create(station=station, **{k: v for k, v in data.items() if k in RECEPTION_FIELDS})
    day.deputies.set(deputies)
    return day


@transaction.atomic
def reception_day_update(*, actor, day: ReceptionDay, data: dict, deputies=None) -> ReceptionDay:
    require_office(actor, day.station.region)
    start, end = data.get("start_time", day.start_time), data.get("end_time", day.end_time)
    if start and end and end <= start:
        raise ValidationError({"end_time": _("结束时间应晚于开始时间。")})
    if _assign(day, data, RECEPTION_FIELDS):
        day.save()
    if deputies is not None:
        deputies = list(deputies)
        _check_duty(actor, day.station, deputies)
        day.deputies.set(deputies)
    return day


@transaction.atomic
def reception_day_delete(*, actor, day: ReceptionDay) -> None:
    require_office(actor, day.station.region)
    day.delete()
