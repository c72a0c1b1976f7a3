"""Hot issues (热点问题): cluster a year's suggestions and residents' messages by text similarity.

TF-IDF over the same jieba terms as the similar-suggestion index, MiniBatchKMeans (linear in the
number of texts, so a province's year fits the weekly window), then only the members close to their
centre are kept: a cluster is "the same matter raised in many places", not whatever k-means lumped
together. Run per province and per city; each office reads the run for its own region.

Each week a province or city gets one run over the last year (``campaign`` empty: the offices'
hot-issue page) and one run per campaign under way there (the campaign's suggestions and the
messages left while it runs: the dashboards' panel for that campaign).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

import numpy as np
from django.db import transaction
from django.utils import timezone
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from regions.models import Region, RegionLevel
from residents.models import UNRELEASED, HotIssue, ResidentMessage
from suggestions.models import RatingValue, Status, Suggestion
from suggestions.similarity import terms as text_terms

logger = logging.getLogger(__name__)

WINDOW_DAYS = 365
TOP_CLUSTERS = 30
MIN_SIZE = 3
# Cosine to the cluster centre a member needs (TF-IDF rows are unit length).
MIN_CLOSENESS = 0.2
DOCS_PER_CLUSTER = 12
MAX_CLUSTERS = 800
AGGLOMERATIVE_MAX = 3000
# Average cosine distance under which two groups are the same matter (texts share few exact words).
LINKAGE_DISTANCE = 0.9
COUNTY = 6
EXCLUDED = [Status.DRAFT, Status.WITHDRAWN, Status.MERGED, Status.NOT_ACCEPTED]
ANSWERED = [Status.ANSWERED, Status.CLOSED]
SATISFIED = {RatingValue.SATISFIED, RatingValue.BASICALLY_SATISFIED}


def _items(prefix: str, since, *, campaign=None):
    suggestions = Suggestion.objects.filter(region__prefix__startswith=prefix).exclude(status__in=EXCLUDED)
    # Held and discarded messages (a flood under review) are not residents' matters yet.
    messages = ResidentMessage.objects.filter(station__region__prefix__startswith=prefix, suggestion__isnull=True).exclude(
        status__in=UNRELEASED
    )
    if campaign is None:
        suggestions = suggestions.filter(submitted_at__gte=since)
        messages = messages.filter(created_at__gte=since)
    else:
        suggestions = suggestions.filter(campaign=campaign)
        messages = messages.filter(created_at__date__range=(campaign.start_date, campaign.end_date))
    suggestions = list(suggestions.values_list("pk", "title", "content", "region__prefix", "category", "status"))
    messages = list(messages.values_list("pk", "text", "region__prefix"))
    docs = [("s", pk, f"{title} {title} {content}", region, category, status) for pk, title, content, region, category, status in suggestions]
    docs += [("m", pk, text, region, "", "") for pk, text, region in messages]
    return docs


def _place_pattern(prefix: str):
    """Names of the counties and townships in scope: where a matter is raised is not what it is about."""
    names = set()
    for name in Region.objects.filter(prefix__startswith=prefix, level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).values_list("name", flat=True):
        names.add(name)
        short = re.sub(r"(土家族苗族自治县|侗族乡|苗族乡|土家族乡|街道|镇|乡|县|市|区)$", "", name)
        if len(short) >= 2:
            names.add(short)
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def cluster(texts: list[str], *, seed: int = 0) -> tuple[list[list[int]], list[list[str]]]:
    """Groups of indexes into ``texts`` (largest first) and each group's top terms.

    Up to ``AGGLOMERATIVE_MAX`` texts: average-linkage clustering on cosine distance with a
    threshold (no cluster count to guess); above that, MiniBatchKMeans, linear in the texts."""
    if len(texts) < MIN_SIZE:
        return [], []
    vectorizer = TfidfVectorizer(analyzer=text_terms, min_df=2, sublinear_tf=True, max_features=50000)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term appears twice
        return [], []
    if matrix.shape[0] <= AGGLOMERATIVE_MAX:
        distance = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
        assigned = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=LINKAGE_DISTANCE
        ).fit_predict(distance)
        k = int(assigned.max()) + 1
        centres = np.vstack([np.asarray(matrix[assigned == c].mean(axis=0)).ravel() for c in range(k)])
    else:
        k = max(2, min(MAX_CLUSTERS, matrix.shape[0] // DOCS_PER_CLUSTER))
        model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048).fit(matrix)
        assigned, centres = model.labels_, model.cluster_centers_
    centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    closeness = np.asarray(matrix.multiply(centres[assigned]).sum(axis=1)).ravel()
    vocabulary = np.array(vectorizer.get_feature_names_out())
    groups, labels = [], []
    for c in range(k):
        members = [i for i in np.flatnonzero(assigned == c) if closeness[i] >= MIN_CLOSENESS]
        if len(members) >= MIN_SIZE:
            groups.append(members)
            ranked = vocabulary[np.argsort(-centres[c])[:40]]
            # Whole words name a matter better than character bigrams; bigrams only fill a gap.
            words = [t for t in ranked if not t.startswith("#")]
            labels.append((words + [t.lstrip("#") for t in ranked if t.startswith("#")])[:5] if len(words) < 3 else words[:5])
    order = sorted(range(len(groups)), key=lambda g: -len(groups[g]))
    return [groups[g] for g in order], [labels[g] for g in order]


def compute_for(region: Region, *, now=None, campaign=None) -> int:
    """Replace nothing: write this run's clusters for one province or city (over the last year, or
    over one campaign's suggestions and messages); returns how many."""
    now = now or timezone.now()
    docs = _items(region.prefix, now - timezone.timedelta(days=WINDOW_DAYS), campaign=campaign)
    places = _place_pattern(region.prefix)
    groups, labels = cluster([places.sub(" ", d[2]) if places else d[2] for d in docs])
    suggestion_ids = [docs[i][1] for g in groups[:TOP_CLUSTERS] for i in g if docs[i][0] == "s"]
    ratings = Counter()
    from suggestions.models import Rating

    for sid, value in Rating.objects.filter(suggestion_id__in=suggestion_ids).values_list("suggestion_id", "value"):
        ratings[(sid, value in SATISFIED)] += 1
    with transaction.atomic():
        for members, terms in zip(groups[:TOP_CLUSTERS], labels[:TOP_CLUSTERS], strict=True):
            items = [docs[i] for i in members]
            s_ids = [d[1] for d in items if d[0] == "s"]
            issue = HotIssue.objects.create(
                computed_at=now,
                campaign=campaign,
                scope_prefix=region.prefix,
                label="、".join(terms),
                terms=terms,
                size=len(items),
                suggestion_count=len(s_ids),
                message_count=len(items) - len(s_ids),
                regions=dict(Counter(d[3][:COUNTY] for d in items)),
                categories=dict(Counter(d[4] for d in items if d[4])),
                answered_count=sum(1 for d in items if d[5] in ANSWERED),
                satisfied_count=sum(ratings[(sid, True)] for sid in s_ids),
                rated_count=sum(ratings[(sid, True)] + ratings[(sid, False)] for sid in s_ids),
            )
            issue.suggestions.set(s_ids)
            issue.messages.set([d[1] for d in items if d[0] == "m"])
    logger.info(
        "hot issues for %s (campaign %s): %d texts, %d clusters",
        region.prefix, campaign.pk if campaign else "-", len(docs), min(len(groups), TOP_CLUSTERS),
    )
    return min(len(groups), TOP_CLUSTERS)


def campaigns_under_way(region: Region, campaigns) -> list:
    """The campaigns of ``campaigns`` (running today) that apply to the region: set by it or above it."""
    return [c for c in campaigns if region.prefix.startswith(c.region.prefix)]


def compute_all(*, now=None) -> int:
    """The weekly run: every province and city gets its own clusters, over the year and per campaign."""
    from activities.models import Campaign

    now = now or timezone.now()
    today = timezone.localdate(now)
    running = list(Campaign.objects.filter(start_date__lte=today, end_date__gte=today).select_related("region").order_by("id"))
    total = 0
    for region in Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("code"):
        total += compute_for(region, now=now)
        for campaign in campaigns_under_way(region, running):
            total += compute_for(region, now=now, campaign=campaign)
    return total
