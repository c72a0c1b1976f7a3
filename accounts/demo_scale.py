"""Large-scale demo data (``seed_demo --scale county|province``): the loader and the accounts part.

``seed_demo`` hands the scale seed to :func:`run`, which walks INSTALLED_APPS in dependency order and
calls ``<app>.demo_scale.seed(ctx)`` where an app has one, exactly as the demo scale does with
``<app>.demo``. Each app writes its rows through ``ctx.loader`` (a :class:`BulkLoader`), so no lower
app imports a higher one and every app keeps the knowledge of its own tables.

The loader streams rows: each app yields tuples from generators in chunks, and the loader writes a
chunk with PostgreSQL ``COPY … FROM STDIN`` (psycopg 3) or, on SQLite, ``bulk_create``. Ids are
allocated by the seeder (so rows can point at each other without a round trip) and the sequences
are moved past them at the end. On PostgreSQL the big tables lose their secondary indexes and
unique constraints for the load and get them back, rebuilt in one pass each, at the end; foreign
key triggers are off for the session (``session_replication_role = replica``) because the seeder
builds every reference itself, and the smoke test checks the integrity afterwards.
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.demo import DEMO_USERS
from accounts.models import Role, User


@dataclass(frozen=True)
class ScalePlan:
    """How much of everything one scale makes. The province figures follow issue 8."""

    name: str
    counties: tuple[str, ...] | None  # None: every county-level unit of the province
    townships_per_county: tuple[int, int]
    villages_per_township: tuple[int, int]
    # Seats per level for the whole plan (national, provincial, city, county, township).
    seats: dict[str, int]
    groups_per_township: int
    industry_groups_per_county: int
    group_size: int
    village_station_share: float
    activities: int
    attendance_per_activity: tuple[int, int]
    suggestions: int
    years: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025, 2026)
    chunk: int = 20000


PLANS = {
    "county": ScalePlan(
        name="county",
        counties=("422825",),  # 宣恩县: the demo logins live there
        townships_per_county=(5, 5),
        villages_per_township=(6, 8),
        seats={"national": 2, "provincial": 4, "city": 12, "county": 60, "township": 200},
        groups_per_township=3,
        industry_groups_per_county=2,
        group_size=8,
        village_station_share=0.9,
        activities=1500,
        attendance_per_activity=(1, 5),
        suggestions=400,
        chunk=500,
    ),
    "province": ScalePlan(
        name="province",
        counties=None,
        townships_per_county=(8, 15),  # 103 county-level units → about 1,200 townships
        villages_per_township=(15, 27),  # about 25,000 villages and communities
        seats={"national": 140, "provincial": 740, "city": 5600, "county": 27000, "township": 70000},
        groups_per_township=8,
        industry_groups_per_county=4,
        group_size=10,
        village_station_share=0.95,
        activities=1_000_000,
        attendance_per_activity=(1, 5),
        suggestions=200_000,
    ),
}


class SeedDrift(Exception):
    """A model gained a required column the seeder does not fill: update the app's demo_scale.py."""


@dataclass
class TableSpec:
    model: type[models.Model]
    columns: list[str]  # attnames of the columns each row carries, in order
    keep: list[int] | None  # positions to keep when optional columns are missing from the model
    extra_names: list[str]  # columns filled with their defaults
    extra_values: tuple
    json_positions: list[int]
    written: int = 0
    started: float = field(default_factory=time.perf_counter)
    reported: float = 0.0

    @property
    def table(self) -> str:
        return self.model._meta.db_table


class BulkLoader:
    """Writes generated rows fast: COPY on PostgreSQL, bulk_create elsewhere.

    ``spec(Model, ["id", "name", "region_id", "remind_at?"])`` declares what each row carries; a
    trailing ``?`` marks a column that another branch may not have added yet (dropped when absent).
    Every other concrete column gets its default; a NOT NULL column with no default raises
    :class:`SeedDrift`, which is how the county-scale test notices a model change.
    """

    BIG_TABLES_MIN_ROWS = 50_000

    def __init__(self, *, out, postgres: bool, drop_indexes: bool = True, expected_rows: dict | None = None):
        self.out = out
        self.postgres = postgres
        self.drop_indexes = drop_indexes
        self.now = timezone.now()
        self._next_id: dict[str, int] = {}
        self._dropped: list[tuple[str, str]] = []  # (table, statement that restores it)
        self._touched: set[str] = set()
        self._indexes_dropped_for: set[str] = set()
        self.expected_rows = expected_rows or {}
        self.totals: dict[str, int] = {}

    # --- setup ------------------------------------------------------------------------------------

    def begin(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
                self.say("  外键检查在装载期间关闭（装载完成后由冒烟测试核对引用完整性）")
            except Exception:  # noqa: BLE001 - not a superuser: load with the checks on, only slower
                self.say("  当前数据库用户不能关闭外键检查，按常规速度装载")

    def spec(self, model: type[models.Model], columns: list[str]) -> TableSpec:
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        wanted = [c.rstrip("?") for c in columns]
        keep = [i for i, c in enumerate(columns) if not c.endswith("?") or c.rstrip("?") in concrete]
        for c in columns:
            if not c.endswith("?") and c not in concrete:
                raise SeedDrift(f"{model._meta.label} has no column {c}")
        kept = [wanted[i] for i in keep]
        extra_names, extra_values = [], []
        for attname, f in concrete.items():
            if attname in kept:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            elif f.has_default() or f.null:
                value = f.get_default()
            elif f.empty_strings_allowed and not f.null:
                value = ""
            else:
                raise SeedDrift(
                    f"{model._meta.label}.{attname} is required and has no default: add it to {model._meta.app_label}/demo_scale.py"
                )
            extra_names.append(attname)
            extra_values.append(value)
        names = kept + extra_names
        json_positions = [i for i, n in enumerate(names) if isinstance(concrete[n], models.JSONField)]
        return TableSpec(
            model=model,
            columns=kept,
            keep=None if len(keep) == len(columns) else keep,
            extra_names=extra_names,
            extra_values=tuple(extra_values),
            json_positions=json_positions,
        )

    def ids(self, model: type[models.Model], count: int) -> range:
        """Reserve ``count`` primary keys after the table's current maximum."""
        table = model._meta.db_table
        if table not in self._next_id:
            top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next_id[table] = top + 1
        start = self._next_id[table]
        self._next_id[table] = start + count
        return range(start, start + count)

    # --- writing -----------------------------------------------------------------------------------

    def write(self, spec: TableSpec, rows: Iterable[tuple]) -> int:
        """Write one chunk of rows (an iterable of tuples in ``spec.columns`` order)."""
        if spec.keep is not None:
            keep = spec.keep
            rows = (tuple(row[i] for i in keep) for row in rows)
        extra = spec.extra_values
        if extra:
            rows = (row + extra for row in rows)
        if self.postgres:
            count = self._copy(spec, rows)
        else:
            count = self._bulk_create(spec, rows)
        spec.written += count
        self.totals[spec.table] = self.totals.get(spec.table, 0) + count
        self._progress(spec)
        return count

    def _copy(self, spec: TableSpec, rows: Iterable[tuple]) -> int:
        table = spec.table
        if self.drop_indexes and table not in self._indexes_dropped_for:
            self._indexes_dropped_for.add(table)
            if self.expected_rows.get(table, 0) >= self.BIG_TABLES_MIN_ROWS:
                self._drop_secondary_indexes(table)
        self._touched.add(table)
        names = spec.columns + spec.extra_names
        json_positions = spec.json_positions
        count = 0
        raw = connection.cursor().connection  # the psycopg 3 connection under Django's wrapper
        with raw.cursor() as cursor:
            columns = ", ".join(f'"{n}"' for n in names)
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                write_row = copy.write_row
                if json_positions:
                    for row in rows:
                        row = list(row)
                        for i in json_positions:
                            row[i] = json.dumps(row[i], ensure_ascii=False)
                        write_row(row)
                        count += 1
                else:
                    for row in rows:
                        write_row(row)
                        count += 1
        return count

    def _bulk_create(self, spec: TableSpec, rows: Iterable[tuple]) -> int:
        model = spec.model
        names = spec.columns + spec.extra_names
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        # bulk_create skips save(): auto_now fields keep the values given here.
        model._default_manager.bulk_create(objects, batch_size=500)
        return len(objects)

    def _progress(self, spec: TableSpec, final: bool = False) -> None:
        moment = time.perf_counter()
        if not final and moment - spec.reported < 5.0:
            return
        spec.reported = moment
        elapsed = max(moment - spec.started, 1e-6)
        expected = self.expected_rows.get(spec.table)
        of = f" / {expected:,}" if expected else ""
        self.say(f"  {spec.table}: {spec.written:,}{of} 行，{spec.written / elapsed:,.0f} 行/秒")

    def done(self, spec: TableSpec) -> None:
        self._progress(spec, final=True)

    # --- indexes and sequences --------------------------------------------------------------------------

    def _drop_secondary_indexes(self, table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
                FROM pg_index i
                LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'u'
                WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
                """,
                [table],
            )
            for index_name, index_def, constraint_name, constraint_def in cursor.fetchall():
                if constraint_name:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint_name}"')
                    self._dropped.append((table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint_name}" {constraint_def}'))
                else:
                    cursor.execute(f"DROP INDEX {index_name}")
                    self._dropped.append((table, index_def))

    def finish(self) -> None:
        """Rebuild what was dropped, move the sequences past the seeded ids, refresh the statistics."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            if self._dropped:
                started = time.perf_counter()
                self.say(f"  重建索引和唯一约束 {len(self._dropped)} 个…")
                for _table, statement in self._dropped:
                    cursor.execute(statement)
                self.say(f"  索引重建完成，用时 {time.perf_counter() - started:.0f} 秒")
            for table in sorted(self._touched | set(self._next_id)):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))"  # noqa: S608 - our table names
                )
        self._dropped.clear()

    def analyze(self) -> None:
        """ANALYZE outside the load transaction, so the planner knows the new sizes at once."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in sorted(self._touched):
                cursor.execute(f'ANALYZE "{table}"')

    def say(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()


# --- the accounts part: logins ---------------------------------------------------------------------

# Where each demo login sits (township codes are the ones regions/demo_scale.py names like the demo).
DEMO_LOGIN_REGIONS = {
    "provincial": ("420000", Role.PROVINCIAL_OFFICE, "省人大代表工作处"),
    "xuanen": ("422825", Role.CONGRESS_OFFICE, "宣恩县人大常委会"),
    "honghu": ("421083", Role.CONGRESS_OFFICE, "洪湖市人大常委会"),
    "xuanen-township": ("422825100", Role.TOWNSHIP_STAFF, "珠山镇人大"),
    "honghu-township": ("421083101", Role.TOWNSHIP_STAFF, "峰口镇人大"),
    "deputy": ("422825100", Role.DEPUTY, "向明华"),
    "transport-xuanen": ("422825", Role.DEPARTMENT_HANDLER, "宣恩县交通运输局"),
    "cosigner": ("422825100", Role.DEPUTY, "附议代表"),
}


def seed(ctx) -> None:
    """The demo logins (where their region was seeded) and one staff login per township and office."""
    from regions.models import Region

    password = make_password(ctx.password)  # one hash for all: hashing 1,000 times would take minutes
    wanted = {code for code, _role, _name in DEMO_LOGIN_REGIONS.values()}
    regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    users: dict[str, User] = {}
    for username, _label in DEMO_USERS:
        code, role, full_name = DEMO_LOGIN_REGIONS[username]
        if code not in regions:
            continue
        user, _ = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "role": role, "region": regions[code], "password": password}
        )
        users[username] = user
    ctx.data["users"] = users

    spec = ctx.loader.spec(User, ["id", "username", "password", "full_name", "role", "region_id", "is_active", "date_joined"])
    townships = ctx.data["township_rows"]
    offices = ctx.data["office_regions"]  # (id, code, name) of the province, cities and counties seeded
    rows = []
    staff_by_township: list[int] = []
    ids = iter(ctx.loader.ids(User, len(townships) + len(offices)))
    for t_id, t_code, t_name, _county_index in townships:
        username = f"staff-{t_code}"
        user_id = next(ids)
        rows.append((user_id, username, password, f"{t_name}人大", Role.TOWNSHIP_STAFF, t_id, True, ctx.loader.now))
        staff_by_township.append(user_id)
    for r_id, r_code, r_name in offices:
        username = f"office-{r_code}"
        role = Role.PROVINCIAL_OFFICE if r_code.endswith("0000") else Role.CONGRESS_OFFICE
        rows.append((next(ids), username, password, f"{r_name}人大常委会", role, r_id, True, ctx.loader.now))
    ctx.loader.write(spec, rows)
    ctx.loader.done(spec)
    ctx.data["staff_by_township"] = staff_by_township
    ctx.say(f"  登录账号 {len(users) + len(rows):,} 个（演示账号 {len(users)} 个，乡镇与人大机关账号 {len(rows):,} 个）")


def run(ctx, *, use_copy: bool | None = None) -> None:
    """Seed one scale: every app's ``demo_scale.seed(ctx)``, in dependency order, in one transaction.

    ``use_copy`` defaults to COPY on PostgreSQL; False forces the bulk_create path (tests use it).
    """
    from django.core.management import CommandError

    from regions.models import Region, RegionLevel

    if Region.objects.filter(level=RegionLevel.TOWNSHIP).exists():
        # The scale seeder writes generated townships with fixed codes: it needs a database without any.
        raise CommandError("数据库中已有乡镇数据：--scale county/province 需要空数据库（可先 flush，或加 --if-empty 跳过）。")
    plan = PLANS[ctx.scale]
    ctx.data["plan"] = plan
    # One generator per app, so adding rows to one app does not change another app's data.
    ctx.rng_for = lambda app: random.Random(f"{ctx.seed}:{app}")
    postgres = connection.vendor == "postgresql" if use_copy is None else use_copy
    ctx.loader = BulkLoader(out=ctx.out, postgres=postgres, expected_rows=expected_rows(plan))
    seeders = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo_scale")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_scale":
                raise
            continue
        seeders.append((config.name, module))
    started = time.perf_counter()
    ctx.say(f"规模：{plan.name}（{'PostgreSQL COPY' if postgres else 'bulk_create'}），随机种子 {ctx.seed}")
    with transaction.atomic():
        ctx.loader.begin()
        for name, module in seeders:
            step = time.perf_counter()
            ctx.say(f"· {name}")
            module.seed(ctx)
            ctx.say(f"  （{time.perf_counter() - step:.1f} 秒）")
        ctx.loader.finish()
    ctx.loader.analyze()
    total = sum(ctx.loader.totals.values())
    elapsed = time.perf_counter() - started
    ctx.say(f"完成：共写入 {total:,} 行，用时 {elapsed:.0f} 秒（{total / max(elapsed, 1e-6):,.0f} 行/秒）")
    ctx.data["elapsed_s"] = elapsed


def expected_rows(plan: ScalePlan) -> dict[str, int]:
    """Rough row counts per table, for the progress lines and to pick the tables whose indexes are dropped."""
    seats = sum(plan.seats.values())
    mean_attendance = sum(plan.attendance_per_activity) / 2
    return {
        "deputies_deputy": int(seats * 0.93),
        "deputies_mandate": seats,
        "activities_activity": plan.activities,
        "activities_attendance": int(plan.activities * mean_attendance),
        "activities_activity_campaigns": plan.activities,
        "activities_issueraised": plan.activities // 10,
        "suggestions_suggestion": plan.suggestions,
        "suggestions_suggestionevent": plan.suggestions * 5,
        "suggestions_assignment": int(plan.suggestions * 1.1),
        "suggestions_cosignature": plan.suggestions,
        "suggestions_answer": int(plan.suggestions * 0.8),
        "suggestions_rating": int(plan.suggestions * 0.75),
        "liaison_stations_stationstandard": 6 * 25_000 if plan.name == "province" else 0,
        "liaison_stations_stationassignment": seats,
        "deputies_membership": 100_000 if plan.name == "province" else 0,
    }
