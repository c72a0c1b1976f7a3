"""Checking every row (dates, levels, regions, phone numbers) before anything is written."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from deputies.models import MandateLevel
from deputies.privacy import is_valid_phone, normalize_phone
from deputies.roster.columns import _DATE_RE, _GENDERS, _LEVEL_NAMES, COLUMNS, CONGRESS_LEVEL, HEADER_OF, RowError
from regions.models import PREFIX_LENGTH, Region, RegionLevel


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
