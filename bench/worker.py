"""Routing throughput on a real celery worker, beside no-op tasks on the same worker and broker."""

from __future__ import annotations

import time

from bench.harness import Pending, celery_worker, say


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
    with celery_worker():
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
                    region_prefix=source.region_prefix, lead_deputy_id=source.lead_deputy_id, campaign_id=source.campaign_id, status=Status.SUBMITTED, submitted_at=created,
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
