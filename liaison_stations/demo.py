"""Demo stations: a deputy home per township, village stations and an enterprise point, with the
province's standards checklist, deputies assigned and a reception schedule for the coming weeks."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationKind, StationStandard
from regions.models import Region

PROVINCE_STANDARDS = [
    ("有场所", "有固定的活动场所"),
    ("有标识", "门口有统一标识牌"),
    ("有制度", "接待、学习、活动制度上墙"),
    ("有计划", "年度活动计划"),
    ("有台账", "活动记录和民意台账"),
    ("有经费", "活动经费列入预算"),
]


def seed(ctx) -> None:
    townships: dict[str, Region] = ctx.data["townships"]
    by_township = ctx.data["deputies_by_township"]
    province = ctx.data["province"]
    items = []
    for position, (name, description) in enumerate(PROVINCE_STANDARDS, start=1):
        item, _ = StandardItem.objects.get_or_create(
            name=name, region=province, defaults={"description": description, "position": position}
        )
        items.append(item)
    county_item, _ = StandardItem.objects.get_or_create(
        name="有活动", region=ctx.data["xuanen"], defaults={"description": "每季度至少一次进站活动", "position": 10}
    )

    stations: list[LiaisonStation] = []
    today = timezone.localdate()  # the congress's day (Asia/Shanghai), not the server's
    for code, township in sorted(townships.items()):
        villages = list(Region.objects.filter(parent=township).order_by("code")[:2])
        specs = [(f"{township.name}人大代表之家", StationKind.HOME, township, f"{township.name}人民政府院内")]
        specs += [(f"{v.name}代表联络站", StationKind.STATION, v, f"{v.name}党群服务中心") for v in villages]
        if code == "422825100":
            specs.append(("伍家台茶业代表联络点", StationKind.POINT, township, "伍家台茶业有限公司"))
        members = by_township.get(code, [])
        for index, (name, kind, region, host) in enumerate(specs):
            station, _ = LiaisonStation.objects.get_or_create(
                name=name,
                region=region,
                defaults={
                    "kind": kind,
                    "address": f"{region.path_names().replace(' / ', '')}",
                    "host_organisation": host,
                    "contact_name": f"{township.name}人大",
                    "contact_phone": f"0718-{ctx.rng.randint(1000000, 9999999)}",
                    "opening_hours": "每月15日 9:00-12:00",
                },
            )
            applicable = items + ([county_item] if region.code.startswith("422825") else [])
            for item in applicable:
                StationStandard.objects.get_or_create(station=station, item=item, defaults={"met": ctx.rng.random() < 0.75})
            # The home takes everyone but the last deputy (so coverage shows someone unplaced);
            # each village station takes a few; the last village station of 曹市镇 stays empty.
            if kind == StationKind.HOME:
                chosen = members[:-1]
            elif code == "421083102" and index == len(specs) - 1:
                chosen = []
            else:
                chosen = members[index::3][:3]
            for deputy in chosen:
                StationAssignment.objects.get_or_create(station=station, deputy=deputy, defaults={"start_date": date(2022, 3, 1)})
            if chosen:
                for week in range(0, 8, 2):
                    day, created = ReceptionDay.objects.get_or_create(
                        station=station,
                        date=today + timedelta(days=7 * week + index + 1),
                        defaults={"start_time": time(9, 0), "end_time": time(12, 0), "topic": "察民情、聚民智、惠民生"},
                    )
                    if created:
                        day.deputies.set(ctx.rng.sample(chosen, min(2, len(chosen))))
            stations.append(station)
    for group in ctx.data.get("groups", []):
        if group.home_station_id is None:
            home = next((s for s in stations if s.kind == StationKind.HOME and s.region_id == group.region_id), None)
            if home:
                group.home_station = home
                group.save(update_fields=["home_station"])
    ctx.data["stations"] = stations
    ctx.data["standard_items"] = items + [county_item]
    ctx.say(f"  联络站 {len(stations)} 个，进站 {StationAssignment.objects.count()} 人次，接待日 {ReceptionDay.objects.count()} 个")
