import socket

from celery import shared_task
from django.utils import timezone

from health.models import WorkerHeartbeat


@shared_task(name="health.tasks.record_heartbeat")
def record_heartbeat(hostname: str | None = None) -> None:
    """Record that a worker is alive (scheduled every minute by beat)."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname or socket.gethostname(), defaults={"seen_at": timezone.now()}
    )


@shared_task(name="health.tasks.noop")
def noop() -> None:
    """Does nothing: the benchmark's reference for the worker and broker overhead of one task."""
