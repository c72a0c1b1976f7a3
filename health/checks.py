"""Probes behind /healthz: the database and the broker."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from health.models import WorkerHeartbeat


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means unhealthy; the message goes to the probe
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    from kombu import Connection

    try:
        # A fresh connection, not the pool's: the probe must see the broker as it is now.
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean the broker cannot be reached
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}


def last_worker_heartbeat():
    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except Exception:
        return None
    return beat.seen_at.isoformat() if beat else None
