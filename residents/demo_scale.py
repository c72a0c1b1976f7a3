"""Large-scale residents' voice: the similar-suggestion index of every seeded suggestion, written by
COPY with the rest of the seed (suggestions/similarity.py ``index_all``), so the province's
similar-suggestion lookups and the benchmark find it ready."""

from __future__ import annotations

from suggestions.similarity import index_all


def seed(ctx) -> None:
    rows = index_all(ctx.loader)
    ctx.say(f"  相似建议索引 {rows:,} 行")
