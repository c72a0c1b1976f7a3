"""Roster import (.xlsx / .csv) and export (.xlsx).

The file holds one row per seat: a deputy with a county and a township mandate is two rows that
repeat the person's columns. A person is recognised by the natural key **name + birth date**
(姓名 + 出生日期, both required): importing the same people again updates them and adds only seats
that are new. Matching looks only inside the importer's scope, so an import never touches a record
the importer cannot see. A blank optional cell keeps what is stored (a roster without phone numbers
does not erase them).

Every row is checked before anything is written; one bad row and nothing changes. The work is a
constant number of queries plus bulk writes in batches, so a province's 100,000-row file loads in
one pass (see ``import_roster``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.scope import has_scope
from config.exceptions import PermissionRefused
from config.xlsx import neutralise, restore
from deputies.models import Deputy, Gender, Mandate, MandateLevel
from deputies.names import name_sort_keys
from deputies.privacy import is_valid_phone, normalize_phone, phone_for
from regions.models import PREFIX_LENGTH, Region, RegionLevel

# (key, Chinese header, required). The template, the importer and the export share this order.
COLUMNS = [
    ("name", "姓名", True),
    ("gender", "性别", False),
    ("ethnicity", "民族", False),
    ("birth_date", "出生日期", True),
    ("sector", "界别/职业", False),
    ("work_unit", "工作单位及职务", False),
    ("phone", "手机号", False),
    ("region", "所在区划", True),
    ("level", "代表层级", True),
    ("congress_region", "人大所在区划", False),
    ("term", "届次", True),
    ("electoral_unit", "选举单位/选区", False),
    ("start_date", "任期开始", False),
    ("end_date", "任期结束", False),
]
HEADER_OF = {key: header for key, header, _ in COLUMNS}
PERSON_FIELDS = ["gender", "ethnicity", "sector", "work_unit", "phone", "region"]
MANDATE_FIELDS = ["electoral_unit", "start_date", "end_date"]
BATCH = 1000
# A file this large is imported by the worker, with a progress page (see ``deputies.tasks``);
# about 2,500 rows. Smaller files are checked and imported within the upload request.
BACKGROUND_MIN_BYTES = 200 * 1024
PROGRESS_EVERY = 1000
# A 100,000-row roster is about 8 MB as .xlsx.
MAX_BYTES = 40 * 1024 * 1024
EXTRA_EXPORT_HEADERS = ["所在区划名称", "人大所在区划名称"]

_LEVEL_NAMES = {
    "全国": MandateLevel.NATIONAL,
    "省": MandateLevel.PROVINCIAL,
    "市(州)": MandateLevel.CITY,
    "市": MandateLevel.CITY,
    "州": MandateLevel.CITY,
    "县(市、区)": MandateLevel.COUNTY,
    "县(市,区)": MandateLevel.COUNTY,
    "县": MandateLevel.COUNTY,
    "乡(镇)": MandateLevel.TOWNSHIP,
    "乡": MandateLevel.TOWNSHIP,
    "镇": MandateLevel.TOWNSHIP,
}
# The region level of the congress that elects each kind of deputy (national deputies are elected
# by the provincial congress, so their congress region is the province).
CONGRESS_LEVEL = {
    MandateLevel.NATIONAL: RegionLevel.PROVINCE,
    MandateLevel.PROVINCIAL: RegionLevel.PROVINCE,
    MandateLevel.CITY: RegionLevel.CITY,
    MandateLevel.COUNTY: RegionLevel.COUNTY,
    MandateLevel.TOWNSHIP: RegionLevel.TOWNSHIP,
}
_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong type, missing header)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    mandates_created: int = 0
    mandates_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ---------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores a phone typed as a number as 13812341234.0
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # A text our export wrote as '=… (config.xlsx) reads back as it was typed.
    return restore(str(value).strip())


def _header_key(text: str) -> str | None:
    cleaned = text.replace("*", "").replace("（", "(").replace("）", ")").strip()
    for key, header, _required in COLUMNS:
        if cleaned == header:
            return key
    return None


def read_rows(fileobj, filename: str):
    """Yield ``(row number, {key: text})`` from an .xlsx or .csv file; row numbers are as Excel shows them."""
    name = (filename or "").lower()
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if name.endswith(".xlsx") or head.startswith(b"PK"):
        rows = _xlsx_rows(fileobj)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(fileobj)
    else:
        raise RosterFileError(_("只支持 Excel（.xlsx）或 CSV 文件。"))
    header = next(rows, None)
    if not header:
        raise RosterFileError(_("文件是空的。"))
    keys = [_header_key(_cell_text(h)) for h in header]
    missing = [h for k, h, required in COLUMNS if required and k not in keys]
    if missing:
        raise RosterFileError(_("缺少必填列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)})
    for number, values in enumerate(rows, start=2):
        record = {k: _cell_text(v) for k, v in zip(keys, values, strict=False) if k}
        if any(record.values()):
            yield number, record


def _xlsx_rows(fileobj):
    # calamine (Rust) reads a 100,000-row sheet in about two seconds; openpyxl needed half a minute.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(fileobj).get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise RosterFileError(_("无法读取该 Excel 文件，请另存为 .xlsx 后重试。")) from exc


def _csv_rows(fileobj):
    raw = fileobj.read()
    # Excel in China saves CSV as GB18030 unless told otherwise; UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("无法识别 CSV 文件的编码，请保存为 UTF-8。"))
    try:
        # newline="" lets the csv module handle line breaks inside quoted cells itself.
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise RosterFileError(_("CSV 文件格式有误：%(error)s。请用 Excel 另存为 CSV 或使用 .xlsx 模板。") % {"error": exc}) from exc


# --- checking ----------------------------------------------------------------------------------------


def parse_date(text: str) -> date:
    text = text.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(_("日期格式不对，应写成 1975-03-08"))
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_("不是有效的日期")) from None


def parse_level(text: str) -> str:
    cleaned = text.replace("（", "(").replace("）", ")").replace(" ", "")
    for suffix in ("人大代表", "代表", "级"):
        if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
            cleaned = cleaned[: -len(suffix)]
    if cleaned in _LEVEL_NAMES:
        return _LEVEL_NAMES[cleaned]
    if cleaned in MandateLevel.values:
        return cleaned
    raise ValueError(_("代表层级应为 全国、省、市(州)、县(市、区)、乡(镇) 之一"))


class RegionIndex:
    """Every region the file may name, in memory: by code, and by name path (full or trailing part)."""

    def __init__(self, user):
        scope = None if user.is_superuser else user.region
        qs = Region.objects.all()
        if scope is not None:
            # The scope and below, plus the levels above counties (congresses of national, provincial
            # and city deputies live there).
            qs = qs.filter(Q(prefix__startswith=scope.prefix) | Q(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]))
        regions = list(qs.only("id", "code", "name", "level", "parent_id", "prefix"))
        self.scope = scope
        self.by_id = {r.id: r for r in regions}
        self.by_code = {r.code: r for r in regions}
        self.by_prefix = {(r.level, r.prefix): r for r in regions}
        self.by_path: dict[str, list[Region]] = defaultdict(list)
        for region in regions:
            names = []
            node = region
            while node is not None:
                names.append(node.name)
                node = self.by_id.get(node.parent_id)
            names.reverse()
            for i in range(len(names)):
                self.by_path["/".join(names[i:])].append(region)

    def find(self, text: str) -> Region:
        text = text.strip().replace("／", "/").replace("\\", "/")
        if text.isdigit():
            region = self.by_code.get(text)
            if region is None:
                raise ValueError(_("找不到区划代码 %(code)s，或该区划不在您的管辖范围内") % {"code": text})
            return region
        path = "/".join(part.strip() for part in text.split("/") if part.strip())
        found = self.by_path.get(path, [])
        if not found:
            # Regions below other counties are not loaded, so "missing" and "outside" read the same.
            raise ValueError(
                _("找不到区划“%(name)s”或该区划不在您的管辖范围内；请写区划代码或完整路径（如 湖北省/恩施土家族苗族自治州/宣恩县）")
                % {"name": text}
            )
        if len(found) > 1:
            raise ValueError(_("区划“%(name)s”不唯一，请写区划代码或完整路径") % {"name": text})
        return found[0]

    def in_scope(self, region: Region) -> bool:
        return self.scope is None or region.prefix.startswith(self.scope.prefix)

    def congress_of(self, region: Region, level: str) -> Region | None:
        """The congress region of a seat at ``level`` for a deputy living in ``region``."""
        wanted = CONGRESS_LEVEL[MandateLevel(level)]
        length = PREFIX_LENGTH[wanted]
        if len(region.prefix) < length:
            return None
        return self.by_prefix.get((wanted, region.prefix[:length]))


@dataclass
class _Row:
    number: int
    key: tuple[str, date]
    person: dict
    level: str
    congress_region: Region
    term: str
    mandate: dict


def _check_row(number: int, record: dict, regions: RegionIndex, today: date) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []

    def bad(key, message):
        errors.append(RowError(number, HEADER_OF[key], message))

    for key, header, required in COLUMNS:
        if required and not record.get(key):
            bad(key, _("%(column)s不能为空") % {"column": header})
    name = record.get("name", "")
    if name and len(name) > 32:
        bad("name", _("姓名不能超过32个字"))
    person: dict = {}
    mandate: dict = {}
    birth = None
    if record.get("birth_date"):
        try:
            birth = parse_date(record["birth_date"])
            if birth > today:
                bad("birth_date", _("出生日期不能晚于今天"))
            elif birth.year < 1900:
                bad("birth_date", _("出生日期过早"))
        except ValueError as exc:
            bad("birth_date", str(exc))
    gender = record.get("gender", "").strip().lower()
    if gender:
        if gender in _GENDERS:
            person["gender"] = _GENDERS[gender]
        else:
            bad("gender", _("性别应为 男 或 女"))
    for key, limit in (("ethnicity", 16), ("sector", 64), ("work_unit", 128)):
        value = record.get(key, "")
        if len(value) > limit:
            bad(key, _("%(column)s不能超过%(limit)s个字") % {"column": HEADER_OF[key], "limit": limit})
        elif value:
            person[key] = value
    if record.get("phone"):
        phone = normalize_phone(record["phone"])
        if is_valid_phone(phone):
            person["phone"] = phone
        else:
            bad("phone", _("手机号格式不对（应为11位手机号或带区号的固定电话）"))
    region = None
    if record.get("region"):
        try:
            region = regions.find(record["region"])
            if not regions.in_scope(region):
                bad("region", _("该区划不在您的管辖范围内"))
                region = None
            else:
                person["region"] = region
        except ValueError as exc:
            bad("region", str(exc))
    level = None
    if record.get("level"):
        try:
            level = parse_level(record["level"])
        except ValueError as exc:
            bad("level", str(exc))
    congress = None
    if record.get("congress_region"):
        try:
            congress = regions.find(record["congress_region"])
            if level and congress.level != CONGRESS_LEVEL[MandateLevel(level)]:
                bad("congress_region", _("人大所在区划与代表层级不符"))
        except ValueError as exc:
            bad("congress_region", str(exc))
    elif level and region is not None:
        congress = regions.congress_of(region, level)
        if congress is None:
            bad("congress_region", _("无法从所在区划推断人大所在区划，请填写"))
    term = record.get("term", "")
    if len(term) > 16:
        bad("term", _("届次不能超过16个字"))
    if len(record.get("electoral_unit", "")) > 128:
        bad("electoral_unit", _("选举单位/选区不能超过128个字"))
    elif record.get("electoral_unit"):
        mandate["electoral_unit"] = record["electoral_unit"]
    for key in ("start_date", "end_date"):
        if record.get(key):
            try:
                mandate[key] = parse_date(record[key])
            except ValueError as exc:
                bad(key, str(exc))
    if mandate.get("start_date") and mandate.get("end_date") and mandate["end_date"] < mandate["start_date"]:
        bad("end_date", _("任期结束不能早于任期开始"))
    if errors:
        return None, errors
    return _Row(number, (name, birth), person, level, congress, term, mandate), []


# --- importing ---------------------------------------------------------------------------------------


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
            to_create.append(deputy)
            existing[key] = deputy
            continue
        changed = [name for name, value in person.items() if _stored(deputy, name) != (value.pk if name == "region" else value)]
        if changed:
            for name in changed:
                setattr(deputy, name, person[name])
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


# --- template, error report, export ---------------------------------------------------------------


def _workbook_bytes(title: str, header: list[str], rows) -> bytes:
    from config.xlsx import XlsxWriter

    workbook = XlsxWriter()
    workbook.sheet(title, header, freeze=False).extend(rows)
    return workbook.bytes()


def template_xlsx() -> bytes:
    """The import template: Chinese headers and one example row showing each format."""
    example = [
        "向明华", "女", "土家族", "1975-03-08", "农业", "珠山镇东门社区党支部书记", "13871800001",
        "湖北省/恩施土家族苗族自治州/宣恩县/珠山镇", "乡(镇)", "", "第十九届", "东门社区选区", "2021-10-01", "",
    ]
    return _workbook_bytes("代表名册", [h for _, h, _ in COLUMNS], [example])


def errors_csv(errors: list[RowError]) -> bytes:
    """The bad rows as a CSV that Excel opens correctly (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("问题")])
    for error in errors:
        writer.writerow([error.row, neutralise(error.column), neutralise(error.message)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(user, deputies) -> bytes:
    """The filtered roster in the import layout (one row per seat), phones masked as the viewer sees them.

    ``deputies`` must come from ``selectors.deputy_list`` (region and mandates prefetched).
    """
    # The export is read back by the importer, which knows the Chinese names of levels and genders:
    # it is written in Chinese whatever language the page is in.
    with translation.override(settings.LANGUAGE_CODE):
        levels = {value: str(label) for value, label in MandateLevel.choices}
        genders = {value: str(label) for value, label in Gender.choices}

    def rows():
        for deputy in deputies.iterator(chunk_size=2000):
            person = [
                deputy.name,
                str(genders.get(deputy.gender, "")),
                deputy.ethnicity,
                deputy.birth_date.isoformat() if deputy.birth_date else "",
                deputy.sector,
                deputy.work_unit,
                phone_for(user, deputy),
                deputy.region.code,
            ]
            mandates = list(deputy.mandates.all())
            if not mandates:
                yield person + [""] * 6 + [deputy.region.name, ""]
            for m in mandates:
                yield person + [
                    str(levels[m.level]),
                    m.congress_region.code,
                    m.term,
                    m.electoral_unit,
                    m.start_date.isoformat() if m.start_date else "",
                    m.end_date.isoformat() if m.end_date else "",
                    deputy.region.name,
                    m.congress_region.name,
                ]

    # The first columns are the import layout, so an exported list can be edited and imported back.
    return _workbook_bytes("代表名册", [h for _, h, _ in COLUMNS] + EXTRA_EXPORT_HEADERS, rows())


# --- large imports in the worker -------------------------------------------------------------------

# A job whose row has not moved for this long lost its worker (killed mid-run): it may be claimed again.
STALE_JOB_MINUTES = 15
KEPT_JOB_ERRORS = 20000


def import_job_start(*, actor, upload):
    """Save a large roster and queue its import in the worker; returns the ImportJob.

    The worker is sent the job's id after the row commits, so it always finds the file and the row.
    """
    from deputies.models import ImportJob
    from deputies.tasks import run_roster_import

    check_importer(actor)
    if upload.size > MAX_BYTES:
        raise RosterFileError(_("文件过大：不能超过 %(limit)s MB。") % {"limit": MAX_BYTES // (1024 * 1024)})
    total = estimate_rows(upload, upload.name)
    upload.seek(0)
    with transaction.atomic():
        job = ImportJob(created_by=actor, original_name=upload.name[:200], rows_total=total)
        job.file.save(upload.name, upload, save=False)
        job.save()
        transaction.on_commit(lambda: run_roster_import.delay(job.pk))
    return job


def import_job_run(job_id: int) -> None:
    """Run one queued import job: the same all-or-nothing ``import_roster``, reporting progress on the row.

    The job is claimed with a conditional UPDATE, so a second delivery of the task does nothing
    (unless the first worker died: a job stuck mid-way past STALE_JOB_MINUTES is claimed again, and
    since the write is one transaction, nothing of the dead attempt remains).
    """
    from datetime import timedelta

    from deputies.models import ImportJob, ImportJobState

    now = timezone.now()
    stale = now - timedelta(minutes=STALE_JOB_MINUTES)
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(state=ImportJobState.QUEUED) | Q(state__in=[ImportJobState.CHECKING, ImportJobState.WRITING], updated_at__lt=stale))
        .update(state=ImportJobState.CHECKING, started_at=now, updated_at=now, rows_done=0, errors_count=0)
    )
    if claimed != 1:
        return
    job = ImportJob.objects.select_related("created_by", "created_by__region").get(pk=job_id)

    def progress(phase: str, rows: int, errors: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(state=phase, rows_done=rows, errors_count=errors, updated_at=timezone.now())

    def finish(state: str, **fields) -> None:
        ImportJob.objects.filter(pk=job_id).update(state=state, finished_at=timezone.now(), updated_at=timezone.now(), **fields)
        # The file holds personal data: keep it no longer than the import needs it.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job_id).update(file="")

    try:
        with job.file.open("rb") as handle:
            result = import_roster(actor=job.created_by, fileobj=handle, filename=job.original_name, progress=progress)
    except RosterFileError as exc:
        finish(ImportJobState.REFUSED, message=str(exc))
        return
    except PermissionRefused as exc:
        finish(ImportJobState.FAILED, message=exc.message)
        return
    except DatabaseError:
        # Transient: the task retries with backoff, and the retry must be able to claim the job.
        ImportJob.objects.filter(pk=job_id).update(state=ImportJobState.QUEUED, updated_at=timezone.now())
        raise
    if result.ok:
        finish(
            ImportJobState.SUCCEEDED,
            rows_done=result.rows,
            rows_total=result.rows,
            result={"rows": result.rows, "created": result.created, "updated": result.updated,
                    "mandates_created": result.mandates_created, "mandates_updated": result.mandates_updated},
        )
    else:
        finish(
            ImportJobState.REFUSED,
            rows_done=result.rows,
            rows_total=result.rows,
            errors_count=len(result.errors),
            errors=[[e.row, e.column, e.message] for e in result.errors[:KEPT_JOB_ERRORS]],
        )


def import_job_for(user, pk: int):
    """The user's own import job, or 404: a job (its file, its errors) belongs to whoever uploaded it."""
    from django.shortcuts import get_object_or_404

    from deputies.models import ImportJob

    return get_object_or_404(ImportJob, pk=pk, created_by=user)


def import_job_status(job) -> dict:
    """What the progress page shows: rows done of the total, errors so far, seconds left (estimated)."""
    total = max(job.rows_total, job.rows_done)
    left = None
    if job.started_at and not job.finished and job.rows_done and total:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        left = round(elapsed / job.rows_done * (total - job.rows_done)) if job.state == "checking" else None
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "finished": job.finished,
        "rows_done": job.rows_done,
        "rows_total": total,
        "percent": 100 if job.state == "succeeded" else (round(job.rows_done * 100 / total) if total else 0),
        "errors": job.errors_count,
        "seconds_left": left,
        "message": job.message,
        "result": job.result,
    }
