"""Similar-suggestion lookups and the hot-issue clustering."""

from __future__ import annotations

import statistics
import sys
import time

from bench.harness import Pending, p95, say


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
