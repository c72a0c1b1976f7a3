"""Beat work for residents' voice: the weekly hot-issue clustering."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="residents.tasks.compute_hot_issues")
def compute_hot_issues() -> int:
    """Recompute the week's hot-issue clusters (replaces nothing: each run is kept with its date)."""
    from residents.clustering import compute_all

    return compute_all()
