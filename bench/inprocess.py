"""``python -m bench.inprocess``: what one request costs, in-process, as the benchmark's users make it.

For the province's office (``provincial``), a county office (``xuanen``) and the first township clerk
of the seeded data: ``GET /api/v1/auth/me/``, the activities, suggestions and deputies lists with the
filters and orderings the mixed workload sends, and the clerk's visit-form save. Each is made once to
warm up, once to count its queries (every statement the database was sent, with its time in ms when
``--sql`` names the request), then ``-n`` times: the median wall-clock and CPU milliseconds of this
process (the database's own time is in the wall clock only). The visits saved are deleted again.

Run against the bench's database with the settings its server runs with (``DEBUG`` off):
``DATABASE_URL=…/deputy_action_bench_province CACHE_URL=redis://… .venv/bin/python -m bench.inprocess``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

URLS = [
    "/api/v1/auth/me/",
    "/api/v1/activities/",
    "/api/v1/activities/?type=visit",
    "/api/v1/activities/?page_size=20&ordering=-id",
    "/api/v1/suggestions/",
    "/api/v1/suggestions/?status=assigned",
    "/api/v1/suggestions/?deadline=late",
    "/api/v1/suggestions/?ordering=lead_due_at&status=acknowledged",
    "/api/v1/deputies/",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="timed repetitions of each request")
    parser.add_argument("--only", default="", help="only requests whose label contains this")
    parser.add_argument("--sql", default="", help="print the statements of requests whose label contains this")
    parser.add_argument("--users", default="", help="comma-separated usernames instead of the three above")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)

    from bench.harness import server_env

    env = server_env({"ALLOWED_HOSTS": "testserver"})
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                 "API_THROTTLE_USER", "AXES_ENABLED", "LOG_LEVEL"):
        os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, User
    from bench.harness import token_for

    figures = {}

    def measure(label, request):
        if args.only not in label:
            return
        request()
        statements = []

        def record(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append((round((time.perf_counter() - started) * 1000, 2), sql))

        with connection.execute_wrapper(record):
            request()
        wall, cpu = [], []
        for _ in range(args.n):
            started, started_cpu = time.perf_counter(), time.process_time()
            request()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        figures[label] = {"median_ms": round(statistics.median(wall), 1), "cpu_ms": round(statistics.median(cpu), 1),
                          "queries": len(statements)}
        print(f"{label:75s} {figures[label]['median_ms']:7.1f} ms  CPU {figures[label]['cpu_ms']:5.1f} ms  {len(statements):2d} queries",
              flush=True)
        if args.sql and args.sql in label:
            for ms, sql in statements:
                print(f"    {ms:7.2f} {sql[:160]}")

    clerk = User.objects.filter(role=Role.TOWNSHIP_STAFF, username__startswith="staff-").order_by("id").first()
    usernames = args.users.split(",") if args.users else ["provincial", "xuanen", clerk.username]
    for username in usernames:
        client = Client(HTTP_AUTHORIZATION=f"Token {token_for(username)}")
        for url in URLS:
            def get(url=url, client=client, username=username):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} as {username}: {response.status_code}")
            measure(f"{username} GET {url}", get)
    if not args.users:
        measure_visit_save(clerk, args.n, measure)
    print("load average", [round(x, 1) for x in os.getloadavg()])
    if args.out:
        with open(args.out, "w") as out:
            json.dump(figures, out, indent=1, ensure_ascii=False)
    return 0


def measure_visit_save(clerk, n: int, measure) -> None:
    """The clerk's visit form saved as the benchmark saves it (bench.web.measure_visit_posts)."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from activities.models import Activity, Campaign
    from bench.web import free_days
    from deputies.models import Deputy

    url = reverse("activities:visit")
    client = Client()
    client.force_login(clerk)
    today = timezone.localdate()
    campaign = Campaign.objects.filter(year=today.year).order_by("id").first()
    deputies = list(Deputy.objects.filter(region=clerk.region).order_by("id").values_list("id", flat=True)[:3])
    days = iter(free_days(clerk.region_id, deputies, today, n + 5))
    started = timezone.now()

    def save():
        data = {
            "type": "visit", "date": next(days).isoformat(), "start_time": "09:30", "region": clerk.region_id, "deputies": deputies,
            "households_visited": 5, "enterprises_visited": 0, "people_reached": 12, "person_times": 0, "summary": "入户走访，听取意见。",
            "issues-TOTAL_FORMS": 1, "issues-INITIAL_FORMS": 0, "issues-MIN_NUM_FORMS": 0, "issues-MAX_NUM_FORMS": 50,
            "issues-0-text": "村组道路破损，雨天出行困难", "issues-0-deputies": deputies[:1],
        }
        if campaign:
            data["campaigns"] = [campaign.id]
        response = client.post(url, data)
        if response.status_code != 302:
            raise RuntimeError(f"the visit form refused the save ({response.status_code})")
        client.cookies.pop("messages", None)  # as the bench's clerks do (docs/benchmarks.md)

    try:
        measure(f"{clerk.username} POST {url}", save)
    finally:
        Activity.objects.filter(created_by=clerk, created_at__gte=started).delete()


if __name__ == "__main__":
    raise SystemExit(main())
