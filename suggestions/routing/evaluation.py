"""Measure routing quality on texts the model has not seen, and classify CSV files in bulk.

Longer than our usual 500 lines on purpose: the measures, the leak check and the Markdown report of
``make eval-routing`` are one document's parts, read together when the router changes; split, each
piece would import the others' private shapes.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from suggestions.routing import measures
from suggestions.routing.classifier import (
    DEFAULT_CONFIDENCE_THRESHOLD,
    Classifier,
    Prediction,
    normalize,
    triage_reasons,
)
from suggestions.taxonomy import categories

# The target: at the default threshold, this share of automatically routed suggestions is right.
TARGET_AUTO_PRECISION = measures.TARGET_AUTO_PRECISION
# How routing runs in production: kept in the generated report so that `make eval-routing` never drops it.
PRODUCTION_NOTES = """## How routing runs in production

- **Dispatch.** Submitting a suggestion (page or API) commits it as `submitted` and, after the commit,
  sends `suggestions.tasks.route_suggestion(id)` to Redis. If the broker is down the submission still
  succeeds (201 / the page); the failed dispatch is logged and the sweeper re-sends it.
- **The worker** (`celery -A config worker`, with `celery -A config beat` beside it) runs
  `suggestions.routing.router.route`: it re-reads the suggestion, does nothing unless it is still
  `submitted`, and under the row lock takes with it up to `ROUTING_BATCH_SIZE` - 1 (default 99) other
  suggestions still `submitted` that no other worker holds (`SELECT … FOR UPDATE SKIP LOCKED`, oldest
  first). It classifies title + content of the whole batch in one pass and either assigns each (same
  deadlines, events and notifications as an office's assignment through `services.suggestion_assign`;
  the event says `decided_by_router`, the category and the confidence) or sends it to triage with the
  three best guesses (category, name, confidence), all in one transaction and a few statements
  (`services.router_apply`). The other suggestions' own tasks then find them routed, or held by the
  batch, and stop without waiting. A batch that fails on a database error is retried; on any other
  error the task routes its own suggestion alone. The model is loaded in the worker's main process
  before it forks (and once per process otherwise); every few seconds one query checks whether
  another version was activated. jieba's dictionary is loaded once per process. Until a version is
  stored, the model is the one trained on the bundled examples: the first process to train it keeps it
  in `ROUTER_MODEL_DIR` (environment, default `var/router/`, '' keeps nothing) under a fingerprint of
  the examples, the code and the data that shape it, and the processes that start after it load it
  instead of spending seconds of CPU training the same model (`suggestions/routing/keep.py`).
- **Department.** The category names a department type; the suggestion's region names the government:
  the first active department of that type walking up village → township → county → city → province.
  A routing rule (category → department, with co-handlers) in the region or above overrides that, the
  most specific region first. Nobody found → triage, with a note saying so. Keyword rules (a keyword
  and a weight) apply to suggestions inside the rule's region.
- **Threshold and "not sure".** `ROUTER_CONFIDENCE_THRESHOLD` (environment, default 0.82, chosen on the harder half of the writers held out): the router assigns
  only when the calibrated confidence is at or above it, the best two categories are at least 0.2 apart, and
  the ask alone does not point to another category (the setting outvoting the request). Otherwise the office
  decides in triage, where one click on a guess pre-fills its category and that category's department, and
  the page shows the ask found, the words that decided (whole words of the text, each scored with the
  characters inside it), the proposed co-handlers and why it came to triage
  (the same is written in the timeline note).
- **Nothing lost, nothing doubled.** `acks_late` with `task_reject_on_worker_lost`; retries with backoff
  (at most `TASK_MAX_RETRIES`) for database errors; time limits below the broker's visibility timeout;
  beat runs `sweep_stuck_submissions` every minute, which routes (in batches, in the worker) anything
  `submitted` for over 30 seconds, so after a broker outage suggestions are routed about a minute after
  it returns. A second delivery finds the suggestion no longer `submitted` and stops. The notices a
  routing decision sends are written to the outbox in its transaction (docs/side_effects.md).
  `tests/integration/test_routing_faults.py` kills a worker mid-batch, submits with Redis down and
  delivers a task twice, against real Redis and a real worker.
- **Learning.** Every assignment an office makes from triage with a category (including after an approved
  return) is kept as a `TrainingExample`. `manage.py retrain_router` (beat: Mondays 03:00) trains on the
  bundled examples, the lexicon and the kept examples — each suggestion and each text counted once (the
  latest correction wins), and each county office's corrections weighing together at most 40 examples, so
  that one office cannot move other counties' routing beyond that — stores a new `RouterModel` version with
  its training accuracy, and activates it. `manage.py retrain_router --list` shows versions; `--rollback [VERSION]`
  re-activates an older one (default: the one before the active one). A stored version that cannot be
  loaded (other scikit-learn, damaged) is logged and the bundled classifier is used until the next retrain.
- **Bulk check.** `manage.py classify_suggestions INPUT.csv` writes `id,category,confidence,decision,co_handlers`
  for every row of an `id,text` file with the active model (`decision` is `auto` or `triage` as the router
  would decide; `co_handlers` the proposed co-handling categories joined by `;`); it never touches suggestions.
"""
# Thresholds listed in the report's trade-off table.
CURVE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
# classify_csv predicts in chunks so that a large file never sits in memory as one matrix.
CLASSIFY_BATCH_SIZE = 512
REQUIRED_COLUMNS = ("id", "text")
# A held-out text that shares a run of this many characters with a training text counts as seen: long
# enough that stock phrases (建议有关部门尽快解决) never trip it, short enough to catch a copied clause.
LEAK_RUN = 12


class InputFormatError(ValueError):
    """The input CSV cannot be classified as it stands (for example, a required column is missing)."""


@dataclass(frozen=True)
class CategoryScore:
    """Precision and recall of one category over all held-out predictions."""

    category: str
    name_zh: str
    precision: float
    recall: float
    support: int


@dataclass(frozen=True)
class ThresholdPoint:
    """What a given confidence threshold would do: how much is routed automatically, and how well."""

    threshold: float
    auto_routed_share: float
    auto_routed_precision: float | None


@dataclass(frozen=True)
class EvaluationReport:
    """Cross-validated routing quality. Shares and rates are fractions in 0..1."""

    examples: int
    folds: int
    repeats: int
    seed: int
    threshold: float
    top1_accuracy: float
    top3_accuracy: float
    triage_share: float
    auto_routed_precision: float | None
    per_category: tuple[CategoryScore, ...]
    curve: tuple[ThresholdPoint, ...]
    lowest_threshold_meeting_target: float | None
    confusions: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class HoldoutReport:
    """Quality on a separate set of texts, for a model trained on all the labelled examples."""

    examples: int
    threshold: float
    top1_accuracy: float
    top3_accuracy: float
    triage_share: float
    auto_routed_precision: float | None
    curve: tuple[ThresholdPoint, ...]
    misrouted: tuple[tuple[str, str, str, float], ...]  # text, true category, predicted, confidence
    per_category: tuple[CategoryScore, ...] = ()
    lowest_threshold_meeting_target: float | None = None
    source: str = ""  # where the texts come from, for the report
    description: str = ""
    # The unseen hard probe lists no texts: its failures are not to be read and turned into rules.
    show_misrouted: bool = True


class LeakedTextError(ValueError):
    """A held-out text also appears (whole or in a long run) in the training data."""


def _squeeze(text: str) -> str:
    return "".join(normalize(text).split())


def leaked_texts(
    training_texts: Iterable[str], held_out_texts: Iterable[str], run: int = LEAK_RUN
) -> list[tuple[str, str]]:
    """Held-out texts that the training texts already contain: ``(held-out text, shared run)`` pairs.

    A text counts as leaked when, after normalising (NFKC, lower case, no whitespace), it equals a
    training text or shares a run of ``run`` characters with one.
    """
    training = [_squeeze(text) for text in training_texts]
    whole = set(training)
    windows = {text[i : i + run] for text in training for i in range(len(text) - run + 1)}
    leaked = []
    for original in held_out_texts:
        text = _squeeze(original)
        if text in whole:
            leaked.append((original, text))
            continue
        shared = next((text[i : i + run] for i in range(len(text) - run + 1) if text[i : i + run] in windows), None)
        if shared is not None:
            leaked.append((original, shared))
    return leaked


@dataclass
class _Pooled:
    """Held-out predictions gathered across folds, with the truth they are scored against."""

    texts: list[str] = field(default_factory=list)
    truth: list[str] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)

    def add(self, texts: Sequence[str], truth: Sequence[str], classifier: Classifier) -> None:
        self.texts.extend(texts)
        self.truth.extend(truth)
        self.predictions.extend(classifier.predict_many(texts))

    @property
    def best(self) -> np.ndarray:
        return np.array([prediction.category for prediction in self.predictions], dtype=object)

    @property
    def confidence(self) -> np.ndarray:
        return np.array([prediction.confidence for prediction in self.predictions])

    @property
    def correct(self) -> np.ndarray:
        return self.best == np.array(self.truth, dtype=object)

    @property
    def top3_accuracy(self) -> float:
        hits = [
            label in [code for code, _ in prediction.candidates]
            for label, prediction in zip(self.truth, self.predictions, strict=True)
        ]
        return float(np.mean(hits))

    def at(self, threshold: float) -> ThresholdPoint:
        # Routed automatically: confident, not a close call, and the ask does not point elsewhere.
        routed = np.array([not triage_reasons(prediction, threshold) for prediction in self.predictions], dtype=bool)
        precision = float(self.correct[routed].mean()) if routed.any() else None
        return ThresholdPoint(threshold, float(routed.mean()), precision)

    def curve(self) -> tuple[ThresholdPoint, ...]:
        return tuple(self.at(threshold) for threshold in CURVE_THRESHOLDS)

    def lowest_threshold(self, target: float) -> float | None:
        """The lowest threshold (to 0.01) at which auto-routed precision reaches ``target``, if any."""
        thresholds = (float(t) for t in np.round(np.arange(0.0, 1.0, 0.01), 2))
        return measures.choose_threshold(((t, self.at(t).auto_routed_precision) for t in thresholds), target)


def cross_validate(
    examples: Sequence[tuple[str, str]],
    folds: int = 5,
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
    seed: int = 0,
    repeats: int = 1,
) -> EvaluationReport:
    """Stratified k-fold cross-validation: every text is predicted by a model that never saw it.

    With ``repeats > 1`` the split is redone with seeds ``seed, seed + 1, ...`` and all held-out
    predictions are pooled, which steadies the figures on a small data set.
    """
    texts = np.array([text for text, _ in examples], dtype=object)
    labels = np.array([category for _, category in examples], dtype=object)
    pooled = _Pooled()
    for repeat in range(repeats):
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + repeat)
        for train_idx, test_idx in splitter.split(texts, labels):
            classifier = measures.train(list(zip(texts[train_idx], labels[train_idx], strict=True)))
            pooled.add(list(texts[test_idx]), list(labels[test_idx]), classifier)

    at_threshold = pooled.at(threshold)
    mistakes = Counter(
        (true, predicted) for true, predicted in zip(pooled.truth, pooled.best, strict=True) if true != predicted
    )
    return EvaluationReport(
        examples=len(examples),
        folds=folds,
        repeats=repeats,
        seed=seed,
        threshold=threshold,
        top1_accuracy=float(pooled.correct.mean()),
        top3_accuracy=pooled.top3_accuracy,
        triage_share=1.0 - at_threshold.auto_routed_share,
        auto_routed_precision=at_threshold.auto_routed_precision,
        per_category=_per_category(np.array(pooled.truth, dtype=object), pooled.best, repeats),
        curve=pooled.curve(),
        lowest_threshold_meeting_target=pooled.lowest_threshold(TARGET_AUTO_PRECISION),
        confusions=tuple((true, predicted, count) for (true, predicted), count in mistakes.most_common()),
    )


def evaluate_holdout(
    train_examples: Sequence[tuple[str, str]],
    test_examples: Sequence[tuple[str, str]],
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
    *,
    classifier: Classifier | None = None,
    source: str = "",
    description: str = "",
    show_misrouted: bool = True,
) -> HoldoutReport:
    """Train on ``train_examples`` (or use ``classifier``, trained on them) and score ``test_examples``.

    Raises LeakedTextError when a test text is among the training texts: such a score would say
    nothing about texts the model has never seen.
    """
    leaked = leaked_texts([text for text, _ in train_examples], [text for text, _ in test_examples])
    if leaked:
        shown = "; ".join(f"{text[:30]!r} shares {shared!r}" for text, shared in leaked[:3])
        raise LeakedTextError(f"{len(leaked)} held-out text(s) also appear in the training data: {shown}")
    pooled = _Pooled()
    pooled.add(
        [text for text, _ in test_examples],
        [category for _, category in test_examples],
        classifier or Classifier.train(train_examples),
    )
    at_threshold = pooled.at(threshold)
    return HoldoutReport(
        examples=len(test_examples),
        threshold=threshold,
        top1_accuracy=float(pooled.correct.mean()),
        top3_accuracy=pooled.top3_accuracy,
        triage_share=1.0 - at_threshold.auto_routed_share,
        auto_routed_precision=at_threshold.auto_routed_precision,
        curve=pooled.curve(),
        misrouted=tuple(
            (text, true, prediction.category, prediction.confidence)
            for text, true, prediction in zip(pooled.texts, pooled.truth, pooled.predictions, strict=True)
            if true != prediction.category
        ),
        per_category=_per_category(np.array(pooled.truth, dtype=object), pooled.best, 1),
        lowest_threshold_meeting_target=pooled.lowest_threshold(TARGET_AUTO_PRECISION),
        source=source,
        description=description,
        show_misrouted=show_misrouted,
    )


def _per_category(truth: np.ndarray, best: np.ndarray, repeats: int) -> tuple[CategoryScore, ...]:
    taxonomy = list(categories().values())
    codes = [category.code for category in taxonomy]
    precision, recall, _, support = precision_recall_fscore_support(
        truth, best, labels=codes, zero_division=0
    )
    return tuple(
        CategoryScore(
            category=category.code,
            name_zh=category.name_zh,
            precision=float(precision[i]),
            recall=float(recall[i]),
            # Each example is predicted once per repeat; report it once.
            support=int(support[i]) // repeats,
        )
        for i, category in enumerate(taxonomy)
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _cell(text: str) -> str:
    """Escape a free text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")



def _measures(result) -> list[str]:
    """The measures table, the threshold trade-off and the per-category table of one evaluation."""
    return [
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| top-1 accuracy | {_percent(result.top1_accuracy)} | ≥ 90% |",
        f"| top-3 accuracy (right category among the three guesses) | {_percent(result.top3_accuracy)} | |",
        f"| confidence threshold | {result.threshold:.2f} | |",
        f"| share sent to triage (below the threshold, a close call, or the ask pointing elsewhere) | {_percent(result.triage_share)} | |",
        f"| precision of automatically routed suggestions | {_percent(result.auto_routed_precision)} | ≥ {TARGET_AUTO_PRECISION:.0%} |",
        f"| lowest threshold reaching {TARGET_AUTO_PRECISION:.0%} auto-routed precision | "
        f"{_lowest(result.lowest_threshold_meeting_target)} | |",
        "",
        "### Threshold trade-off",
        "",
        *_curve_table(result.curve),
        "",
        "### Per category (top-1 prediction, before the threshold)",
        "",
        *_category_table(result.per_category),
    ]

def _curve_table(curve: Sequence[ThresholdPoint]) -> list[str]:
    lines = [
        "| threshold | routed automatically | precision of those | sent to triage |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {point.threshold:.2f} | {_percent(point.auto_routed_share)} | {_percent(point.auto_routed_precision)} "
        f"| {_percent(1.0 - point.auto_routed_share)} |"
        for point in curve
    ]
    return lines


def _category_table(scores: Sequence[CategoryScore]) -> list[str]:
    lines = ["| category | name | precision | recall | examples |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| `{score.category}` | {score.name_zh} | {_percent(score.precision)} | {_percent(score.recall)} "
        f"| {score.support} |"
        for score in scores
    ]
    return lines


def _lowest(threshold: float | None) -> str:
    return "none" if threshold is None else f"{threshold:.2f}"


def _holdout_section(holdout: HoldoutReport) -> list[str]:
    title = f"## Held-out texts: `{holdout.source}`" if holdout.source else "## Held-out texts"
    lines = [title, ""]
    if holdout.description:
        lines += [holdout.description, ""]
    lines += [
        f"A model trained on all the labelled examples (and the lexicon), scored on the {holdout.examples} texts "
        "of this file, none of which is in the training data (checked on every run: no text, and no run of "
        f"{LEAK_RUN} characters, is shared with a training text).",
        "",
        *_measures(holdout),
        "",
        "### Misrouted (top-1)",
        "",
    ]
    if not holdout.show_misrouted:
        lines.append(
            f"{len(holdout.misrouted)} misrouted; the texts are not listed, so that nobody tunes the router by reading them."
        )
    elif holdout.misrouted:
        lines += ["| text | true | predicted | confidence |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {_cell(text)} | `{true}` | `{predicted}` | {confidence:.2f} |"
            for text, true, predicted, confidence in holdout.misrouted
        ]
    else:
        lines.append("None.")
    lines.append("")
    return lines


def render_markdown(report: EvaluationReport, holdouts: Sequence[HoldoutReport] = (), *, extra: Sequence[str] = ()) -> str:
    """Render a cross-validation report and the hold-out reports as docs/routing.md."""
    if report.repeats > 1:
        seeds = f"repeated with {report.repeats} seeds ({report.seed}..{report.seed + report.repeats - 1})"
    else:
        seeds = f"seed {report.seed}"
    lines = [
        "# Suggestion routing: classifier evaluation",
        "",
        "Generated by `make eval-routing` "
        "(`.venv/bin/python -m suggestions.routing eval --out docs/routing.md`); do not edit by hand.",
        "",
        PRODUCTION_NOTES,
        "The classifier (`suggestions/routing/classifier.py`) first finds the ask (`suggestions/routing/ask.py`): the "
        "clause after a request word (希望, 建议, 请求, 呼吁, 要求, 能不能, 盼…) to the end of its sentence, with the clause "
        "before it when the request is short, or else the last sentence (the problem to fix); the rest is the setting "
        "(who speaks, where). It segments the text with jieba (domain words from `suggestions/data/user_dict.txt` and the "
        "lexicon) and reads words, single characters and character bigrams of the whole text (the ask's own features "
        "and the similarity to each department's remit, `suggestions/data/department_remits.csv`, are left out: on "
        "writers held out they cost accuracy, see the section on how the model was chosen). A linear "
        "support vector machine (scikit-learn's `LinearSVC`) learns from the labelled examples (`suggestions/data/suggestions_dev.csv`, "
        "`suggestions/data/suggestions_train.csv`, `suggestions/data/suggestions_hard_train.csv` and "
        "`suggestions/data/suggestions_train_colloquial.csv`, `suggestions/data/suggestions_train_colloquial2.csv`, "
        "`suggestions/data/suggestions_train_colloquial3.csv` and the twelve `suggestions/data/suggestions_train_colloquial4*.csv`, `…5*.csv` and `…6*.csv`, one per writer — hard, colloquial cases with misleading settings and "
        "near-category pairs, each written for this by another hand, with co-handlers named for multi-remit asks — and in production "
        "every kept triage decision) plus the "
        "category lexicon (one pseudo-example per term); scikit-learn's `CalibratedClassifierCV` (temperature scaling, "
        "three held-out folds that include the hard examples) makes its confidences comparable with the threshold. "
        "The ask and the setting are also classified alone: the ask's category decides triage when it differs. A "
        "confident lead gets a co-handler where the text names that department's part of a matter the two remits share "
        "(`suggestions/data/co_handling_pairs.csv`). Office keyword rules are applied on top at prediction time.",
        "",
        "## Summary",
        "",
        "| data | texts | top-1 | top-3 | sent to triage | auto-routed precision |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| cross-validation on the labelled examples | {report.examples} | {_percent(report.top1_accuracy)} "
        f"| {_percent(report.top3_accuracy)} | {_percent(report.triage_share)} "
        f"| {_percent(report.auto_routed_precision)} |",
    ]
    lines += [
        f"| held out: `{holdout.source or 'texts'}` | {holdout.examples} | {_percent(holdout.top1_accuracy)} "
        f"| {_percent(holdout.top3_accuracy)} | {_percent(holdout.triage_share)} "
        f"| {_percent(holdout.auto_routed_precision)} |"
        for holdout in holdouts
    ]
    lines += [
        "",
        f"All at the default threshold {report.threshold:.2f}. Targets: top-1 ≥ 90% on texts the model has never "
        f"seen, and ≥ {TARGET_AUTO_PRECISION:.0%} of the automatically routed suggestions routed right.",
        "",
        *extra,
        "## Cross-validation on the labelled examples",
        "",
        f"{report.folds}-fold stratified cross-validation on the {report.examples} labelled examples, {seeds}. "
        "Each text is classified by a model trained without it (the lexicon is part of every model); the "
        "figures pool all held-out predictions.",
        "",
        *_measures(report),
        "",
        f"### Confusions (counted over all {report.repeats} passes)",
        "",
    ]
    if report.confusions:
        lines += ["| true category | predicted | times |", "| --- | --- | --- |"]
        lines += [f"| `{true}` | `{predicted}` | {count} |" for true, predicted, count in report.confusions]
    else:
        lines.append("None.")
    lines.append("")
    for holdout in holdouts:
        lines += _holdout_section(holdout)
    lines += [
        "## Reading these numbers",
        "",
        "- Cross-validation holds each labelled text out of training, but the lexicon is part of every model and "
        "was written by people who had read the first labelled examples, and the labelled examples were written "
        "by the same few people; the held-out files are the better guide to accuracy on new suggestions.",
        "- The held-out files are never trained on and never used to pick model settings after they were "
        "written: the model, its features and the threshold are chosen on the single-writer training files held out "
        "in turn and on the office's corrections. A test "
        "(`tests/routing/test_classifier.py`) fails if a held-out text, or a long run of one, appears in the "
        "training data.",
        "- The default threshold is the lowest at which the harder half of the writers held out reach the target, "
        "above the lowest that the pooled cross-validation would allow; lower it only when retraining on triage "
        "corrections shows the target still holds on real suggestions.",
        f"- The data sets are small: one text is {100 / report.examples:.2g} points of cross-validated accuracy"
        + "".join(f", {100 / holdout.examples:.1f} points on `{holdout.source or 'held-out texts'}`" for holdout in holdouts)
        + ". Repeating the split with several seeds steadies the figures but adds no data.",
        "",
    ]
    return "\n".join(lines)


def classify_csv(
    in_stream: TextIO, out_stream: TextIO, classifier: Classifier, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
) -> int:
    """Read a CSV with ``id`` and ``text`` columns and write ``id,category,confidence,decision,co_handlers``,
    one row per input row.

    ``decision`` is ``auto`` where the router would assign without a person at ``threshold``, ``triage``
    otherwise; ``co_handlers`` are the proposed co-handling categories joined by ``;`` (may be empty).
    Other input columns are ignored. Returns the number of rows written. Raises InputFormatError, before
    writing anything, when a required column is missing.
    """
    reader = csv.DictReader(in_stream)
    columns = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        found = ", ".join(columns) if columns else "no header at all"
        raise InputFormatError(f"input CSV is missing column(s) {', '.join(missing)} (found: {found})")

    writer = csv.writer(out_stream, lineterminator="\n")
    writer.writerow(["id", "category", "confidence", "decision", "co_handlers"])
    written = 0
    for batch in _batches(reader, CLASSIFY_BATCH_SIZE):
        # A short row leaves its text as None: it is still classified (as an empty text), so that
        # the output keeps one row per input row.
        predictions = classifier.predict_many([row["text"] or "" for row in batch])
        for row, prediction in zip(batch, predictions, strict=True):
            decision = "triage" if triage_reasons(prediction, threshold) else "auto"
            writer.writerow(
                [row["id"], prediction.category, f"{prediction.confidence:.4f}", decision, ";".join(prediction.co_handlers)]
            )
        written += len(batch)
    return written


def _batches(rows: Iterable[dict[str, str | None]], size: int) -> Iterator[list[dict[str, str | None]]]:
    batch: list[dict[str, str | None]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
