"""Large-scale stations: a deputy home per township, a station in most villages, the province's
checklist for each, every deputy assigned to a station of their township, upcoming reception days."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db.models import OuterRef, Subquery

from deputies.models import DeputyGroup
from liaison_stations.demo import PROVINCE_STANDARDS
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationKind, StationStandard

HOME_SHARE = 0.4  # deputies placed in the township's deputy home rather than a village station


def seed(ctx) -> None:
    plan = ctx.data["plan"]
    loader = ctx.loader
    rng = ctx.rng_for("liaison_stations")
    townships = ctx.data["township_rows"]
    villages = ctx.data["villages_by_township"]
    by_township = ctx.data["deputies_by_township"]
    items = [
        StandardItem.objects.get_or_create(
            name=name, region_id=ctx.data["province_id"], defaults={"description": description, "position": position}
        )[0].id
        for position, (name, description) in enumerate(PROVINCE_STANDARDS, start=1)
    ]

    station_spec = loader.spec(
        LiaisonStation,
        ["id", "name", "kind", "region_id", "address", "host_organisation", "contact_name", "contact_phone", "opening_hours", "active"],
    )
    standard_spec = loader.spec(StationStandard, ["id", "station_id", "item_id", "met", "note", "updated_at"])
    assign_spec = loader.spec(StationAssignment, ["id", "station_id", "deputy_id", "start_date"])
    planned_villages = [[v for v in vs if rng.random() < plan.village_station_share] for vs in villages]
    station_count = len(townships) + sum(map(len, planned_villages))
    station_ids = iter(loader.ids(LiaisonStation, station_count))
    standard_ids = iter(loader.ids(StationStandard, station_count * len(items)))
    assign_ids = iter(loader.ids(StationAssignment, sum(map(len, by_township))))
    stations, standards, assignments = [], [], []
    stations_by_township: list[list[tuple[int, int]]] = []
    home_by_township: list[int] = []
    joined = date(2022, 3, 1)
    now = loader.now

    def flush(force=False):
        if force or len(standards) >= plan.chunk:
            loader.write(station_spec, stations)
            loader.write(standard_spec, standards)
            loader.write(assign_spec, assignments)
            stations.clear()
            standards.clear()
            assignments.clear()

    for township_index, (t_id, _code, t_name, _county) in enumerate(townships):
        phone = f"07{rng.randint(10, 19)}-{rng.randint(1_000_000, 9_999_999)}"
        home = next(station_ids)
        specs = [(home, f"{t_name}人大代表之家", StationKind.HOME, t_id, f"{t_name}人民政府院内")]
        for village_id in planned_villages[township_index]:
            specs.append((next(station_ids), f"{t_name}第{len(specs)}代表联络站", StationKind.STATION, village_id, "村(社区)党群服务中心"))
        for station_id, name, kind, region_id, host in specs:
            stations.append((station_id, name, kind, region_id, f"{t_name}{host}", host, f"{t_name}人大", phone, "每月15日 9:00-12:00", True))
            for item_id in items:
                standards.append((next(standard_ids), station_id, item_id, rng.random() < 0.75, "", now))
        here = [(s[0], s[3]) for s in specs]
        stations_by_township.append(here)
        home_by_township.append(home)
        for deputy_id in by_township[township_index]:
            station_id = home if len(here) == 1 or rng.random() < HOME_SHARE else here[rng.randrange(1, len(here))][0]
            assignments.append((next(assign_ids), station_id, deputy_id, joined))
        flush()
    flush(force=True)
    for spec in (station_spec, standard_spec, assign_spec):
        loader.done(spec)

    # Upcoming reception days at each deputy home, two deputies on duty.
    day_spec = loader.spec(ReceptionDay, ["id", "station_id", "date", "start_time", "end_time", "topic"])
    duty_spec = loader.spec(ReceptionDay.deputies.through, ["id", "receptionday_id", "deputy_id"])
    day_ids = iter(loader.ids(ReceptionDay, 2 * len(townships)))
    duty_ids = iter(loader.ids(ReceptionDay.deputies.through, 4 * len(townships)))
    days, duties = [], []
    for township_index, home in enumerate(home_by_township):
        pool = by_township[township_index]
        for week in (1, 3):
            day_id = next(day_ids)
            days.append((day_id, home, loader.now.date() + timedelta(days=7 * week), time(9, 0), time(12, 0), "察民情、聚民智、惠民生"))
            for deputy_id in rng.sample(list(pool), min(2, len(pool))):
                duties.append((next(duty_ids), day_id, deputy_id))
    loader.write(day_spec, days)
    loader.write(duty_spec, duties)

    # Each township's groups meet in its deputy home.
    DeputyGroup.objects.filter(home_station__isnull=True).update(
        home_station=Subquery(
            LiaisonStation.objects.filter(region=OuterRef("region"), kind=StationKind.HOME).order_by("id").values("id")[:1]
        )
    )
    ctx.data["stations_by_township"] = stations_by_township
    ctx.say(f"  联络站 {station_spec.written:,} 个，达标记录 {standard_spec.written:,} 条，进站 {assign_spec.written:,} 人次")
