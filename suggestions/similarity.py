"""Similar suggestions: a small inverted index of weighted jieba terms per suggestion.

Each suggestion keeps its top terms (sublinear term frequency, unit length) in ``SuggestionTerm``.
A lookup tokenizes the query text the same way and lets the database do the work: one indexed
filter on (county, term) for the query's terms, document frequencies for those terms, and one
aggregate that scores the candidates (Σ q·d·idf²) and returns the best few — the cost follows the
number of matching term rows in one county, never the number of suggestions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.utils import timezone

from suggestions.models import OPEN_STATUSES, Status, Suggestion, SuggestionTerm
from suggestions.routing.classifier import tokenize

MAX_TERMS = 80
# Terms of the query that score candidates (the highest query weight × idf²).
QUERY_TERMS = 16
COUNTY_PREFIX = 6
TITLE_WEIGHT = 2
# Words that appear in almost every suggestion and say nothing about its matter.
STOP_WORDS = frozenset(
    "建议 关于 问题 希望 我们 群众 进行 相关 有关 加强 解决 尽快 目前 存在 部门 政府 工作 情况 需要 应该 "
    "请求 要求 反映 一些 已经 没有 可以 提出 由于 以及 进一步 造成 导致 影响 方面 一直 非常 比较 特别 还是 "
    "就是 这个 那个 他们 大家 现在 今年 去年 多次 长期 严重 不便 百姓 居民 村民 老百姓 代表 人大".split()
)
_BIGRAM_STOP = frozenset(f"#{w}" for w in STOP_WORDS if len(w) == 2)
_KEEP = re.compile(r"^#?[\w]{2,}$")
CACHE_SECONDS = 600


def terms(text: str) -> list[str]:
    """The words of a text that carry meaning (segmented; stop words, digits and one-character tokens dropped)."""
    return [t for t in tokenize(text) if _KEEP.match(t) and not t.strip("#").isdigit() and t not in STOP_WORDS and t not in _BIGRAM_STOP]


def term_vector(title: str, content: str = "") -> dict[str, float]:
    """Unit-length sublinear tf of the text's words and character bigrams (title counted twice)."""
    counts = Counter(terms(f"{title} " * TITLE_WEIGHT + (content or "")))
    if not counts:
        return {}
    # Words before bigrams, then the most frequent: a long text keeps its distinctive words.
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].startswith("#"), -len(kv[0]), kv[0]))[:MAX_TERMS]
    weights = {term[:32]: 1.0 + math.log(n) for term, n in ranked}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()}


def index_suggestion(suggestion_id: int) -> int:
    """(Re)write a suggestion's terms; returns how many were stored (0 when it is gone)."""
    suggestion = Suggestion.objects.filter(pk=suggestion_id).select_related("region").first()
    if suggestion is None:
        return 0
    vector = term_vector(suggestion.title, suggestion.content)
    county = suggestion.region.prefix[:COUNTY_PREFIX]
    with transaction.atomic():
        SuggestionTerm.objects.filter(suggestion_id=suggestion_id).delete()
        SuggestionTerm.objects.bulk_create(
            [SuggestionTerm(suggestion_id=suggestion_id, county=county, term=t, weight=w) for t, w in vector.items()]
        )
    cache.delete(f"similar:n:{county}")
    return len(vector)


def index_side_effects(effects) -> None:
    """The outbox's handler for indexing: (re)write the terms of each suggestion the rows name, once each."""
    for suggestion_id in dict.fromkeys(e.payload.get("suggestion_id") for e in effects):
        if suggestion_id is not None:
            index_suggestion(suggestion_id)


def lookup_statuses_filter(*, now=None) -> Q:
    """Open suggestions, and those answered or closed within the recent window."""
    since = (now or timezone.now()) - timezone.timedelta(days=settings.SIMILAR_RECENT_DAYS)
    return Q(suggestion__status__in=OPEN_STATUSES) | Q(
        suggestion__status__in=[Status.ANSWERED, Status.CLOSED], suggestion__submitted_at__gte=since
    )


def _documents_in(county: str) -> int:
    key = f"similar:n:{county}"
    n = cache.get(key)
    if n is None:
        n = SuggestionTerm.objects.filter(county=county).values("suggestion_id").distinct().count()
        cache.set(key, n, CACHE_SECONDS)
    return n


@dataclass
class Match:
    suggestion: Suggestion
    score: float


def similar(
    *, title: str = "", content: str = "", county: str, exclude_ids=(), limit: int = 5, vector: dict[str, float] | None = None
) -> list[Match]:
    """The ``limit`` most similar open or recent suggestions of one county, best first."""
    vector = vector if vector is not None else term_vector(title, content)
    county = county[:COUNTY_PREFIX]
    if not vector or len(county) < COUNTY_PREFIX:
        return []
    rows = SuggestionTerm.objects.filter(county=county, term__in=list(vector))
    # COUNT(term), not COUNT(id): the (county, term) index alone answers it.
    df = dict(rows.values("term").annotate(n=Count("term")).values_list("term", "n"))
    if not df:
        return []
    n_docs = max(_documents_in(county), max(df.values()))
    # idf as in scikit-learn's smooth_idf; the query weight and idf² fold into one factor per term.
    factor = {t: vector[t] * (math.log((1 + n_docs) / (1 + n)) + 1) ** 2 for t, n in df.items()}
    # Score on the most telling terms only: a word that every suggestion of the county has ("群众反映")
    # adds almost nothing to any score, yet would bring every row of the county into the sum.
    factor = dict(sorted(factor.items(), key=lambda kv: -kv[1])[:QUERY_TERMS])
    score = Sum(F("weight") * Case(*[When(term=t, then=Value(f)) for t, f in factor.items()], default=Value(0.0), output_field=FloatField()))
    ranked = list(
        rows.filter(term__in=list(factor))
        .filter(lookup_statuses_filter())
        .exclude(suggestion_id__in=list(exclude_ids))
        .values("suggestion_id")
        .annotate(score=score)
        .order_by("-score", "-suggestion_id")[:limit]
    )
    found = Suggestion.objects.select_related("region").in_bulk([r["suggestion_id"] for r in ranked])
    return [Match(found[r["suggestion_id"]], r["score"]) for r in ranked if r["suggestion_id"] in found]


def similar_to(suggestion: Suggestion, *, limit: int = 5) -> list[Match]:
    """Suggestions like this one (for triage), from its stored terms."""
    vector = dict(SuggestionTerm.objects.filter(suggestion=suggestion).values_list("term", "weight"))
    if not vector:
        vector = term_vector(suggestion.title, suggestion.content)
    return similar(county=suggestion.region.prefix, exclude_ids=[suggestion.pk], limit=limit, vector=vector)


# --- building the whole index at once ----------------------------------------------------------------

TERM_TABLE_ROWS_PER_SUGGESTION = 30  # for the loader's progress line and its choice to drop indexes
_MEMO_MAX = 100_000


def index_all(loader, *, chunk: int = 5000) -> int:
    """Write the terms of every suggestion through the seeder's ``BulkLoader`` (COPY on PostgreSQL):
    the province seeder, and ``index_similarity`` when it rebuilds. The table must be empty, or the
    caller must have emptied it in the same transaction. Returns the rows written.

    Texts repeat (a petition signed in many townships, the seeder's topics): a vector is computed
    once per distinct text."""
    total_suggestions = Suggestion.objects.count()
    table = SuggestionTerm._meta.db_table
    loader.expected_rows.setdefault(table, total_suggestions * TERM_TABLE_ROWS_PER_SUGGESTION)
    spec = loader.spec(SuggestionTerm, ["id", "suggestion_id", "county", "term", "weight"])
    ids = iter(loader.ids(SuggestionTerm, max(total_suggestions, 1) * MAX_TERMS))
    memo: dict[tuple[str, str], dict[str, float]] = {}
    rows: list[tuple] = []
    source = Suggestion.objects.order_by("pk").values_list("pk", "title", "content", "region__prefix")
    for pk, title, content, prefix in source.iterator(chunk_size=chunk):
        key = (title, content)
        vector = memo.get(key)
        if vector is None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            vector = memo[key] = term_vector(title, content)
        county = prefix[:COUNTY_PREFIX]
        rows.extend((next(ids), pk, county, term, weight) for term, weight in vector.items())
        if len(rows) >= chunk * 10:
            loader.write(spec, rows)
            rows.clear()
    if rows:
        loader.write(spec, rows)
    loader.done(spec)
    cache.delete_many([f"similar:n:{c}" for c in SuggestionTerm.objects.values_list("county", flat=True).distinct()])
    return spec.written
