"""The benchmark harness: settings per scale, targets, the database, the seeded logins, a gunicorn to measure.

Shared by the steps (``bench/web.py``, ``bench/mixed.py``, ``bench/worker.py``, ``bench/data.py``,
``bench/similar.py``); ``bench/run.py`` runs them and ``bench/report.py`` writes the results.

Every figure is a ratio of two things measured in the same run on the same machine (page ÷ the
raw-row SQL of its figures, list endpoint ÷ a no-database endpoint on the same server, routing ÷ no-op tasks on the same
worker and broker, COPY ÷ bulk_create on the same rows), so a busy machine moves both sides.
Absolute figures (p95 of the visit form, seconds of a 100,000-row import) are reported with the
machine's load beside them.
"""

from __future__ import annotations

import html
import os
import platform
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
PASSWORD = "bench-demo-pass"  # the seeded logins' password in the benchmark database

# How hard each scale pushes. County is the CI smoke run: every step runs, briefly.
SETTINGS = {
    "province": {"samples": 15, "load_seconds": 10, "connections": 8, "visit_clients": 16, "visit_posts": 25,
                 "routing_tasks": 1000, "noop_tasks": 2000, "import_rows": 100_000, "copy_rows": 50_000, "reference_timeout_s": 600,
                 "similar_lookups": 200, "mixed_seconds": 60, "mixed_readers": 16},
    "county": {"samples": 3, "load_seconds": 2, "connections": 4, "visit_clients": 4, "visit_posts": 2,
               "routing_tasks": 20, "noop_tasks": 100, "import_rows": 2_000, "copy_rows": 2_000, "reference_timeout_s": 600,
               "similar_lookups": 20, "mixed_seconds": 8, "mixed_readers": 4},
}
DASHBOARDS = [("province", "420000"), ("city", "422800"), ("county", "422825")]
LISTS = [("deputies", "/api/v1/deputies/"), ("activities", "/api/v1/activities/"), ("suggestions", "/api/v1/suggestions/")]
TARGETS = {
    "dashboard_ratio": ("<=", 2.0),
    "dashboard_p95_ms": ("<=", 300),
    "list_rps_ratio": (">=", 0.25),
    "mixed_list_rps_ratio": (">=", 0.15),
    "mixed_read_p95_ms": ("<=", 150),
    "mixed_write_p95_ms": ("<=", 200),
    "mixed_errors": ("<=", 0),
    "me_rps_ratio_computed": (">=", 0.35),
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


def refused(response) -> str:
    """Why a form post was not saved: the status and the field errors the page shows (the error
    summary's "label：message" items and each field's or issue row's own messages), not the page's head."""
    page = response.text
    found = []
    for anchor, text in re.findall(r'<li><a href="#([^"]*)">(.*?)</a></li>', page, re.S):
        found.append(f"{anchor.removeprefix('id_')}: {html.unescape(re.sub(r'<[^>]+>', '', text)).strip()}")
    for text in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page, re.S):
        message = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
        if not any(message in f for f in found):
            found.append(message)
    if not found:
        return f"{response.status_code} {page[:300]}"
    return f"{response.status_code}; field errors: " + "; ".join(found)


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


@contextmanager
def celery_worker():
    """A real celery worker on the bench's broker, stopped on exit (its log: var/bench-worker.log)."""
    log = open(ROOT / "var" / "bench-worker.log", "ab")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
