"""The outbox: side effects written in the transaction of the change that causes them, delivered by
the worker, so a killed worker or a Redis outage delays them and never loses them.

A service calls ``record`` (or a helper built on it: ``notifications.send_notices_on_commit``,
``index_similarity_on_commit``) inside its transaction. The rows commit or roll back with the change;
after the commit a task is sent for prompt delivery (``dispatch.deliver_side_effects_on_commit``).
Whatever that task did not deliver — the broker was down, the worker was killed holding the message —
the sweeper (beat, every minute) delivers once it is older than ``SWEEP_AFTER``.

Delivery locks the rows (``SELECT … FOR UPDATE SKIP LOCKED``: a row another worker holds is that
worker's), runs the kind's handler and sets ``done_at`` in the same transaction: a worker killed
mid-handler leaves the row as it was, and a row already done is never run again. The inbox message a
notice writes is unique per (row, user); email and SMS leave the building, so a worker killed after
sending them and before the commit sends them again when the row is delivered again (at least once).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from suggestions.dispatch import deliver_side_effects_on_commit
from suggestions.models import SideEffect, SideEffectKind

logger = logging.getLogger(__name__)

# Each kind's handler takes the locked rows of that kind (a list) and does their work; imported when
# first used, so that the handlers' modules may themselves record side effects.
HANDLERS = {
    SideEffectKind.NOTICE: "suggestions.notifications.deliver_notices",
    SideEffectKind.INDEX_SIMILARITY: "suggestions.similarity.index_side_effects",
}
# Older than this and not done, the prompt task has missed it: the sweeper delivers it.
SWEEP_AFTER = dt.timedelta(seconds=30)
# A row that failed this often is left for an operator (admin: 发件箱记录, with its last error;
# `manage.py deliver_side_effects --retry-failed` tries it again).
MAX_ATTEMPTS = 10
# Rows delivered per transaction: a router batch's notices go in a few statements, not one each.
CHUNK = 100
# Done rows are kept this long (to see what was sent), then the sweeper deletes them.
KEEP_DONE = dt.timedelta(days=14)


def record(kind: str, payloads: Iterable[dict]) -> list[int]:
    """Write one outbox row per payload in the current transaction; deliver them after it commits."""
    rows = SideEffect.objects.bulk_create([SideEffect(kind=kind, payload=p) for p in payloads])
    ids = [row.pk for row in rows]
    deliver_side_effects_on_commit(ids)
    return ids


def index_similarity_on_commit(suggestion_id: int) -> None:
    """Similar-suggestion lookups read stored terms; the worker (re)writes them once the text is saved."""
    record(SideEffectKind.INDEX_SIMILARITY, [{"suggestion_id": suggestion_id}])


def deliver(effect_ids: Iterable[int]) -> int:
    """Deliver these rows, those not done yet and held by nobody else; returns how many were done.

    Each chunk is one transaction. Should a handler fail on a chunk, its rows are tried one by one,
    so one bad row does not hold back the others; a failing row keeps its error and attempt count.
    """
    return len(_deliver(effect_ids))


def _deliver(effect_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(effect_ids))
    done: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            done |= _deliver_chunk(chunk)
        except Exception:
            if len(chunk) == 1:
                _record_failure(chunk[0])
                continue
            logger.warning("delivering side effects %s…%s together failed; one at a time", chunk[0], chunk[-1], exc_info=True)
            for effect_id in chunk:
                try:
                    done |= _deliver_chunk([effect_id])
                except Exception:
                    _record_failure(effect_id)
    return done


def _deliver_chunk(ids: list[int]) -> set[int]:
    with transaction.atomic():
        rows = list(SideEffect.objects.select_for_update(skip_locked=True).filter(pk__in=ids, done_at__isnull=True).order_by("pk"))
        if not rows:
            return set()
        by_kind: dict[str, list[SideEffect]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, []).append(row)
        for kind, effects in by_kind.items():
            import_string(HANDLERS[kind])(effects)
        done = [row.pk for row in rows]
        SideEffect.objects.filter(pk__in=done).update(done_at=timezone.now(), attempts=F("attempts") + 1)
    return set(done)


def _record_failure(effect_id: int) -> None:
    """Count the failed attempt and keep its error, in a transaction of its own (the delivery's rolled back)."""
    logger.exception("side effect %s could not be delivered; the sweeper tries it again", effect_id)
    error = traceback.format_exc()[-2000:]
    try:
        with transaction.atomic():
            row = SideEffect.objects.select_for_update(skip_locked=True).filter(pk=effect_id, done_at__isnull=True).first()
            if row is not None:
                row.attempts += 1
                row.last_error = error
                row.save(update_fields=["attempts", "last_error"])
                if row.attempts >= MAX_ATTEMPTS:
                    logger.error("side effect %s failed %s times; it is left for an operator", effect_id, row.attempts)
    except Exception:  # the database itself is away: the next sweep counts it
        logger.warning("could not record the failure of side effect %s", effect_id, exc_info=True)


def pending(*, older_than: dt.timedelta = SWEEP_AFTER, limit: int = 1000, exclude: Iterable[int] = ()) -> list[int]:
    """Rows not done, recorded more than ``older_than`` ago, tried fewer than ``MAX_ATTEMPTS`` times; oldest first."""
    cutoff = timezone.now() - older_than
    rows = SideEffect.objects.filter(done_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS)
    if exclude:
        rows = rows.exclude(pk__in=list(exclude))
    return list(rows.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


def sweep(*, older_than: dt.timedelta = SWEEP_AFTER, budget_seconds: float = 40.0) -> int:
    """Beat, every minute: deliver what the prompt task missed, for at most ``budget_seconds`` (the
    next tick goes on), and delete done rows older than ``KEEP_DONE``. Returns how many were delivered.

    A row that fails, or that another worker holds, is not tried again in the same sweep."""
    deadline = time.monotonic() + budget_seconds
    delivered, passed = 0, set()
    while time.monotonic() < deadline:
        ids = pending(older_than=older_than, limit=CHUNK * 5, exclude=passed)
        if not ids:
            break
        done = _deliver(ids)
        delivered += len(done)
        passed.update(set(ids) - done)
    prune()
    return delivered


def prune(*, keep: dt.timedelta = KEEP_DONE, limit: int = 5000) -> int:
    """Delete done rows older than ``keep`` (their inbox messages stay)."""
    ids = list(SideEffect.objects.filter(done_at__lt=timezone.now() - keep).values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    return SideEffect.objects.filter(pk__in=ids).delete()[0]
