"""Bulk data: a 100,000-row roster import, and COPY beside bulk_create on the same rows."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta

from bench.harness import ROOT, say


def measure_import(cfg: dict) -> dict:
    """Seconds to import an N-row roster .xlsx through deputies/roster.py (rolled back afterwards)."""
    from django.db import transaction

    from accounts.models import User
    from deputies import roster

    rows = cfg["import_rows"]
    path = ROOT / "var" / f"bench-roster-{rows}.xlsx"
    if not path.exists():
        say(f"  生成 {rows:,} 行名册…")
        path.write_bytes(_roster_xlsx(rows))
    actor = User.objects.get(username="provincial")

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            with open(path, "rb") as handle:
                result = roster.import_roster(actor=actor, fileobj=io.BytesIO(handle.read()), filename=path.name)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    if not result.ok:
        raise RuntimeError(f"roster refused: {result.errors[:3]}")
    say(f"  名册导入 {rows:,} 行：{elapsed:.1f} 秒（新增代表 {result.created:,} 人）")
    # Only the full-size file gives the figure: a small file's time is mostly fixed costs.
    figures = {"import_rows": rows, "import_seconds": round(elapsed, 1)}
    if rows >= 100_000:
        figures["import_100k_s"] = round(elapsed * 100_000 / rows, 1)
    return figures


def _roster_xlsx(rows: int) -> bytes:
    from deputies import roster
    from deputies.demo import GIVEN, SURNAMES
    from regions.models import Region, RegionLevel

    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code").values_list("code", flat=True))
    names = len(SURNAMES) * len(GIVEN) * len(GIVEN)

    def lines():
        for n in range(rows):
            # (name, birth date) is the importer's natural key: unique for every row of the file.
            k = n % names
            name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k // len(SURNAMES)) % len(GIVEN)] + GIVEN[k // (len(SURNAMES) * len(GIVEN))]
            birth = date(1960, 1, 1) + timedelta(days=(n // names) * 2000 + k % 997)
            yield [name, "男" if n % 3 else "女", "汉族", birth.isoformat(), "农业", "村委会", f"139{n:08d}",
                   townships[n % len(townships)], "乡(镇)", "", "第二十届", "选区", "2026-10-01", ""]

    return roster._workbook_bytes("代表名册", [h for _, h, _ in roster.COLUMNS], lines())


def measure_copy_vs_bulk(cfg: dict) -> dict:
    """The seeder's load path: COPY rows/s ÷ bulk_create rows/s, same table, same rows, both rolled back."""
    from django.db import transaction

    from accounts.demo_scale import BulkLoader
    from activities.models import Activity
    from regions.models import Region, RegionLevel

    region_id = Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("id", flat=True).first()
    count = cfg["copy_rows"]
    out = io.StringIO()

    class Rollback(Exception):
        pass

    def rows(loader):
        ids = loader.ids(Activity, count)
        today = date.today()
        return [(i, "visit", today, None, region_id, None, None, 5, 0, 10, 0, "走访", None, loader.now, loader.now) for i in ids]

    columns = ["id", "type", "date", "start_time", "region_id", "station_id", "group_id", "households_visited",
               "enterprises_visited", "people_reached", "person_times", "summary", "created_by_id", "created_at", "updated_at"]
    timings = {}
    for mode in ("copy", "bulk_create"):
        loader = BulkLoader(out=out, postgres=mode == "copy", drop_indexes=False)
        spec = loader.spec(Activity, columns)
        batch = rows(loader)
        try:
            with transaction.atomic():
                started = time.perf_counter()
                loader.write(spec, batch)
                timings[mode] = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    copy_rps, bulk_rps = count / timings["copy"], count / timings["bulk_create"]
    say(f"  装载 {count:,} 行活动：COPY {copy_rps:,.0f} 行/秒，bulk_create {bulk_rps:,.0f} 行/秒")
    return {"copy_vs_bulk_ratio": round(copy_rps / bulk_rps, 2), "copy_rows_per_s": round(copy_rps), "bulk_rows_per_s": round(bulk_rps)}
