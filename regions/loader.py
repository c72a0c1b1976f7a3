"""Load the administrative tree from a CSV file (code,name,level,parent_code)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from regions.models import CODE_LENGTH, LEVEL_ORDER, Region, RegionLevel

HUBEI_DIVISIONS = Path(__file__).resolve().parent / "data" / "hubei_divisions.csv"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _validate_rows(rows: list[dict], known_codes: set[str]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, int] = {}
    codes_in_file = {(r.get("code") or "").strip() for r in rows}
    levels = {level.value for level in LEVEL_ORDER}
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        level = (row.get("level") or "").strip()
        parent = (row.get("parent_code") or "").strip()
        if not code.isdigit():
            errors.append(f"第{line}行：区划代码“{code}”不是数字。")
            continue
        if level not in levels:
            errors.append(f"第{line}行：层级“{level}”无效，应为 {', '.join(sorted(levels))} 之一。")
            continue
        if len(code) != CODE_LENGTH[RegionLevel(level)]:
            errors.append(f"第{line}行：{level} 级区划代码应为 {CODE_LENGTH[RegionLevel(level)]} 位，实为“{code}”。")
        if not name:
            errors.append(f"第{line}行：名称为空。")
        if code in seen:
            errors.append(f"第{line}行：区划代码 {code} 与第{seen[code]}行重复。")
        seen[code] = line
        if level == RegionLevel.PROVINCE:
            if parent:
                errors.append(f"第{line}行：省级区划不应有上级。")
        elif not parent:
            errors.append(f"第{line}行：缺少上级区划代码。")
        elif parent not in codes_in_file and parent not in known_codes:
            errors.append(f"第{line}行：上级区划代码 {parent} 不存在。")
    return errors


def load_regions(path: Path = HUBEI_DIVISIONS) -> LoadReport:
    """Create or update regions from ``path``; all or nothing.

    A second load of the same file changes nothing. A file with any bad row changes nothing and
    the report lists every bad row.
    """
    report = LoadReport()
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"code", "name", "level", "parent_code"} - set(reader.fieldnames or [])
            if missing:
                report.errors.append(f"缺少列：{', '.join(sorted(missing))}")
                return report
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        report.errors.append(f"无法读取文件：{exc}")
        return report

    existing = {r.code: r for r in Region.objects.all()}
    report.errors = _validate_rows(rows, set(existing))
    if report.errors:
        return report

    # Parents first, so each row's parent exists when it is saved.
    rows.sort(key=lambda r: LEVEL_ORDER.index(RegionLevel(r["level"].strip())))
    with transaction.atomic():
        for row in rows:
            code, name, level = row["code"].strip(), row["name"].strip(), row["level"].strip()
            parent = existing.get(row["parent_code"].strip()) if row["parent_code"].strip() else None
            region = existing.get(code)
            if region is None:
                region = Region(code=code, name=name, level=level, parent=parent)
                region.save()
                existing[code] = region
                report.created += 1
            elif (region.name, region.level, region.parent_id) != (name, level, parent.pk if parent else None):
                region.name, region.level, region.parent = name, level, parent
                region.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report
