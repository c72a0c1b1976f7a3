"""The router on the Django side: which model is in use, which rules apply, which department answers.

``route(suggestion_id)`` is what the Celery task calls. It classifies the suggestion with the active
model version (loaded once per process), resolves the department, and then calls the same services
the office uses: ``suggestion_assign`` at or above ``ROUTER_CONFIDENCE_THRESHOLD``, otherwise
``suggestion_route_to_triage`` with the three best guesses.

Model versions (``RouterModel``) are written here too: ``router_retrain`` and ``router_activate``
keep exactly one version active, under a row lock.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Region
from suggestions import services
from suggestions.models import Department, RouterModel, RoutingRule, Status, Suggestion, TrainingExample
from suggestions.routing.classifier import (
    Classifier,
    KeywordRule,
    Prediction,
    default_classifier,
    load_examples,
)
from suggestions.taxonomy import categories, department_type_for
from suggestions.transitions import TransitionNotAllowed

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


def _region_chain(region: Region) -> list[Region]:
    """The region and the regions above it, nearest first (village → … → province)."""
    return [region, *reversed(region.ancestors())]


def resolve_department(region: Region, category: str) -> Resolution:
    """The department that answers a suggestion of ``category`` raised in ``region``.

    A per-region rule (category → department) in the region or above it wins, the most specific
    region first; otherwise the category's department type is looked up in the government of the
    region, walking up (village → township → county → city → province) to the first that has an
    active department of that type.
    """
    chain = _region_chain(region)
    depth = {r.pk: i for i, r in enumerate(chain)}
    rules = list(
        RoutingRule.objects.filter(active=True, category=category, department__active=True, region__in=chain)
        .select_related("department", "region")
        .prefetch_related("co_handlers")
    )
    if rules:
        rule = min(rules, key=lambda r: (depth[r.region_id], -r.pk))
        co = tuple(d for d in rule.co_handlers.all() if d.active and d.pk != rule.department_id)
        return Resolution(rule.department, co, rule)
    candidates = Department.objects.filter(active=True, type=department_type_for(category), region__in=chain)
    found = sorted(candidates, key=lambda d: (depth[d.region_id], d.pk))
    return Resolution(found[0] if found else None)


def resolve_for_assignment(suggestion: Suggestion, category: str) -> Department | None:
    """The lead department to pre-fill when the office picks ``category`` in triage."""
    if category not in categories():
        return None
    return resolve_department(suggestion.region, category).lead


# --- the decision ---------------------------------------------------------------------------------


def threshold() -> float:
    return settings.ROUTER_CONFIDENCE_THRESHOLD


def guesses_for(prediction: Prediction) -> list[dict]:
    """The three best guesses as stored on the suggestion (code, Chinese name, confidence)."""
    taxonomy = categories()
    return [
        {"category": code, "name": taxonomy[code].name_zh, "confidence": round(confidence, 4), "source": "router"}
        for code, confidence in prediction.candidates
    ]


def route(suggestion_id: int) -> str:
    """Route one submitted suggestion; returns what happened ("assigned", "triage" or "skipped").

    The services lock the row and check the status again, so two deliveries of the same task leave
    one assignment: the second finds the suggestion no longer ``submitted`` and stops.
    """
    suggestion = Suggestion.objects.select_related("region").filter(pk=suggestion_id).first()
    if suggestion is None or suggestion.status != Status.SUBMITTED:
        return "skipped"
    prediction = classify(suggestion)
    try:
        with transaction.atomic():
            # Re-check under the row lock: "assign" is also allowed from triage, so without it a
            # second delivery could assign a suggestion the first one had just sent to triage.
            locked = Suggestion.objects.select_for_update(of=("self",)).filter(pk=suggestion_id).values_list("status", flat=True).first()
            if locked != Status.SUBMITTED:
                return "skipped"
            return _decide(suggestion, prediction)
    except (TransitionNotAllowed, Suggestion.DoesNotExist):
        logger.info("suggestion %s moved on while routing; nothing to do", suggestion_id)
        return "skipped"


def _decide(suggestion: Suggestion, prediction: Prediction) -> str:
    """Assign (confident, department found) or send to triage with the three guesses."""
    name = categories()[prediction.category].name_zh
    limit = threshold()
    if prediction.confidence >= limit:
        resolution = resolve_department(suggestion.region, prediction.category)
        if resolution.lead is not None:
            note = _("系统分办：类别「%(name)s」，置信度 %(confidence).2f（阈值 %(threshold).2f）。") % {
                "name": name, "confidence": prediction.confidence, "threshold": limit,
            }
            if resolution.rule is not None:
                note += _("依据分办规则 #%(rule)s。") % {"rule": resolution.rule.pk}
            services.suggestion_assign(
                suggestion.pk,
                lead=resolution.lead,
                co_handlers=resolution.co_handlers,
                actor=None,
                category=prediction.category,
                note=note,
                decided_by_router=True,
                confidence=round(prediction.confidence, 4),
            )
            return "assigned"
        note = _("类别「%(name)s」（置信度 %(confidence).2f）在本区划及上级均未找到承办单位，请人工分办。") % {
            "name": name, "confidence": prediction.confidence,
        }
    else:
        note = _("系统分办置信度 %(confidence).2f，低于阈值 %(threshold).2f，请人工分办。") % {
            "confidence": prediction.confidence, "threshold": limit,
        }
    services.suggestion_route_to_triage(suggestion.pk, guesses=guesses_for(prediction), actor=None, note=note)
    return "triage"


# --- model versions -------------------------------------------------------------------------------


def training_examples() -> list[tuple[str, str]]:
    """Everything the router learns from: the bundled examples and every office decision kept."""
    valid = categories()
    kept = [(text, category) for text, category in TrainingExample.objects.values_list("text", "category") if category in valid]
    return load_examples() + kept


def _metrics(classifier: Classifier, examples: list[tuple[str, str]]) -> dict:
    # Training accuracy: cheap and enough to spot a broken retrain; the cross-validated figures are
    # in docs/routing.md (make eval-routing), which takes a minute.
    predictions = classifier.predict_many([text for text, _ in examples])
    correct = sum(p.category == category for p, (_, category) in zip(predictions, examples, strict=True))
    routed = [p.category == category for p, (_, category) in zip(predictions, examples, strict=True) if p.confidence >= threshold()]
    return {
        "training_accuracy": round(correct / len(examples), 4) if examples else None,
        "training_auto_share": round(len(routed) / len(examples), 4) if examples else None,
        "threshold": threshold(),
    }


def router_retrain() -> RouterModel:
    """Train on the bundled examples, the lexicon and all kept decisions; store and activate a new version."""
    examples = training_examples()
    classifier = Classifier.train(examples)
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


def router_activate(version: int | None = None) -> RouterModel:
    """Make ``version`` the active one again; without a version, the one before the active version.

    Raises RouterModel.DoesNotExist when there is no such version.
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
        RouterModel.objects.exclude(pk=target.pk).filter(active=True).update(active=False)
        RouterModel.objects.filter(pk=target.pk).update(active=True)
    target.active = True
    return target
