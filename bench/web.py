"""Steps against the web server: dashboards, list endpoints (read-only), the visit form."""

from __future__ import annotations

import os
import statistics
import threading
import time
from datetime import timedelta

from bench.harness import DASHBOARDS, LISTS, Pending, login, p95, refused, say, token_for

# --- measurements ----------------------------------------------------------------------------------------


def measure_dashboards(base: str, cfg: dict) -> dict:
    """Full dashboard pages (cold: the cache emptied before each request) ÷ the raw SQL aggregates
    that compute the same figures from the raw rows.

    Province, city and county pages are served from the rollup (dashboards/rollup.py), which is
    refreshed first and timed. The reference is the aggregate SQL of the same dashboard computed
    from the raw rows (``compute_dashboard``, what the page would have to run without the rollup),
    timed in the same run once per page; the page's own SQL and its overhead over it are reported
    beside it.
    """
    import redis
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User

    try:
        reverse("dashboards:region", kwargs={"code": "420000"})
    except NoReverseMatch as exc:
        raise Pending("dashboards:region is not on this branch yet") from exc
    from django.http import QueryDict

    from dashboards import rollup
    from dashboards.figures import compute_dashboard
    from dashboards.forms import dashboard_filters
    from regions.models import Region

    provincial = User.objects.get(username="provincial")
    cache_url = os.environ.get("CACHE_URL")
    flush = (lambda: redis.Redis.from_url(cache_url).flushdb()) if cache_url else (lambda: None)
    started = time.perf_counter()
    refreshed = rollup.refresh()
    refresh_s = round(time.perf_counter() - started, 1)
    say(f"  看板汇总刷新：{refresh_s} 秒（{len(refreshed['campaigns'])} 个代表行动）")
    session = login(base, "provincial")
    pages, cold_all, warm_all = {}, [], []
    timeout_ms = cfg["reference_timeout_s"] * 1000
    for label, code in DASHBOARDS:
        url = f"/dashboard/{code}/"
        filters, _form = dashboard_filters(QueryDict(""), user=provincial, region=Region.objects.get(code=code))
        # The page's own SQL (served from the rollup) and its query count.
        with CaptureQueriesContext(connection) as own:
            served = rollup.dashboard(filters)
        if served is None:
            raise RuntimeError(f"{url} is not served from the rollup after a refresh")
        own_ms = sum(float(q["time"]) for q in own.captured_queries) * 1000
        # The reference: the same figures from the raw rows (every aggregate it runs, timed by the database cursor).
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout_ms)}")
        try:
            with CaptureQueriesContext(connection) as raw:
                live = compute_dashboard(filters)
            raw_ms = sum(float(q["time"]) for q in raw.captured_queries if _is_aggregate(q["sql"])) * 1000
        except Exception as exc:  # noqa: BLE001 - a reference past its timeout is reported as such
            live, raw_ms = None, None
            say(f"  {url}: 原始数据聚合超过 {cfg['reference_timeout_s']} 秒：{type(exc).__name__}")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        same = live is not None and {k: v for k, v in live.items() if k != "as_of"} == {
            k: v for k, v in served.items() if k != "as_of"
        }
        cold, warm = [], []
        session.get(base + url, timeout=120)  # warm the worker's imports and connection
        for _ in range(cfg["samples"]):
            flush()
            t0 = time.perf_counter()
            response = session.get(base + url, timeout=120)
            cold.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200 or "数据汇总于" not in response.text:
                raise RuntimeError(f"{url} answered {response.status_code} through gunicorn, or not from the rollup")
            t0 = time.perf_counter()
            session.get(base + url, timeout=120)
            warm.append((time.perf_counter() - t0) * 1000)
        pages[label] = {
            "url": url,
            "cold_median_ms": round(statistics.median(cold), 1),
            "warm_median_ms": round(statistics.median(warm), 1),
            "raw_sql_ms": round(raw_ms, 1) if raw_ms is not None else None,
            "raw_sql_queries": len(raw.captured_queries) if live is not None else None,
            "rollup_sql_ms": round(own_ms, 1),
            "rollup_queries": len(own.captured_queries),
            "rollup_equals_raw": same,
        }
        cold_all += cold
        warm_all += warm
        say(f"  {url}: 页面 {pages[label]['cold_median_ms']} ms（缓存命中 {pages[label]['warm_median_ms']} ms），"
            f"原始数据聚合 {pages[label]['raw_sql_ms']} ms，汇总表查询 {pages[label]['rollup_sql_ms']} ms，与原始数据一致：{same}")
    measured = [p for p in pages.values() if p["raw_sql_ms"]]
    ratio = None
    if measured:
        ratio = round(statistics.median([p["cold_median_ms"] for p in measured]) / statistics.median([p["raw_sql_ms"] for p in measured]), 3)
    return {
        "dashboard_ratio": ratio,
        "dashboard_p95_ms": round(p95(cold_all), 1),
        "dashboard_warm_p95_ms": round(p95(warm_all), 1) if warm_all else None,
        "dashboard_rollup_refresh_s": refresh_s,
        "dashboards": pages,
    }


def _is_aggregate(sql: str) -> bool:
    head = sql.lstrip().upper()
    if not head.startswith("SELECT"):
        return False
    # Session and login lookups are the request's, not the dashboard's.
    return '"DJANGO_SESSION"' not in head and 'FROM "ACCOUNTS_USER"' not in head.split("WHERE")[0]


def _dsn() -> str:
    from django.db import connection

    s = connection.settings_dict
    parts = [f"dbname={s['NAME']}", f"host={s.get('HOST') or '127.0.0.1'}", f"port={s.get('PORT') or 5432}"]
    if s.get("USER"):
        parts.append(f"user={s['USER']}")
    if s.get("PASSWORD"):
        parts.append(f"password={s['PASSWORD']}")
    return " ".join(parts)


def measure_lists(base: str, cfg: dict) -> dict:
    """Requests/second of each list endpoint ÷ the no-database ping, interleaved on one server."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User
    from bench.load import run_load

    result = {"endpoints": {}}
    ratios = []
    for username in ("provincial", "xuanen"):
        token = token_for(username)
        headers = {"Authorization": f"Token {token}"}
        api = APIClient()
        api.force_authenticate(User.objects.get(username=username))
        # Not a list: the cheapest authenticated endpoint (token check, throttle, the user's own row),
        # measured the same way. It is the floor under any list: what a request costs before its rows.
        ping = run_load(f"{base}/api/v1/ping/", seconds=cfg["load_seconds"], connections=cfg["connections"])
        me = run_load(f"{base}/api/v1/auth/me/", seconds=cfg["load_seconds"], connections=cfg["connections"], headers=headers)
        result.setdefault("authenticated_floor", {})[username] = {
            "path": "/api/v1/auth/me/", "rps": round(me.rps, 1), "ping_rps": round(ping.rps, 1),
            "ratio": round(me.rps / max(ping.rps, 0.001), 3), "errors": me.errors,
        }
        say(f"  auth/me@{username}: {me.rps:.0f} 请求/秒，ping {ping.rps:.0f} 请求/秒，比值 {me.rps / max(ping.rps, 0.001):.2f}")
        for name, path in LISTS:
            counts = {}
            # Its queries must not depend on the page size.
            if api.get(path, {"page_size": 2}).status_code == 404:
                result.setdefault("pending", []).append(path)
                continue
            for size in (50, 200):
                with CaptureQueriesContext(connection) as captured:
                    response = api.get(path, {"page_size": size})
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code} in-process; its queries cannot be counted")
                counts[size] = len(captured.captured_queries)
            ping = run_load(f"{base}/api/v1/ping/", seconds=cfg["load_seconds"], connections=cfg["connections"])
            load = run_load(f"{base}{path}?page_size=50", seconds=cfg["load_seconds"], connections=cfg["connections"], headers=headers)
            ratio = load.rps / max(ping.rps, 0.001)
            key = f"{name}@{username}"
            result["endpoints"][key] = {
                "rps": round(load.rps, 1), "ping_rps": round(ping.rps, 1), "ratio": round(ratio, 3), "errors": load.errors,
                "queries_page_size_50": counts[50], "queries_page_size_200": counts[200],
                "same_query_count": counts[50] == counts[200], "tool": load.tool,
            }
            if username == "provincial":
                ratios.append(ratio)
            say(f"  {key}: {load.rps:.0f} 请求/秒，ping {ping.rps:.0f} 请求/秒，比值 {ratio:.2f}，查询 {counts[50]}/{counts[200]}")
    if not ratios:
        raise Pending("no list endpoint on this branch yet")
    # The figure is the worst list; a list not landed yet is named in the details.
    result["list_rps_ratio"] = round(min(ratios), 3)
    result["me_rps_ratio_computed"] = min(e["ratio"] for e in result["authenticated_floor"].values())
    if result.get("pending"):
        result["list_pending"] = sorted(set(result.pop("pending")))
    result["list_queries_independent_of_page_size"] = all(e["same_query_count"] for e in result["endpoints"].values())
    return result


def free_days(region_id: int, deputies: list[int], today, count: int) -> list:
    """``count`` days, from today back, on which the place has no visit with exactly these deputies.

    A clerk does not log the same visit twice: the form holds back the same place, date, type and
    deputies as a double tap (until 仍然保存 is ticked). The bench's saves are new visits, so they
    skip any day already taken, whether by the data or by an earlier run that died before cleaning up.
    """
    from collections import defaultdict

    from activities.models import ActivityType, Attendance

    earliest = today - timedelta(days=count + 400)
    sets = defaultdict(set)
    for activity, day, deputy in Attendance.objects.filter(
        activity__region_id=region_id, activity__type=ActivityType.VISIT, activity__date__gte=earliest
    ).values_list("activity_id", "activity__date", "deputy_id"):
        sets[(activity, day)].add(deputy)
    taken = {day for (_, day), chosen in sets.items() if chosen == set(deputies)}
    days = (today - timedelta(days=n) for n in range(count + 400))
    return [day for day in days if day not in taken][:count]


def measure_visit_posts(base: str, cfg: dict) -> dict:
    """p95 of saving the visit form (activities:visit) with concurrent township clerks."""
    from concurrent.futures import ThreadPoolExecutor

    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from accounts.models import Role, User
    from activities.models import Activity, Campaign
    from deputies.models import Deputy

    try:
        url = reverse("activities:visit")
    except NoReverseMatch as exc:
        raise Pending("activities:visit is not on this branch yet") from exc
    clerks = list(User.objects.filter(role=Role.TOWNSHIP_STAFF, username__startswith="staff-").order_by("id")[: cfg["visit_clients"]])
    today = timezone.localdate()
    campaign = Campaign.objects.filter(year=today.year).order_by("id").first()
    plans = []
    for clerk in clerks:
        deputies = list(Deputy.objects.filter(region=clerk.region).order_by("id").values_list("id", flat=True)[:3])
        plans.append((clerk, deputies, free_days(clerk.region_id, deputies, today, cfg["visit_posts"])))
    started_at = timezone.now()
    # Every clerk is logged in and has the form open before the first save is timed: sixteen
    # password checks (PBKDF2, deliberately slow) queued on two workers are not part of saving.
    ready = threading.Barrier(len(plans))

    def client(plan):
        clerk, deputies, days = plan
        session = login(base, clerk.username)
        form = session.get(base + url, timeout=60)
        if form.status_code != 200:
            raise RuntimeError(f"{url} answered {form.status_code}")
        ready.wait(timeout=300)
        timings = []
        for n in range(cfg["visit_posts"]):
            data = {
                "csrfmiddlewaretoken": session.cookies.get("csrftoken"), "type": "visit",
                # A different free day per save: the same place, day and deputies is held back as a double tap.
                "date": days[n].isoformat(),
                "start_time": "09:30", "region": clerk.region_id, "deputies": deputies, "households_visited": 5 + n,
                "enterprises_visited": 0, "people_reached": 12, "person_times": 0, "summary": "入户走访，听取意见。",
                "issues-TOTAL_FORMS": 1, "issues-INITIAL_FORMS": 0, "issues-MIN_NUM_FORMS": 0, "issues-MAX_NUM_FORMS": 50,
                "issues-0-text": "村组道路破损，雨天出行困难", "issues-0-deputies": deputies[:1],
            }
            if campaign:
                data["campaigns"] = [campaign.id]
            started = time.perf_counter()
            response = session.post(base + url, data=data, headers={"Referer": base + url}, timeout=60, allow_redirects=False)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 302:
                raise RuntimeError(f"visit form refused the save: {refused(response)}")
            # A browser follows the redirect, and the page it lands on shows (and so clears) the
            # "saved" message. The bench does not load that page; it drops the message cookie the page
            # would have emptied, or the next save would carry every earlier message back and forth.
            session.cookies.pop("messages", None)
        return timings

    try:
        with ThreadPoolExecutor(len(plans)) as pool:
            timings = [t for chunk in pool.map(client, plans) for t in chunk]
    finally:
        # The benchmark's own visits do not stay in the data, even when a save was refused.
        Activity.objects.filter(created_by__in=clerks, created_at__gte=started_at).delete()
    say(f"  走访登记：{len(timings)} 次保存，{len(plans)} 个并发，p95 {p95(timings):.0f} ms")
    return {"visit_post_p95_ms": round(p95(timings), 1), "visit_post_median_ms": round(statistics.median(timings), 1),
            "visit_posts": len(timings), "visit_clients": len(plans)}
