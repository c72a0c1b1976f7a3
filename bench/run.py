"""``python -m bench``: province-scale (or county-scale smoke) benchmarks, each beside its reference.

Every figure is a ratio of two things measured in the same run on the same machine (page ÷ the
raw-row SQL of its figures, list endpoint ÷ a no-database endpoint on the same server, routing ÷ no-op tasks on the same
worker and broker, COPY ÷ bulk_create on the same rows), so a busy machine moves both sides.
Absolute figures (p95 of the visit form, seconds of a 100,000-row import) are reported with the
machine's load beside them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
PASSWORD = "bench-demo-pass"  # the seeded logins' password in the benchmark database

# How hard each scale pushes. County is the CI smoke run: every step runs, briefly.
SETTINGS = {
    "province": {"samples": 15, "load_seconds": 10, "connections": 8, "visit_clients": 16, "visit_posts": 25,
                 "routing_tasks": 1000, "noop_tasks": 2000, "import_rows": 100_000, "copy_rows": 50_000, "reference_timeout_s": 600,
                 "similar_lookups": 200},
    "county": {"samples": 3, "load_seconds": 2, "connections": 4, "visit_clients": 4, "visit_posts": 2,
               "routing_tasks": 20, "noop_tasks": 100, "import_rows": 2_000, "copy_rows": 2_000, "reference_timeout_s": 600,
               "similar_lookups": 20},
}
DASHBOARDS = [("province", "420000"), ("city", "422800"), ("county", "422825")]
LISTS = [("deputies", "/api/v1/deputies/"), ("activities", "/api/v1/activities/"), ("suggestions", "/api/v1/suggestions/")]
TARGETS = {
    "dashboard_ratio": ("<=", 2.0),
    "dashboard_p95_ms": ("<=", 300),
    "list_rps_ratio": (">=", 0.25),
    "visit_post_p95_ms": ("<=", 200),
    "routing_ratio": (">=", 0.5),
    "import_100k_s": ("<=", 60),
    "similar_p95_ms": ("<=", 200),
    "clustering_s": ("<=", 600),
}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def say(message: str) -> None:
    print(message, flush=True)


class Pending(Exception):
    """A step whose feature has not landed yet (the URL or task does not exist)."""


# --- setup --------------------------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the benchmark database when it does not exist yet (CI starts from an empty server)."""
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    s = dj_database_url.parse(url)
    dsn = {"dbname": "postgres", "host": s.get("HOST") or "127.0.0.1", "port": s.get("PORT") or 5432}
    if s.get("USER"):
        dsn["user"] = s["USER"]
    if s.get("PASSWORD"):
        dsn["password"] = s["PASSWORD"]
    with psycopg.connect(**dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [s["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{s["NAME"]}"')
            say(f"已创建数据库 {s['NAME']}")


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The bench's own requests (query counts, lookups) share the throttle's history in Redis with the
    # load it sends to the server: give them the server's rate, or they are answered 429.
    os.environ.setdefault("API_THROTTLE_USER", server_env()["API_THROTTLE_USER"])
    import django

    django.setup()


def ensure_seeded(scale: str) -> dict:
    """Migrate, and seed at the scale when the database has no deputies yet."""
    from django.core.management import call_command

    from deputies.models import Deputy

    call_command("migrate", verbosity=0)
    if Deputy.objects.exists():
        say("数据库已有数据，跳过装载。")
        return {"seeded_now": False}
    say(f"装载 {scale} 规模数据…")
    started = time.perf_counter()
    with _debug_on():
        call_command("seed_demo", "--scale", scale, "--password", PASSWORD, stdout=sys.stdout)
    return {"seeded_now": True, "seed_seconds": round(time.perf_counter() - started, 1)}


@contextmanager
def _debug_on():
    from django.conf import settings

    previous = settings.DEBUG
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    try:
        yield
    finally:
        settings.DEBUG = previous


def machine() -> dict:
    from django.db import connection

    info = {"python": platform.python_version(), "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        info["postgresql"] = cursor.fetchone()[0]
    info["load_average_start"] = list(os.getloadavg())
    return info


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # The user throttle (3,000/minute) would cap a load test; its cache round trip still happens.
        "API_THROTTLE_USER": "10000000/minute",
        "AXES_ENABLED": "0",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "LOG_LEVEL": "WARNING",
    })
    env.update(extra or {})
    return env


@contextmanager
def gunicorn(workers: int = 3, extra: dict | None = None):
    env = server_env(extra)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = open(ROOT / "var" / "bench-gunicorn.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "120", "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        for _ in range(300):
            try:
                if requests.get(f"{base}/api/v1/ping/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start; see var/bench-gunicorn.log")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def login(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        headers={"Referer": page.url},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed ({response.status_code})")
    return session


def token_for(username: str) -> str:
    from accounts.models import User
    from accounts.tokens import token_issue

    return token_issue(user=User.objects.get(username=username))


def set_passwords() -> None:
    """The benchmark logs in as the seeded logins; give them a known password (one hash for all)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    User.objects.update(password=make_password(PASSWORD))


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
    if result.get("pending"):
        result["list_pending"] = sorted(set(result.pop("pending")))
    result["list_queries_independent_of_page_size"] = all(e["same_query_count"] for e in result["endpoints"].values())
    return result


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
        plans.append((clerk, deputies))
    started_at = timezone.now()
    # Every clerk is logged in and has the form open before the first save is timed: sixteen
    # password checks (PBKDF2, deliberately slow) queued on two workers are not part of saving.
    ready = threading.Barrier(len(plans))

    def client(plan):
        clerk, deputies = plan
        session = login(base, clerk.username)
        form = session.get(base + url, timeout=60)
        if form.status_code != 200:
            raise RuntimeError(f"{url} answered {form.status_code}")
        ready.wait(timeout=300)
        timings = []
        for n in range(cfg["visit_posts"]):
            data = {
                "csrfmiddlewaretoken": session.cookies.get("csrftoken"), "type": "visit", "date": today.isoformat(),
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
                raise RuntimeError(f"visit form answered {response.status_code}: {response.text[:300]}")
            # A browser follows the redirect, and the page it lands on shows (and so clears) the
            # "saved" message. The bench does not load that page; it drops the message cookie the page
            # would have emptied, or the next save would carry every earlier message back and forth.
            session.cookies.pop("messages", None)
        return timings

    with ThreadPoolExecutor(len(plans)) as pool:
        timings = [t for chunk in pool.map(client, plans) for t in chunk]
    # The benchmark's own visits do not stay in the data.
    Activity.objects.filter(created_by__in=clerks, created_at__gte=started_at).delete()
    say(f"  走访登记：{len(timings)} 次保存，{len(plans)} 个并发，p95 {p95(timings):.0f} ms")
    return {"visit_post_p95_ms": round(p95(timings), 1), "visit_post_median_ms": round(statistics.median(timings), 1),
            "visit_posts": len(timings), "visit_clients": len(plans)}


def measure_routing(cfg: dict) -> dict:
    """Suggestions routed/second by one real worker ÷ no-op tasks/second on the same worker and broker."""
    import redis
    from celery import current_app
    from django.conf import settings
    from django.utils import timezone

    from suggestions.models import Status, Suggestion

    broker = settings.CELERY_BROKER_URL
    if not broker or not broker.startswith("redis"):
        raise RuntimeError("routing needs CELERY_BROKER_URL=redis://…")
    try:
        import suggestions.tasks  # noqa: F401 - registers the task
    except ImportError as exc:
        raise Pending("suggestions.tasks is not on this branch yet") from exc
    if "suggestions.tasks.route_suggestion" not in current_app.tasks:
        raise Pending("suggestions.tasks.route_suggestion is not on this branch yet")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = redis.Redis.from_url(broker)
    client.delete(queue, "unacked", "unacked_index")
    log = open(ROOT / "var" / "bench-worker.log", "ab")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _drain(client, queue, [current_app.send_task("health.tasks.noop") for _ in range(5)], timeout=120)
        noop_rate = _rate(client, queue, lambda: current_app.send_task("health.tasks.noop"), cfg["noop_tasks"])
        template = Suggestion.objects.filter(status=Status.CLOSED).order_by("id").first()

        def submitted(count: int, tag: str) -> list[int]:
            created = timezone.now()
            fresh = []
            for n in range(count):
                source = Suggestion.objects.filter(pk=template.pk + n).first() or template
                fresh.append(Suggestion(
                    number=f"{tag}-{n}", title=source.title, content=source.content, region_id=source.region_id,
                    lead_deputy_id=source.lead_deputy_id, campaign_id=source.campaign_id, status=Status.SUBMITTED, submitted_at=created,
                ))
            return [s.pk for s in Suggestion.objects.bulk_create(fresh)]

        def send(ids):
            return [current_app.send_task("suggestions.tasks.route_suggestion", args=[i]) for i in ids]

        ids = []
        try:
            # Warm-up on suggestions of its own, routed to the end before the measured ones exist: a
            # routing task takes every suggestion waiting with it, so measured suggestions present
            # during the warm-up would be routed before the clock starts.
            ids += submitted(5, "bench-warm")
            _drain(client, queue, send(ids), timeout=300)
            measured = submitted(cfg["routing_tasks"], "bench")
            ids += measured
            pending = iter(measured)
            routing_rate = _rate(client, queue, lambda: send([next(pending)]), len(measured))
            moved = Suggestion.objects.filter(pk__in=measured).exclude(status=Status.SUBMITTED).count()
        finally:
            Suggestion.objects.filter(pk__in=ids).delete()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
    say(f"  分办：{routing_rate:.1f} 件/秒，空任务 {noop_rate:.1f} 个/秒（{moved}/{len(measured)} 件已离开“已提交”）")
    if moved != len(measured):
        raise RuntimeError(f"only {moved} of {len(measured)} suggestions were routed; see var/bench-worker.log")
    return {"routing_ratio": round(routing_rate / max(noop_rate, 0.001), 3), "routing_per_s": round(routing_rate, 1),
            "noop_per_s": round(noop_rate, 1), "routed": moved, "routing_tasks": len(measured),
            "routing_batch_size": settings.ROUTING_BATCH_SIZE}


def _rate(client, queue: str, send, count: int) -> float:
    started = time.perf_counter()
    results = [send() for _ in range(count)]
    _drain(client, queue, results, timeout=1800)
    return count / (time.perf_counter() - started)


def _drain(client, queue: str, _results, *, timeout: float) -> None:
    """Wait until the queue is empty and nothing is unacknowledged (acks_late: acked when done)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if client.llen(queue) == 0 and client.hlen("unacked") == 0:
            return
        time.sleep(0.02)
    raise RuntimeError("the worker did not finish the tasks in time; see var/bench-worker.log")


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


def measure_similarity(cfg: dict) -> dict:
    """p95 of similar-suggestion lookups through the view the writing form and triage call
    (``suggestions:similar``, in-process), for random suggestions of the province: their text as the
    writing form sends it (title, content, region), and the suggestion itself as triage asks."""
    import random

    from django.db import connection
    from django.db.models import Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from suggestions.models import Suggestion, SuggestionTerm

    try:
        url = reverse("suggestions:similar")
    except NoReverseMatch as exc:
        raise Pending("suggestions:similar is not on this branch yet") from exc
    figures: dict = {}
    if not SuggestionTerm.objects.exists():
        # A database seeded before the index existed: build it the way the seeder does, and time it.
        from residents.management.commands.index_similarity import rebuild_index

        say("  相似建议索引为空：先按装载程序的路径（COPY）建立…")
        rows, seconds = rebuild_index(sys.stdout)
        figures.update(similar_index_rows=rows, similar_index_build_s=round(seconds, 1))
        say(f"  索引 {rows:,} 行，用时 {seconds:.1f} 秒")
    figures["similar_index_rows"] = figures.get("similar_index_rows") or SuggestionTerm.objects.count()
    bounds = Suggestion.objects.aggregate(low=Min("pk"), high=Max("pk"))
    rng = random.Random(20260501)
    picked = Suggestion.objects.filter(pk__in=rng.sample(range(bounds["low"], bounds["high"] + 1), cfg["similar_lookups"] * 2))
    sample = list(picked.values_list("pk", "title", "content", "region_id")[: cfg["similar_lookups"]])
    client = Client()
    client.force_login(User.objects.get(username="provincial"))
    for _pk, title, content, region_id in sample[:5]:  # the segmenter's dictionary and the connection
        client.get(url, {"title": title, "content": content, "region": region_id})
    typed, triage, queries, found = [], [], [], []
    for pk, title, content, region_id in sample:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"title": title, "content": content, "region": region_id})
        typed.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        found.append(len(response.json()["results"]))
        started = time.perf_counter()
        response = client.get(url, {"suggestion": pk})
        triage.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}?suggestion={pk} answered {response.status_code}")
    figures.update(
        similar_p95_ms=round(max(p95(typed), p95(triage)), 1),
        similar_typed_p95_ms=round(p95(typed), 1),
        similar_triage_p95_ms=round(p95(triage), 1),
        similar_median_ms=round(statistics.median(typed + triage), 1),
        similar_lookups=len(typed) + len(triage),
        similar_queries_max=max(queries),
        similar_found_mean=round(statistics.mean(found), 2),
    )
    say(f"  相似建议：撰写时 p95 {figures['similar_typed_p95_ms']} ms，分办时 p95 {figures['similar_triage_p95_ms']} ms"
        f"（{len(sample)} 件建议各查两次，每次至多 {max(queries)} 条查询）")
    return figures


def measure_clustering(cfg: dict) -> dict:
    """Wall time of the weekly hot-issue run (``residents.tasks.compute_hot_issues``' body) over the
    province and every city, rolled back afterwards so the database stays as seeded."""
    from django.db import transaction
    from django.utils import timezone

    from residents.clustering import WINDOW_DAYS, compute_all
    from residents.models import HotIssue, ResidentMessage
    from suggestions.models import Suggestion

    class Rollback(Exception):
        pass

    since = timezone.now() - timezone.timedelta(days=WINDOW_DAYS)
    texts = Suggestion.objects.filter(submitted_at__gte=since).count() + ResidentMessage.objects.filter(created_at__gte=since).count()
    try:
        with transaction.atomic():
            started = time.perf_counter()
            clusters = compute_all()
            elapsed = time.perf_counter() - started
            runs = HotIssue.objects.values("scope_prefix", "campaign_id").distinct().count()
            raise Rollback
    except Rollback:
        pass
    say(f"  热点问题：{elapsed:.1f} 秒，{runs} 次聚类（全省与各市州，近一年及当前代表行动），共 {clusters} 个热点；近一年文本 {texts:,} 条")
    return {"clustering_s": round(elapsed, 1), "clustering_runs": runs, "clustering_clusters": clusters, "clustering_year_texts": texts}


# --- report -------------------------------------------------------------------------------------------------


def verdicts(figures: dict) -> dict:
    out = {}
    for key, (op, target) in TARGETS.items():
        value = figures.get(key)
        if value is None and key == "dashboard_ratio" and figures.get("dashboard_p95_ms") is not None:
            out[key] = "missed"  # the pages ran past the timeout: no ratio to compute, but no pass either
        elif value is None:
            out[key] = "pending"
        else:
            out[key] = "met" if (value <= target if op == "<=" else value >= target) else "missed"
    return out


def write_report(result: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "latest.json" if result["scale"] == "province" else f"latest-{result['scale']}.json"
    (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if result["scale"] != "province":
        return  # the smoke run checks the harness; the documented figures are the province's
    lines = [
        "<!-- bench:start (written by `make bench`; edit outside these markers) -->",
        f"Run {result['finished_at']} · scale {result['scale']} · {result['machine'].get('cpu', '?')}, "
        f"{result['machine'].get('cores')} cores, {result['machine'].get('memory_gb')} GB, PostgreSQL {result['machine'].get('postgresql')} · "
        f"load average {result['machine']['load_average_start'][0]:.1f} at start, {result['machine'].get('load_average_end', [0])[0]:.1f} at end"
        f" · load generator {result.get('load_tool', '?')}"
        + (f" · database seeded in this run in {result['seed']['seed_seconds']} s" if result.get("seed", {}).get("seeded_now") else "")
        + (f" · steps re-run: {' '.join(result['rerun_steps'])} (the other figures are the previous run's)" if result.get("rerun_steps") else ""),
        "",
        "| figure | value | reference measured beside it | target | verdict |",
        "|---|---|---|---|---|",
    ]
    f = result["figures"]
    refs = {
        "dashboard_ratio": "the same dashboards' aggregate SQL over the raw rows (compute_dashboard), same run",
        "dashboard_p95_ms": "(absolute; cache emptied before each request)",
        "list_rps_ratio": "GET /api/v1/ping/ on the same gunicorn, same load (lowest of three lists)",
        "visit_post_p95_ms": "(absolute; 16 concurrent clerks)",
        "routing_ratio": "health.tasks.noop on the same worker and broker",
        "import_100k_s": "(absolute)",
        "similar_p95_ms": "(absolute; the worse of writing-form and triage lookups, in-process through the view)",
        "clustering_s": "(absolute; the weekly run over the province and every city, rolled back)",
    }
    for key, (op, target) in TARGETS.items():
        value = f.get(key)
        lines.append(f"| `{key}` | {value if value is not None else '—'} | {refs[key]} | {op} {target} | {result['verdicts'][key]} |")
    lines.append(f"| `list_rps_ratio_computed` | {f.get('list_rps_ratio_computed', '—')} | the same, on a server that keeps no page | — | — |")
    lines.append(f"| `copy_vs_bulk_ratio` | {f.get('copy_vs_bulk_ratio', '—')} | bulk_create of the same rows | — | — |")
    lines.append("")
    if f.get("similar_p95_ms") is not None:
        lines += [
            "| similar suggestions | lookups | writing form p95 ms | triage p95 ms | median ms | queries (max) | index rows | index built in s |",
            "|---|---|---|---|---|---|---|---|",
            f"| `suggestions:similar` | {f.get('similar_lookups')} | {f.get('similar_typed_p95_ms')} | {f.get('similar_triage_p95_ms')} | "
            f"{f.get('similar_median_ms')} | {f.get('similar_queries_max')} | {f.get('similar_index_rows', '—'):,} | {f.get('similar_index_build_s', '—')} |",
            "",
        ]
    if f.get("clustering_s") is not None:
        lines += [
            "| weekly hot issues | s | runs (province and cities × year and campaign) | clusters kept | texts of the last year |",
            "|---|---|---|---|---|",
            f"| `residents.tasks.compute_hot_issues` | {f['clustering_s']} | {f.get('clustering_runs')} | {f.get('clustering_clusters')} | "
            f"{f.get('clustering_year_texts', 0):,} |",
            "",
        ]
    details = result.get("details", {})
    if "dashboards" in details:
        lines += ["| dashboard | page (cold) ms | page (cached) ms | aggregates over the raw rows ms (queries) | rollup SQL ms (queries) | rollup equals raw |",
                  "|---|---|---|---|---|---|"]
        for label, page in details["dashboards"].items():
            lines.append(f"| {label} `{page['url']}` | {page.get('cold_median_ms', '—')} | {page.get('warm_median_ms', '—')} | "
                         f"{page.get('raw_sql_ms', '—')} ({page.get('raw_sql_queries', '—')}) | {page.get('rollup_sql_ms', '—')} "
                         f"({page.get('rollup_queries', '—')}) | {page.get('rollup_equals_raw', '—')} |")
        lines.append("")
    if "endpoints" in details:
        computed = details.get("endpoints_computed", {})
        lines += ["| list endpoint @ user | req/s | ping req/s | ratio | computed every time: req/s | ping req/s | ratio "
                  "| queries computed (page 50 / 200) | queries kept |", "|---|---|---|---|---|---|---|---|---|"]
        for key, e in details["endpoints"].items():
            c = computed.get(key, {})
            lines.append(f"| {key} | {e['rps']} | {e['ping_rps']} | {e['ratio']} | {c.get('rps', '—')} | {c.get('ping_rps', '—')} | "
                         f"{c.get('ratio', '—')} | {e.get('queries_page_size_50', '—')} / {e.get('queries_page_size_200', '—')} | {e.get('queries_kept', '—')} |")
        for user, e in details.get("authenticated_floor", {}).items():
            lines.append(f"| (`{e['path']}`: not a list, never kept) @{user} | {e['rps']} | {e['ping_rps']} | {e['ratio']} | — | — | — | — | — |")
        lines.append("")
    if result.get("errors"):
        lines += ["Steps that did not complete:", ""] + [f"- `{k}`: {v}" for k, v in result["errors"].items()] + [""]
    lines.append("<!-- bench:end -->")
    block = "\n".join(lines)
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n"
    start, end = text.find("<!-- bench:start"), text.find("<!-- bench:end -->")
    if start == -1 or end == -1:
        text = text.rstrip() + "\n\n" + block + "\n"
    else:
        text = text[:start] + block + text[end + len("<!-- bench:end -->"):]
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Province-scale benchmarks (see docs/benchmarks.md)")
    parser.add_argument("--scale", choices=sorted(SETTINGS), default="province")
    parser.add_argument("--only", nargs="*", help="run only these steps: dashboards lists visit routing import copy similar clustering report duty")
    parser.add_argument("--merge", action="store_true", help="keep the figures of steps not run from the last result")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/benchmarks.md from the last result")
    args = parser.parse_args(argv)
    if args.report_only:
        last = json.loads((RESULTS / "latest.json").read_text())
        last["verdicts"] = verdicts(last["figures"])
        write_report(last)
        return 0
    cfg = SETTINGS[args.scale]
    ensure_database()
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        say("make bench needs PostgreSQL: set DATABASE_URL (the Makefile's BENCH_DATABASE_URL).")
        return 2
    (ROOT / "var").mkdir(exist_ok=True)
    result = {"scale": args.scale, "started_at": datetime.now().astimezone().isoformat(timespec="seconds"), "settings": cfg}
    result["seed"] = ensure_seeded(args.scale)
    set_passwords()
    result["machine"] = machine()
    from bench.load import tool_name

    result["load_tool"] = tool_name()
    figures, details, errors = {}, {}, {}
    steps = args.only or ["copy", "import", "routing", "dashboards", "lists", "visit", "similar", "clustering", "report", "duty"]

    def step(name, function, *a):
        say(f"· {name}")
        try:
            values = function(*a)
        except Pending as exc:
            errors[name] = f"pending: {exc}"
            say(f"  暂缺：{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - one broken step must not hide the others' figures
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            return
        for key, value in values.items():
            (figures if not isinstance(value, dict) else details)[key] = value

    if "copy" in steps:
        step("copy", measure_copy_vs_bulk, cfg)
    if "import" in steps:
        step("import", measure_import, cfg)
    if "routing" in steps:
        step("routing", measure_routing, cfg)
    if {"dashboards", "lists", "visit"} & set(steps):
        with gunicorn() as base:
            if "dashboards" in steps:
                step("dashboards", measure_dashboards, base, cfg)
            if "lists" in steps:
                step("lists", measure_lists, base, cfg)
            if "visit" in steps:
                step("visit", measure_visit_posts, base, cfg)
    if "similar" in steps:
        step("similar", measure_similarity, cfg)
    if "clustering" in steps:
        step("clustering", measure_clustering, cfg)
    if "report" in steps:  # the campaign report (bench/report.py)
        from bench.report import measure_report

        step("report", measure_report, cfg, say)
    if "duty" in steps:  # duty points (bench/duty.py, issue #21)
        from bench.duty import TARGETS as DUTY_TARGETS
        from bench.duty import measure_duty

        TARGETS.update(DUTY_TARGETS)
        step("duty", measure_duty, cfg)
    result["machine"]["load_average_end"] = list(os.getloadavg())
    result["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    if args.merge and (RESULTS / "latest.json").exists():
        # A re-run of some steps (a feature landed later) keeps the other steps' figures of the last run.
        last = json.loads((RESULTS / "latest.json").read_text())
        figures = {**last.get("figures", {}), **figures}
        details = {**last.get("details", {}), **details}
        result["rerun_steps"] = steps
    result["figures"] = figures
    result["details"] = details
    result["errors"] = errors
    result["verdicts"] = verdicts(figures)
    write_report(result)
    say(json.dumps({"figures": figures, "verdicts": result["verdicts"], "errors": errors}, ensure_ascii=False, indent=2))
    # Pending steps are not failures (the feature has not landed); a step that broke is.
    broken = {k: v for k, v in errors.items() if not v.startswith("pending")}
    return 1 if broken else 0
