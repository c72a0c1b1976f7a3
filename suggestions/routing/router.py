"""The router on the Django side: which model is in use, which rules apply, which department answers.

``route(suggestion_id)`` is what the Celery task calls. It takes the suggestion and the others waiting
(a batch), classifies them with the active model version (loaded once per process), resolves their
departments (``decide``), and has ``services.router_apply`` write the same moves the office's services
make: an assignment at or above ``ROUTER_CONFIDENCE_THRESHOLD``, otherwise triage with the three best
guesses.

Model versions (``RouterModel``) are written here too: ``router_retrain`` and ``router_activate``
keep exactly one version active, under a row lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.transient import TRANSIENT_ERRORS
from regions.models import Region
from suggestions import services
from suggestions.models import Department, RouterModel, RoutingRule, Status, Suggestion, TrainingExample
from suggestions.routing.classifier import (
    Classifier,
    KeywordRule,
    Prediction,
    default_classifier,
    load_examples,
    triage_reasons,
)
from suggestions.routing.learning import Correction, training_set
from suggestions.taxonomy import categories, department_type_for

logger = logging.getLogger(__name__)

# How long a process trusts its idea of which model version (and which keyword rules) is active:
# one cheap query every few seconds instead of one per suggestion, and a new version is picked up
# by every worker within this time.
ACTIVE_CHECK_SECONDS = 5.0


# --- the model in use ---------------------------------------------------------------------------


@dataclass
class _Loaded:
    version_id: int | None = None
    classifier: Classifier | None = None
    keyword_rules: list[tuple[str, KeywordRule]] = field(default_factory=list)  # (region prefix, rule)
    checked_at: float = float("-inf")


_loaded = _Loaded()
_load_lock = threading.Lock()


def _load_version(version_id: int | None) -> Classifier:
    if version_id is None:
        return default_classifier()
    data = RouterModel.objects.values_list("data", flat=True).get(pk=version_id)
    try:
        return Classifier.loads(bytes(data))
    except Exception:
        # ValueError: stored by another scikit-learn or an older format; anything else: the bytes
        # are damaged. Either way routing goes on with the bundled model until the next retrain.
        logger.exception("router model %s cannot be loaded; using the bundled classifier", version_id)
        return default_classifier()


def _refresh() -> _Loaded:
    """Re-check which version is active (at most every ACTIVE_CHECK_SECONDS); reload only on change."""
    global _loaded
    now = time.monotonic()
    if now - _loaded.checked_at < ACTIVE_CHECK_SECONDS and _loaded.classifier is not None:
        return _loaded
    with _load_lock:
        if now - _loaded.checked_at < ACTIVE_CHECK_SECONDS and _loaded.classifier is not None:
            return _loaded
        version_id = RouterModel.objects.filter(active=True).values_list("pk", flat=True).first()
        classifier = _loaded.classifier
        if classifier is None or version_id != _loaded.version_id:
            classifier = _load_version(version_id)
        rules = [
            (prefix, KeywordRule(keyword, category, weight))
            for prefix, keyword, category, weight in RoutingRule.objects.filter(active=True)
            .exclude(keyword="")
            .filter(weight__gt=0)
            .values_list("region__prefix", "keyword", "category", "weight")
        ]
        _loaded = _Loaded(version_id, classifier, rules, now)
        return _loaded


def reset_cache() -> None:
    """Forget the loaded model and rules (tests; the next call reloads)."""
    global _loaded
    with _load_lock:
        _loaded = _Loaded()


def active_classifier() -> Classifier:
    """The classifier of the active model version (or the bundled one), without keyword rules."""
    return _refresh().classifier


def classifier_for(region: Region) -> Classifier:
    """The active classifier with the keyword rules of ``region`` and every region above it."""
    loaded = _refresh()
    rules = [rule for prefix, rule in loaded.keyword_rules if region.prefix.startswith(prefix)]
    return loaded.classifier.with_keyword_rules(rules) if rules else loaded.classifier


def suggestion_text(suggestion: Suggestion) -> str:
    """What the router reads (and what a training example keeps): title and content."""
    return f"{suggestion.title}\n{suggestion.content}"


def classify(suggestion: Suggestion) -> Prediction:
    """The category guess for one suggestion, with the keyword rules of its region applied."""
    return classifier_for(suggestion.region).predict(suggestion_text(suggestion))


# --- department resolution ----------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Who answers: a lead department (None: nobody found), co-handlers, and the rule that decided."""

    lead: Department | None
    co_handlers: tuple[Department, ...] = ()
    rule: RoutingRule | None = None


def resolve_department(region: Region, category: str) -> Resolution:
    """The department that answers a suggestion of ``category`` raised in ``region``.

    A per-region rule (category → department) in the region or above it wins, the most specific
    region first; otherwise the category's department type is looked up in the government of the
    region, walking up (village → township → county → city → province) to the first that has an
    active department of that type.
    """
    return resolve_many([(region, category)])[region.pk, category]


def resolve_many(pairs: Iterable[tuple[Region, str]]) -> dict[tuple[int, str], Resolution]:
    """``resolve_department`` for many (region, category) pairs in a fixed number of queries: the
    regions above them, the rules (and their co-handlers) and the departments that could answer."""
    pairs = list(pairs)
    if not pairs:
        return {}
    regions = {region.pk: region for region, _category in pairs}
    above = Region.ancestors_of(regions.values())
    # Each region, then the regions above it, nearest first (village → … → province).
    chains = {pk: [region, *reversed(above[pk])] for pk, region in regions.items()}
    # Per category (and per department type), only the regions of the suggestions that need it.
    regions_of: dict[str, set[int]] = {}
    for region, category in pairs:
        regions_of.setdefault(category, set()).update(r.pk for r in chains[region.pk])
    by_type: dict[str, set[int]] = {}
    for category, ids in regions_of.items():
        by_type.setdefault(department_type_for(category), set()).update(ids)
    rules = list(
        RoutingRule.objects.filter(
            reduce(operator.or_, (Q(category=c, region__in=ids) for c, ids in regions_of.items())), active=True, department__active=True
        )
        .select_related("department", "region")
        .prefetch_related("co_handlers")
    )
    candidates = list(
        Department.objects.filter(reduce(operator.or_, (Q(type=t, region__in=ids) for t, ids in by_type.items())), active=True)
    )
    found = {}
    for region, category in pairs:
        depth = {r.pk: i for i, r in enumerate(chains[region.pk])}
        matching = [r for r in rules if r.category == category and r.region_id in depth]
        if matching:
            rule = min(matching, key=lambda r: (depth[r.region_id], -r.pk))
            co = tuple(d for d in rule.co_handlers.all() if d.active and d.pk != rule.department_id)
            found[region.pk, category] = Resolution(rule.department, co, rule)
            continue
        kind = department_type_for(category)
        answering = sorted((d for d in candidates if d.type == kind and d.region_id in depth), key=lambda d: (depth[d.region_id], d.pk))
        found[region.pk, category] = Resolution(answering[0] if answering else None)
    return found


def resolve_for_assignment(suggestion: Suggestion, category: str) -> Department | None:
    """The lead department to pre-fill when the office picks ``category`` in triage."""
    if category not in categories():
        return None
    return resolve_department(suggestion.region, category).lead


# --- the decision ---------------------------------------------------------------------------------


def threshold() -> float:
    return settings.ROUTER_CONFIDENCE_THRESHOLD


def guesses_for(prediction: Prediction, reasons: Sequence[str] = ()) -> list[dict]:
    """The three best guesses as stored on the suggestion (code, Chinese name, confidence).

    The first also carries what the triage page explains: the ask found, the deciding words, the
    proposed co-handlers (code and name) and why a person should decide.
    """
    taxonomy = categories()
    guesses = [
        {"category": code, "name": taxonomy[code].name_zh, "confidence": round(confidence, 4), "source": "router"}
        for code, confidence in prediction.candidates
    ]
    if guesses:
        guesses[0].update({
            "ask": prediction.ask[:200],
            "ask_category": prediction.ask_category,
            "words": list(prediction.words),
            "co_handlers": [{"category": c, "name": taxonomy[c].name_zh} for c in prediction.co_handlers],
            "reasons": [str(_REASONS[r]) for r in reasons],
        })
    return guesses


def route(suggestion_id: int, *, batch_size: int | None = None) -> str:
    """Route one submitted suggestion, and with it others waiting; returns what happened to this
    one ("assigned", "triage" or "skipped").

    The suggestion's row is locked and its status checked again, so two deliveries of the same task
    leave one assignment: the second finds it no longer ``submitted`` and stops.

    Batches: in the same transaction up to ``ROUTING_BATCH_SIZE`` - 1 other submitted suggestions
    that no other worker holds (``SKIP LOCKED``) are routed too, oldest first, classified together
    and written in a few statements, so a burst of submissions costs a few transactions instead of
    one each. Their own tasks then find them routed, or held by the batch, and stop ("skipped")
    without waiting for it. Should that batch fail, its own task retries it (a database error: the
    retry batches the waiting ones again) or routes its own suggestion alone (any other error, a bug included), and
    the stuck-submission sweeper re-sends whatever is still waiting, so nothing is lost.
    """
    size = settings.ROUTING_BATCH_SIZE if batch_size is None else batch_size
    try:
        return _route(suggestion_id, size)
    except TRANSIENT_ERRORS:
        raise  # the task retries it (a deadlock, a dropped connection)
    except Exception:
        if size <= 1:
            raise
        logger.exception("routing a batch with suggestion %s failed; routing it alone", suggestion_id)
        return _route(suggestion_id, 1)


def _route(suggestion_id: int, size: int) -> str:
    # In a burst most deliveries find their suggestion routed by a neighbour's batch: one cheap
    # read tells, without a transaction. The check that counts is repeated under the lock below.
    if not _waiting(suggestion_id):
        return "skipped"
    with transaction.atomic():
        waiting = Suggestion.objects.select_related("region", "campaign").filter(status=Status.SUBMITTED)
        if size <= 1:
            # Alone: wait for the row. Whoever held it committed (then this finds it moved on) or
            # rolled back (then it is routed here).
            own = waiting.select_for_update(of=("self",)).filter(pk=suggestion_id).first()
            batch = [own] if own is not None else []
        else:
            # A row another batch holds is that batch's to decide: do not wait for it.
            batch = list(waiting.select_for_update(of=("self",), skip_locked=True).filter(pk=suggestion_id))
            others = waiting.select_for_update(of=("self",), skip_locked=True).exclude(pk=suggestion_id)
            batch += others.order_by("submitted_at", "pk")[: size - len(batch)]
        decisions = decide(batch)
        services.router_apply(decisions)
    # Not in the batch: it moved on, or another batch holds it (this one still routed the others).
    own = next((d for d in decisions if d.suggestion.pk == suggestion_id), None)
    if own is None:
        return "skipped"
    return "assigned" if own.lead is not None else "triage"


def route_waiting(*, older_than: dt.timedelta, budget_seconds: float = 40.0) -> int:
    """The stuck-submission sweeper: route here the suggestions still ``submitted`` whose last change
    is older than ``older_than``, oldest first, each call of ``route`` taking a batch, until none is
    left or ``budget_seconds`` have passed (the next sweep goes on). Returns how many were waiting.

    Routing here rather than re-sending tasks: after an outage the suggestions are routed within a
    minute of the broker's return, and a long queue is not filled with second copies of its tasks.
    One that fails is logged and left for the next sweep; it does not stop the others."""
    waiting = Suggestion.objects.filter(status=Status.SUBMITTED, updated_at__lt=timezone.now() - older_than)
    found = waiting.count()
    deadline = time.monotonic() + budget_seconds
    passed: list[int] = []
    while found and time.monotonic() < deadline:
        suggestion_id = waiting.exclude(pk__in=passed).order_by("submitted_at", "pk").values_list("pk", flat=True).first()
        if suggestion_id is None:
            break
        passed.append(suggestion_id)
        try:
            route(suggestion_id)
        except Exception:
            logger.exception("the sweeper could not route suggestion %s; the next sweep tries again", suggestion_id)
    return found


def _waiting(suggestion_id: int) -> bool:
    """Whether the suggestion is still ``submitted``: the one statement most routing tasks run.

    Written as SQL: building the same ``filter().exists()`` costs Django three times what PostgreSQL
    needs to answer it, and in a burst it runs once per suggestion.
    """
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s AND status = %s", [suggestion_id, Status.SUBMITTED])  # noqa: S608 - a model's table
        return cursor.fetchone() is not None


def classify_many(suggestions: Sequence[Suggestion]) -> list[Prediction]:
    """``classify`` for many suggestions: one pass of the model per set of keyword rules that applies."""
    loaded = _refresh()
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, suggestion in enumerate(suggestions):
        applies = tuple(n for n, (prefix, _rule) in enumerate(loaded.keyword_rules) if suggestion.region.prefix.startswith(prefix))
        groups.setdefault(applies, []).append(i)
    predictions: list[Prediction | None] = [None] * len(suggestions)
    for applies, members in groups.items():
        classifier = loaded.classifier
        if applies:
            classifier = classifier.with_keyword_rules([loaded.keyword_rules[n][1] for n in applies])
        for i, prediction in zip(members, classifier.predict_many([suggestion_text(suggestions[i]) for i in members]), strict=True):
            predictions[i] = prediction
    return predictions


# Why a suggestion went to triage, as the office reads it.
_REASONS = {
    "low_confidence": gettext_lazy("置信度低于阈值"),
    "close_call": gettext_lazy("前两个类别接近"),
    "ask_elsewhere": gettext_lazy("诉求指向的类别与全文判断不一致"),
    "no_department": gettext_lazy("本区划及上级均未找到该类别的承办单位"),
}


def explain(prediction: Prediction, reasons: Sequence[str] = ()) -> str:
    """What the router found, in the office's words: the ask, the deciding words, co-handlers, why triage."""
    taxonomy = categories()
    parts = []
    if prediction.ask:
        parts.append(_("找到的诉求：「%(ask)s」（单看诉求：%(name)s %(confidence).2f）。") % {
            "ask": prediction.ask[:80], "name": taxonomy[prediction.ask_category].name_zh, "confidence": prediction.ask_confidence,
        })
    if prediction.words:
        parts.append(_("起决定作用的词：%(words)s。") % {"words": "、".join(prediction.words)})
    if prediction.co_handlers:
        parts.append(_("建议协办：%(names)s。") % {"names": "、".join(taxonomy[c].name_zh for c in prediction.co_handlers)})
    if reasons:
        parts.append(_("转人工原因：%(reasons)s。") % {"reasons": "；".join(str(_REASONS[r]) for r in reasons)})
    return "".join(parts)


def decide(suggestions: Sequence[Suggestion]) -> list[services.RouterDecision]:
    """Assign (confident, clear, the ask agreeing, department found) or send to triage with the guesses.

    Triage when the confidence is below the threshold, when the best two categories are close, or
    when the ask alone points to another category than the whole text (the setting outvoted it).
    """
    limit = threshold()
    taxonomy = categories()
    predictions = classify_many(suggestions)
    reasons = [triage_reasons(p, limit) for p in predictions]
    resolutions = resolve_many({(s.region, p.category) for s, p, r in zip(suggestions, predictions, reasons, strict=True) if not r})
    decisions = []
    for suggestion, prediction, why in zip(suggestions, predictions, reasons, strict=True):
        name = taxonomy[prediction.category].name_zh
        decision = services.RouterDecision(suggestion, prediction.category, prediction.confidence, "", guesses=guesses_for(prediction, why))
        if not why:
            resolution = resolutions[suggestion.region.pk, prediction.category]
            if resolution.lead is not None:
                decision.note = _("系统分办：类别「%(name)s」，置信度 %(confidence).2f（阈值 %(threshold).2f）。") % {
                    "name": name, "confidence": prediction.confidence, "threshold": limit,
                }
                if resolution.rule is not None:
                    decision.note += _("依据分办规则 #%(rule)s。") % {"rule": resolution.rule.pk}
                decision.note += explain(prediction)
                decision.lead, decision.co_handlers = resolution.lead, resolution.co_handlers
            else:
                decision.note = _("类别「%(name)s」（置信度 %(confidence).2f）在本区划及上级均未找到承办单位，请人工分办。") % {
                    "name": name, "confidence": prediction.confidence,
                }
                # Confident, yet waiting for a person: the triage page says why.
                if decision.guesses:
                    decision.guesses[0]["reasons"] = [str(_REASONS["no_department"])]
        else:
            decision.note = _("系统分办置信度 %(confidence).2f（阈值 %(threshold).2f），请人工分办。") % {
                "confidence": prediction.confidence, "threshold": limit,
            } + explain(prediction, why)
        decisions.append(decision)
    return decisions


# --- model versions -------------------------------------------------------------------------------


def training_examples() -> tuple[list[tuple[str, str]], list[float]]:
    """Everything the router learns from, with weights: the bundled examples, and every office decision
    kept, each counted once and each county office's weight capped (``suggestions.routing.learning``)."""
    valid = categories()
    kept = (
        TrainingExample.objects.filter(category__in=list(valid))
        .order_by("created_at", "pk")
        .values_list("text", "category", "suggestion_id", "suggestion__region__prefix")
    )
    corrections = [
        Correction(text, category, office=(prefix or "")[:6], key=str(suggestion_id or ""))
        for text, category, suggestion_id, prefix in kept
    ]
    return training_set(load_examples(), corrections)


def _metrics(classifier: Classifier, examples: list[tuple[str, str]]) -> dict:
    # Training accuracy: cheap and enough to spot a broken retrain; the held-out figures are in
    # docs/routing.md (make eval-routing), which takes minutes.
    predictions = classifier.predict_many([text for text, _ in examples])
    correct = sum(p.category == category for p, (_, category) in zip(predictions, examples, strict=True))
    routed = [p.category == category for p, (_, category) in zip(predictions, examples, strict=True) if not triage_reasons(p, threshold())]
    return {
        "training_accuracy": round(correct / len(examples), 4) if examples else None,
        "training_auto_share": round(len(routed) / len(examples), 4) if examples else None,
        "threshold": threshold(),
    }


def router_retrain() -> RouterModel:
    """Train on the bundled examples, the lexicon and all kept decisions; store and activate a new version."""
    examples, weights = training_examples()
    classifier = Classifier.train(examples, weights=weights)
    data = classifier.dumps()
    metrics = _metrics(classifier, examples)
    with transaction.atomic():
        # Lock every version row: two retrains at once still end with exactly one active version.
        versions = list(RouterModel.objects.select_for_update().values_list("version", flat=True))
        RouterModel.objects.filter(active=True).update(active=False)
        model = RouterModel.objects.create(
            version=max(versions, default=0) + 1, data=data, examples=len(examples), metrics=metrics, active=True
        )
    logger.info("router model version %s trained on %s examples", model.version, model.examples)
    return model


class UnusableModel(ValueError):
    """A stored version this code cannot load (another model format or scikit-learn version, damaged bytes)."""


def router_activate(version: int | None = None) -> RouterModel:
    """Make ``version`` the active one again; without a version, the one before the active version.

    Raises RouterModel.DoesNotExist when there is no such version, and UnusableModel when this code cannot
    load it (after an upgrade that changed the model, older versions are kept for the record but cannot be
    routed with: ``retrain_router`` trains a new one from the same examples).
    """
    with transaction.atomic():
        rows = list(RouterModel.objects.select_for_update().order_by("-version").only("pk", "version", "active"))
        if version is None:
            active = next((r for r in rows if r.active), None)
            older = [r for r in rows if active is None or r.version < active.version]
            if not older:
                raise RouterModel.DoesNotExist("no older version to roll back to")
            target = older[0]
        else:
            target = next((r for r in rows if r.version == version), None)
            if target is None:
                raise RouterModel.DoesNotExist(f"no router model version {version}")
        data = RouterModel.objects.values_list("data", flat=True).get(pk=target.pk)
        try:
            Classifier.loads(bytes(data))
        except Exception as error:
            raise UnusableModel(f"router model version {target.version} cannot be loaded by this release ({error}); "
                                "run retrain_router to train a new one") from None
        RouterModel.objects.exclude(pk=target.pk).filter(active=True).update(active=False)
        RouterModel.objects.filter(pk=target.pk).update(active=True)
    target.active = True
    return target
