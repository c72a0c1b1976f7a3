"""A province at work: many users reading lists and dashboards while clerks, offices and the router write.

Readers: at least 50 different users (provincial, city and county offices, township staff, deputies)
over varied pages, filters and orderings of the three API lists and the dashboards, ``readers``
concurrent connections with no think time. Writers at once: township clerks saving the visit form,
county offices submitting suggestions (routed by the real celery worker) and assigning suggestions
waiting in triage, each at ten times the seed's yearly average rate over a working year
(250 days × 8 hours: a clerk's day, not the night). All against the same gunicorn and worker.

Reads and writes are timed by the client; the ping is measured just before with the same client code
and the same number of connections, so the ratio compares like with like. The database's busiest
statements come from sampling ``pg_stat_activity`` every 50 ms (``pg_stat_statements`` needs a server
restart with ``shared_preload_libraries``, which a shared PostgreSQL does not get), with the tables'
scan counters (``pg_stat_user_tables``) before and after.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.harness import celery_worker, login, p95, refused, say, token_for

WORKING_SECONDS_PER_YEAR = 250 * 8 * 3600
WRITE_RATE_FACTOR = 10


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "n": 0}
    ordered = sorted(values)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


# --- who reads what -----------------------------------------------------------------------------------


def reader_users(scale: str) -> list:
    """At least 50 users of every kind that reads: offices of each level, township staff, deputies."""
    from accounts.models import Role, User

    users = list(User.objects.filter(role=Role.PROVINCIAL_OFFICE).order_by("id")[:2])
    users += list(User.objects.filter(role=Role.CONGRESS_OFFICE, region__level="city").order_by("id")[:13])
    users += list(User.objects.filter(role=Role.CONGRESS_OFFICE, region__level="county").order_by("id")[:20])
    users += list(User.objects.filter(role=Role.TOWNSHIP_STAFF, username__startswith="staff-").order_by("id")[:15])
    users += bench_deputies(10)
    return users


def bench_deputies(count: int) -> list:
    """Deputies who sign in: the seed links one; the bench links ``count`` more (kept for the next run)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from bench.harness import PASSWORD
    from deputies.models import Deputy

    users = list(User.objects.filter(role=Role.DEPUTY, username__startswith="bench-deputy-").order_by("id"))
    missing = count - len(users)
    if missing > 0:
        password = make_password(PASSWORD)
        for deputy in Deputy.objects.filter(user__isnull=True, active=True).select_related("region").order_by("id")[:missing]:
            user = User.objects.create(username=f"bench-deputy-{deputy.pk}", role=Role.DEPUTY, region=deputy.region,
                                       full_name=deputy.name, password=password)
            Deputy.objects.filter(pk=deputy.pk).update(user=user)
            users.append(user)
    return users[:count] + list(User.objects.filter(username="deputy"))


def reader_urls(user) -> list[tuple[str, str]]:
    """(kind, path) pairs a user of this kind would open: lists with pages, filters, orderings; a dashboard."""
    from django.utils import timezone

    year = timezone.localdate().year
    code = user.region.code if user.region_id else ""
    urls = [
        ("deputies", "/api/v1/deputies/"),
        ("deputies", "/api/v1/deputies/?page=2"),
        ("deputies", "/api/v1/deputies/?ordering=name_pinyin"),
        ("deputies", "/api/v1/deputies/?level=county&active=true"),
        ("deputies", f"/api/v1/deputies/?region={code}&page_size=20"),
        ("activities", "/api/v1/activities/"),
        ("activities", "/api/v1/activities/?page=3"),
        ("activities", "/api/v1/activities/?type=visit"),
        ("activities", f"/api/v1/activities/?date_from={year}-01-01&ordering=date"),
        ("activities", "/api/v1/activities/?page_size=20&ordering=-id"),
        ("suggestions", "/api/v1/suggestions/"),
        ("suggestions", "/api/v1/suggestions/?page=2"),
        ("suggestions", "/api/v1/suggestions/?status=assigned"),
        ("suggestions", "/api/v1/suggestions/?deadline=late"),
        ("suggestions", "/api/v1/suggestions/?ordering=lead_due_at&status=acknowledged"),
    ]
    if user.role != "deputy":  # a deputy has a record of duty, not a region's dashboard (404)
        urls.append(("dashboard", "/api/v1/dashboard/"))
    if user.role in {"provincial_office", "congress_office"}:
        urls.append(("dashboard", f"/api/v1/dashboard/{code}/"))
    # A later page only where there is one (a reader follows "next"; a page past the end is a 404).
    return [(kind, path) for kind, path in urls if "page=" not in path.replace("page_size", "") or _has_pages(user, kind, path)]


def _has_pages(user, kind: str, path: str) -> bool:
    from accounts.scope import in_scope
    from activities.models import Activity
    from deputies.models import Deputy
    from suggestions.models import Suggestion

    if user.role not in {"provincial_office", "congress_office"}:
        return False
    page = int(re.search(r"[?&]page=(\d+)", path).group(1))
    model = {"deputies": Deputy, "activities": Activity, "suggestions": Suggestion}[kind]
    return in_scope(model.objects.all(), user)[: 50 * page].count() > 50 * (page - 1)


# --- writers ----------------------------------------------------------------------------------------------


def yearly_rates() -> dict:
    """Rows a year in the seeded data (the last 365 days), and the writers' rates per second."""
    import datetime as dt

    from django.utils import timezone

    from activities.models import Activity
    from suggestions.models import Assignment, Suggestion

    since = timezone.now() - dt.timedelta(days=365)
    yearly = {
        "visit": Activity.objects.filter(date__gte=since.date()).count(),
        "suggestion": Suggestion.objects.filter(submitted_at__gte=since).count(),
        "assignment": Assignment.objects.filter(assigned_at__gte=since).count(),
    }
    per_second = {k: WRITE_RATE_FACTOR * v / WORKING_SECONDS_PER_YEAR for k, v in yearly.items()}
    return {"yearly": yearly, "per_second": per_second}


class Timings:
    def __init__(self):
        self.lock = threading.Lock()
        self.values: dict[str, list[float]] = {}
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []

    def add(self, kind: str, ms: float) -> None:
        with self.lock:
            self.values.setdefault(kind, []).append(ms)

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {what[:200]}")


def _paced(stop: float, rate: float, act) -> None:
    """Call ``act`` about ``rate`` times a second (random gaps, as arrivals are) until ``stop``; once at least."""
    rng = random.Random()
    first = True
    while True:
        gap = rng.expovariate(rate) if rate > 0 else 3600
        if not first and time.perf_counter() + gap > stop:
            return
        time.sleep(min(gap, max(0.0, stop - time.perf_counter())) if not first else rng.uniform(0, 0.5))
        first = False
        act()


def visit_clerk(base: str, clerk) -> tuple:
    """A township clerk signed in with the visit form open (before the clock: a password check is slow on purpose)."""
    from django.urls import reverse
    from django.utils import timezone

    from activities.models import Campaign
    from bench.web import free_days
    from deputies.models import Deputy

    url = base + reverse("activities:visit")
    today = timezone.localdate()
    campaign = Campaign.objects.filter(year=today.year).order_by("id").first()
    deputies = list(Deputy.objects.filter(region=clerk.region).order_by("id").values_list("id", flat=True)[:3])
    days = free_days(clerk.region_id, deputies, today, 300)
    session = login(base, clerk.username)
    session.get(url, timeout=60)
    return clerk, session, url, days, campaign, deputies


def visit_writer(prepared: tuple, stop: float, rate: float, timings: Timings) -> None:
    clerk, session, url, days, campaign, deputies = prepared

    saved = [0]

    def save():
        # A different free day per save: the same place, day and deputies is held back as a double tap.
        day = days[saved[0] % len(days)]
        saved[0] += 1
        data = {
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"), "type": "visit", "date": day.isoformat(),
            "start_time": "09:30", "region": clerk.region_id, "deputies": deputies, "households_visited": 5,
            "enterprises_visited": 0, "people_reached": 12, "person_times": 0, "summary": "入户走访，听取意见。",
            "issues-TOTAL_FORMS": 1, "issues-INITIAL_FORMS": 0, "issues-MIN_NUM_FORMS": 0, "issues-MAX_NUM_FORMS": 50,
            "issues-0-text": "村组道路破损，雨天出行困难", "issues-0-deputies": deputies[:1],
        }
        if campaign:
            data["campaigns"] = [campaign.id]
        started = time.perf_counter()
        try:
            response = session.post(url, data=data, headers={"Referer": url}, timeout=60, allow_redirects=False)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            timings.error("visit", repr(exc))
            return
        timings.add("visit", (time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            timings.error("visit", refused(response))
        session.cookies.pop("messages", None)  # the page a browser lands on would have shown and cleared it

    _paced(stop, rate, save)


def api_writer(base: str, kind: str, jobs: list, stop: float, rate: float, timings: Timings) -> None:
    """POST each (token, path, body) of ``jobs`` in turn at ``rate``."""
    import requests

    pending = iter(jobs)
    session = requests.Session()

    def post():
        job = next(pending, None)
        if job is None:
            return
        token, path, body = job
        started = time.perf_counter()
        try:
            response = session.post(base + path, json=body, headers={"Authorization": f"Token {token}"}, timeout=60)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            timings.error(kind, repr(exc))
            return
        timings.add(kind, (time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 201):
            timings.error(kind, f"{response.status_code} {response.text[:200]}")

    _paced(stop, rate, post)


def suggestion_jobs(offices: list, count: int) -> list:
    from deputies.models import Deputy

    leads = {o.pk: list(Deputy.objects.filter(region__prefix__startswith=o.region.prefix, active=True).order_by("id").values_list("id", flat=True)[:count])
             for o in offices}
    offices = [o for o in offices if leads[o.pk]]
    jobs = []
    for n in range(count):
        office = offices[n % len(offices)]
        lead = leads[office.pk][(n // len(offices)) % len(leads[office.pk])]
        jobs.append((token_for(office.username), "/api/v1/suggestions/", {
            "title": f"关于改善村组道路的建议（压测 {n}）", "content": "村组道路破损，雨天出行困难，建议列入年度计划修缮。",
            "region": office.region.code, "lead_deputy": lead, "submit": True,
        }))
    return jobs


def assignment_jobs(count: int) -> list:
    """Suggestions waiting in triage, each assigned by its county's office to a department of that county."""
    from accounts.models import Role, User
    from suggestions.models import Department, Status, Suggestion

    jobs = []
    offices = {u.region_id: u for u in User.objects.filter(role=Role.CONGRESS_OFFICE, region__level="county").select_related("region")}
    departments = {}
    for s in Suggestion.objects.filter(status=Status.TRIAGE).select_related("region").order_by("id")[: count * 20]:
        county = next((rid for rid in offices if s.region.prefix.startswith(offices[rid].region.prefix)), None)
        if county is None:
            continue
        if county not in departments:
            departments[county] = Department.objects.filter(region_id=county, active=True).order_by("id").values_list("id", flat=True).first()
        if departments[county] is None:
            continue
        jobs.append((token_for(offices[county].username), f"/api/v1/suggestions/{s.pk}/assign/", {"lead": departments[county]}))
        if len(jobs) == count:
            break
    return jobs


# --- readers and the database's view --------------------------------------------------------------------


def run_readers(base: str, plans: list, *, connections: int, stop: float, timings: Timings) -> None:
    """``connections`` clients, each taking a random (user, url) per request, no think time."""
    import requests

    def client(seed: int):
        rng = random.Random(seed)
        session = requests.Session()
        while time.perf_counter() < stop:
            token, kind, path = rng.choice(plans)
            started = time.perf_counter()
            try:
                response = session.get(base + path, headers={"Authorization": f"Token {token}"}, timeout=60)
            except Exception as exc:  # noqa: BLE001 - counted as an error
                timings.error(kind, repr(exc))
                continue
            timings.add(kind, (time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                timings.error(kind, f"{response.status_code} {path} {response.text[:200]}")

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(client, range(connections)))


def ping_rps(base: str, *, connections: int, seconds: float) -> float:
    timings = Timings()
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    run_readers(base, [("", "ping", "/api/v1/ping/")], connections=connections, stop=stop, timings=timings)
    return len(timings.values.get("ping", [])) / (time.perf_counter() - started)


_NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


class StatementSampler(threading.Thread):
    """Samples the bench database's active statements every 50 ms: a statement's share of samples is
    its share of the database's busy time."""

    def __init__(self, dsn: str, database: str):
        super().__init__(daemon=True)
        self.dsn, self.database = dsn, database
        self.samples, self.busy = Counter(), 0
        self.halt = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.halt.is_set():
                rows = conn.execute(
                    "SELECT query FROM pg_stat_activity WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchall()
                for (query,) in rows:
                    self.samples[_NUMBERS.sub("?", " ".join(query.split()))[:240]] += 1
                    self.busy += 1
                time.sleep(0.05)

    def busiest(self, n=8) -> list[dict]:
        return [{"share": round(count / max(self.busy, 1), 3), "samples": count, "statement": statement}
                for statement, count in self.samples.most_common(n)]


def table_counters() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd FROM pg_stat_user_tables")
        return {row[0]: row[1:] for row in cursor.fetchall()}


def table_deltas(before: dict, after: dict, n=8) -> list[dict]:
    rows = []
    for table, values in after.items():
        old = before.get(table, (0,) * len(values))
        delta = [(v or 0) - (o or 0) for v, o in zip(values, old, strict=True)]
        rows.append({"table": table, "seq_scan": delta[0], "seq_tup_read": delta[1], "idx_scan": delta[2],
                     "inserted": delta[3], "updated": delta[4]})
    return sorted(rows, key=lambda r: r["seq_tup_read"], reverse=True)[:n]


# --- the step -------------------------------------------------------------------------------------------


def measure_mixed(base: str, cfg: dict, scale: str) -> dict:
    """Lists and dashboards under a working day's writes; see the module docstring."""
    from django.db import connection

    from accounts.models import Role, User
    from activities.models import Activity
    from bench.web import _dsn
    from suggestions.models import Suggestion

    seconds, readers = cfg["mixed_seconds"], cfg["mixed_readers"]
    users = reader_users(scale)
    plans = [(token_for(u.username), kind, path) for u in users for kind, path in reader_urls(u)]
    rates = yearly_rates()
    per_second = rates["per_second"]
    expected = {k: max(1, round(v * seconds)) for k, v in per_second.items()}
    clerks = list(User.objects.filter(role=Role.TOWNSHIP_STAFF, username__startswith="staff-").order_by("-id")[:4])
    offices = list(User.objects.filter(role=Role.CONGRESS_OFFICE, region__level="county").select_related("region").order_by("id")[:20])
    suggestions = suggestion_jobs(offices, expected["suggestion"] + 2)
    assignments = assignment_jobs(expected["assignment"] + 2)
    say(f"  读者 {len(users)} 人（{readers} 个并发连接，{len(plans)} 个不同请求）；写入（每秒）：走访 {per_second['visit']:.2f}，"
        f"建议 {per_second['suggestion']:.3f}，交办 {per_second['assignment']:.3f}（全年工作时间平均的 {WRITE_RATE_FACTOR} 倍）")

    # Dashboards of a province, city or county read the rollup that beat refreshes every 15 minutes on
    # a running system; refreshed here first, as the dashboards step does (a township's is computed).
    from dashboards import rollup

    refresh_started = time.perf_counter()
    rollup.refresh()
    say(f"  看板汇总刷新：{time.perf_counter() - refresh_started:.0f} 秒（计时之外，运行中由 beat 每 15 分钟刷新）")
    ping = ping_rps(base, connections=readers, seconds=cfg["load_seconds"])
    timings = Timings()
    started_at = Activity.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_suggestion = Suggestion.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sampler = StatementSampler(_dsn(), connection.settings_dict["NAME"])
    before = table_counters()
    prepared = [visit_clerk(base, clerk) for clerk in clerks]
    try:
        with celery_worker():
            stop = time.perf_counter() + seconds
            sampler.start()
            writers = [threading.Thread(target=visit_writer, args=(p, stop, per_second["visit"] / len(prepared), timings)) for p in prepared]
            writers.append(threading.Thread(target=api_writer, args=(base, "suggestion", suggestions, stop, per_second["suggestion"], timings)))
            writers.append(threading.Thread(target=api_writer, args=(base, "assignment", assignments, stop, per_second["assignment"], timings)))
            for w in writers:
                w.start()
            t0 = time.perf_counter()
            run_readers(base, plans, connections=readers, stop=stop, timings=timings)
            elapsed = time.perf_counter() - t0
            for w in writers:
                w.join(timeout=120)
            sampler.halt.set()
            sampler.join(timeout=5)
        after = table_counters()
    finally:
        # The benchmark's own visits and suggestions do not stay in the data (assigned suggestions do),
        # even when the run stops half-way.
        Activity.objects.filter(id__gt=started_at, created_by__in=clerks).delete()
        Suggestion.objects.filter(id__gt=last_suggestion, title__contains="（压测").delete()

    lists = [t for kind in ("deputies", "activities", "suggestions") for t in timings.values.get(kind, [])]
    reads = lists + timings.values.get("dashboard", [])
    writes = [t for kind in ("visit", "suggestion", "assignment") for t in timings.values.get(kind, [])]
    # Closed-loop readers: throughput = connections ÷ mean latency (Little's law). The lists' share of
    # the readers' time gives the lists' rate as if every reader read only lists.
    list_rps = readers / (statistics.mean(lists) / 1000) if lists else 0.0
    errors = sum(timings.errors.values())
    say(f"  混合负载 {elapsed:.0f} 秒：列表 {list_rps:.1f} 请求/秒（ping {ping:.1f}，比值 {list_rps / max(ping, 0.001):.2f}），"
        f"读 p95 {p95(reads):.0f} ms，走访保存 p95 {p95(timings.values.get('visit', [0])):.0f} ms，错误 {errors}")
    for sample in timings.error_samples:
        say(f"    错误：{sample}")
    return {
        "mixed_list_rps_ratio": round(list_rps / max(ping, 0.001), 3),
        "mixed_read_p95_ms": percentiles(reads)["p95"],
        "mixed_write_p95_ms": percentiles(timings.values.get("visit", []))["p95"],
        "mixed_errors": errors,
        "mixed": {
            "seconds": round(elapsed, 1), "readers": readers, "reader_users": len(users), "distinct_requests": len(plans),
            "ping_rps": round(ping, 1), "list_rps": round(list_rps, 1),
            "reads_per_s": round(len(reads) / elapsed, 1),
            "reads": percentiles(reads), "lists": percentiles(lists),
            "by_kind": {kind: percentiles(v) for kind, v in sorted(timings.values.items())},
            "writes": percentiles(writes), "errors_by_kind": dict(timings.errors), "error_samples": timings.error_samples,
            "write_rates_per_s": {k: round(v, 4) for k, v in per_second.items()}, "yearly_rows": rates["yearly"],
            "write_rate_basis": f"{WRITE_RATE_FACTOR} x rows of the last 365 days / (250 days x 8 h)",
            "busiest_statements": sampler.busiest(), "statement_source": "pg_stat_activity sampled every 50 ms",
            "tables": table_deltas(before, after),
        },
    }
