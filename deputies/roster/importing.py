"""The all-or-nothing import: check every row, then write people and seats in bulk batches."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scope import has_scope
from config.exceptions import PermissionRefused
from deputies.models import Deputy, Mandate
from deputies.names import name_sort_keys
from deputies.roster.checking import RegionIndex, _check_row, _Row
from deputies.roster.columns import BATCH, HEADER_OF, MAX_BYTES, PROGRESS_EVERY, ImportResult, RosterFileError, RowError
from deputies.roster.reading import read_rows


def check_importer(user) -> None:
    if not (has_scope(user) and user.is_office):
        raise PermissionRefused(_("只有人大常委会办公室可以导入代表名册。"))


def estimate_rows(fileobj, filename: str) -> int:
    """The number of data rows, cheaply (the sheet's recorded size, or the CSV's line count)."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    try:
        if filename.lower().endswith(".xlsx") or head.startswith(b"PK"):
            from python_calamine import CalamineError, CalamineWorkbook

            try:
                return max(CalamineWorkbook.from_filelike(fileobj).get_sheet_by_index(0).total_height - 1, 0)
            except (CalamineError, IndexError):
                return 0
        return max(fileobj.read().count(b"\n") - 1, 0)
    except (OSError, ValueError):
        return 0
    finally:
        fileobj.seek(0)


Progress = Callable[[str, int, int], None]  # (phase: "checking" | "writing", rows read, errors so far)


def import_roster(*, actor, fileobj, filename: str, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Validate every row, then create or update deputies and their seats in one transaction.

    Returns the counts, or the list of every bad row (and changes nothing). ``dry_run`` checks only.
    Raises RosterFileError when the file itself cannot be read, PermissionRefused for non-offices.
    ``progress`` is called every ``PROGRESS_EVERY`` rows while checking and once before writing.
    """
    check_importer(actor)
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_BYTES:
        raise RosterFileError(_("文件过大：不能超过 %(limit)s MB。") % {"limit": MAX_BYTES // (1024 * 1024)})
    regions = RegionIndex(actor)
    today = timezone.localdate()
    result = ImportResult()
    rows: list[_Row] = []
    seen_person: dict[tuple, tuple[int, dict]] = {}
    seen_seat: dict[tuple, int] = {}
    for number, record in read_rows(fileobj, filename):
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress("checking", result.rows, len(result.errors))
        row, errors = _check_row(number, record, regions, today)
        if errors:
            result.errors.extend(errors)
            continue
        first = seen_person.get(row.key)
        if first is None:
            seen_person[row.key] = (number, row.person)
        elif first[1] != row.person:
            result.errors.append(
                RowError(number, HEADER_OF["name"], _("与第%(row)s行是同一人（姓名和出生日期相同），但个人信息不一致") % {"row": first[0]})
            )
            continue
        seat = (row.key, row.level, row.congress_region.id, row.term)
        if seat in seen_seat:
            result.errors.append(RowError(number, HEADER_OF["term"], _("与第%(row)s行重复（同一代表同一届次同一层级）") % {"row": seen_seat[seat]}))
            continue
        seen_seat[seat] = number
        rows.append(row)
    if result.rows == 0:
        raise RosterFileError(_("文件中没有数据行。"))
    if result.errors or dry_run:
        return result
    if progress is not None:
        progress("writing", result.rows, 0)
    with transaction.atomic():
        _write(actor, rows, regions, result)
    return result


def _stored(deputy: Deputy, name: str):
    # Compare the region by id: reading deputy.region would cost one query per row.
    if name == "region":
        return deputy.region_id
    return getattr(deputy, name)


def _write(actor, rows: list[_Row], regions: RegionIndex, result: ImportResult) -> None:
    now = timezone.now()
    # Names repeat in a large roster; the pinyin conversion is the costly part of each new deputy.
    sort_keys = cache(name_sort_keys)
    keys = {row.key for row in rows}
    existing_qs = Deputy.objects.all()
    if regions.scope is not None:
        existing_qs = existing_qs.filter(region__prefix__startswith=regions.scope.prefix)
    existing: dict[tuple, Deputy] = {}
    # One scan of the scope (ordered by id so a pre-existing duplicate resolves to the oldest record).
    for deputy in existing_qs.order_by("id").iterator(chunk_size=5000):
        key = (deputy.name, deputy.birth_date)
        if key in keys and key not in existing:
            existing[key] = deputy

    persons: dict[tuple, dict] = {}
    for row in rows:
        persons.setdefault(row.key, row.person)
    to_create: list[Deputy] = []
    to_update: list[Deputy] = []
    changed_fields: set[str] = set()
    for key, person in persons.items():
        deputy = existing.get(key)
        if deputy is None:
            deputy = Deputy(name=key[0], birth_date=key[1], created_at=now, updated_at=now, **person)
            deputy.name_pinyin, deputy.name_initials, deputy.surname_strokes, deputy.name_stroke_key = sort_keys(key[0])
            deputy.region_prefix = person["region"].prefix  # bulk_create skips save(), which copies it
            to_create.append(deputy)
            existing[key] = deputy
            continue
        changed = [name for name, value in person.items() if _stored(deputy, name) != (value.pk if name == "region" else value)]
        if changed:
            for name in changed:
                setattr(deputy, name, person[name])
            if "region" in changed:
                deputy.region_prefix = person["region"].prefix
                changed.append("region_prefix")
            deputy.updated_at = now
            changed_fields.update(changed)
            to_update.append(deputy)
    if to_create:
        bulk_create_with_history(to_create, Deputy, batch_size=BATCH, default_user=actor, default_change_reason="名册导入")
    if to_update:
        bulk_update_with_history(
            to_update,
            Deputy,
            sorted(changed_fields | {"updated_at"}),
            batch_size=BATCH,
            default_user=actor,
            default_change_reason="名册导入",
        )
    result.created, result.updated = len(to_create), len(to_update)

    seats: dict[tuple, Mandate] = {}
    if len(to_create) < len(persons):
        mandate_qs = Mandate.objects.all()
        if regions.scope is not None:
            mandate_qs = mandate_qs.filter(deputy__region__prefix__startswith=regions.scope.prefix)
        for mandate in mandate_qs.iterator(chunk_size=5000):
            seats[(mandate.deputy_id, mandate.level, mandate.congress_region_id, mandate.term)] = mandate
    new_mandates: list[Mandate] = []
    changed_mandates: list[Mandate] = []
    mandate_fields: set[str] = set()
    for row in rows:
        deputy = existing[row.key]
        seat = (deputy.pk, row.level, row.congress_region.id, row.term)
        mandate = seats.get(seat)
        if mandate is None:
            new_mandates.append(
                Mandate(deputy=deputy, level=row.level, congress_region=row.congress_region, term=row.term, **row.mandate)
            )
            continue
        changed = [name for name, value in row.mandate.items() if getattr(mandate, name) != value]
        if changed:
            for name in changed:
                setattr(mandate, name, row.mandate[name])
            mandate_fields.update(changed)
            changed_mandates.append(mandate)
    if new_mandates:
        bulk_create_with_history(new_mandates, Mandate, batch_size=BATCH, default_user=actor, default_change_reason="名册导入")
    if changed_mandates:
        bulk_update_with_history(
            changed_mandates, Mandate, sorted(mandate_fields), batch_size=BATCH, default_user=actor, default_change_reason="名册导入"
        )
    result.mandates_created, result.mandates_updated = len(new_mandates), len(changed_mandates)
