"""The report's further measures: co-handler proposals, the learning loop, and the time a text takes.

Used by ``make eval-routing`` (``python -m suggestions.routing eval``) next to ``evaluation``; no database.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from suggestions.routing import classifier, features, keep
from suggestions.routing.classifier import DEFAULT_CONFIDENCE_THRESHOLD, Classifier, triage_reasons
from suggestions.routing.learning import OFFICE_CAP, Correction, training_set

# The targets on the hard probe and for co-handler proposals.
TARGET_HARD_TOP1 = 0.85
# What is routed without a person must be right this often (the target; the report's one home for it).
TARGET_AUTO_PRECISION = 0.97
TARGET_HARD_TRIAGE = 0.35
TARGET_CO_HANDLER_PRECISION = 0.80
# The replay: corrections fed in batches of this many, as if from this many county offices in turn.
REPLAY_BATCH = 20
REPLAY_OFFICES = 10


# Where trained models of an evaluation are kept between runs (None: not kept). A model is reused only
# for the same examples, weights, and code and data that shape training.
TRAIN_CACHE: Path | None = None


def train(examples: Sequence[tuple[str, str]], weights: Sequence[float] | None = None) -> Classifier:
    """``Classifier.train``, reusing a model kept in ``TRAIN_CACHE`` by an earlier run when one fits."""
    return keep.train_or_load(examples, TRAIN_CACHE, weights)


@dataclass(frozen=True)
class CoHandlerReport:
    cases: int
    lead_top1: float
    proposed: int  # co-handlers proposed over all cases
    right: int  # of those, labelled co-handlers of the case
    labelled: int  # labelled co-handlers over all cases
    cases_with_proposal: int

    @property
    def precision(self) -> float | None:
        return self.right / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.right / self.labelled if self.labelled else None


def load_co_handler_cases(path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(text, lead, co-handlers)`` rows of a labelled csv: the lead in a ``lead`` column (the unseen
    multi-remit file, ``id,lead,co_handlers,text``) or in ``category`` (the training files and the
    co-handler dev set, ``id,category,co_handlers,text``); co-handlers ``;``-separated, may be empty."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [
            (row["text"], row.get("lead") or row["category"], tuple(code for code in (row.get("co_handlers") or "").split(";") if code))
            for row in csv.DictReader(handle)
        ]


def score_co_handlers(
    leads: Sequence[str], proposals: Sequence[Sequence[str]], cases: Sequence[tuple[str, str, tuple[str, ...]]]
) -> CoHandlerReport:
    """Count proposals against labels: a proposed co-handler is right when the case's labels name it
    (precision = right / proposed, recall = right / labelled), whatever the predicted lead."""
    proposed = right = labelled = with_proposal = lead_right = 0
    for lead, proposal, (_, true_lead, co_handlers) in zip(leads, proposals, cases, strict=True):
        lead_right += lead == true_lead
        proposed += len(set(proposal))
        right += len(set(proposal) & set(co_handlers))
        labelled += len(set(co_handlers))
        with_proposal += bool(proposal)
    return CoHandlerReport(len(cases), lead_right / len(cases) if cases else 0.0, proposed, right, labelled, with_proposal)


def evaluate_co_handlers(classifier: Classifier, cases: Sequence[tuple[str, str, tuple[str, ...]]]) -> CoHandlerReport:
    """How often the lead is right, and how many proposed co-handlers the labels name."""
    predictions = classifier.predict_many([text for text, _, _ in cases])
    return score_co_handlers([p.category for p in predictions], [p.co_handlers for p in predictions], cases)


def measure_co_handlers(classifier: Classifier, path: Path) -> CoHandlerReport:
    """Co-handler precision and recall of ``classifier`` on any labelled csv (see ``load_co_handler_cases``)."""
    return evaluate_co_handlers(classifier, load_co_handler_cases(path))


@dataclass(frozen=True)
class ProbeScore:
    top1: float
    auto_precision: float | None
    triage_share: float


def score_probe(classifier: Classifier, probe: Sequence[tuple[str, str]], threshold: float) -> ProbeScore:
    predictions = classifier.predict_many([text for text, _ in probe])
    return _score(predictions, [category for _, category in probe], threshold)


# The colloquial training files that stand in for "a writer the model has never read": each is held out
# in turn by ``leave_one_writer_out`` (the latest writer first), a proxy for an unseen probe that may be
# tuned on, since the probes themselves may not.
WRITER_FILES = (
    *reversed(classifier.SINGLE_WRITER_CSVS),
    classifier.COLLOQUIAL3_TRAINING_CSV,
    classifier.COLLOQUIAL2_TRAINING_CSV,
    classifier.DATA_DIR / "suggestions_hard_train.csv",
)


def _squeezed(text: str) -> str:
    return "".join(features.normalize(text).split())


@dataclass(frozen=True)
class WriterScore:
    held_out: str  # the training file's name
    examples: int
    score: ProbeScore


@dataclass(frozen=True)
class WriterPredictions:
    held_out: str  # the training file's name
    predictions: list  # of classifier.Prediction, one per text of the file
    truth: list[str]

    def score(self, threshold: float) -> ProbeScore:
        return _score(self.predictions, self.truth, threshold)


def _score(predictions: Sequence, truth: Sequence[str], threshold: float) -> ProbeScore:
    correct = np.array([p.category == category for p, category in zip(predictions, truth, strict=True)])
    auto = np.array([not triage_reasons(p, threshold) for p in predictions], dtype=bool)
    return ProbeScore(float(correct.mean()), float(correct[auto].mean()) if auto.any() else None, float(1 - auto.mean()))


def writer_predictions(
    held_out: Sequence[Path] = WRITER_FILES, *, training: Sequence[Path] = classifier.TRAINING_CSVS
) -> list[WriterPredictions]:
    """Train without one writer's file and predict that file; each file of ``held_out`` in turn. Training
    texts equal to a held-out one (after squeezing) are left out too."""
    results = []
    for path in held_out:
        test = classifier.load_examples(path)
        unseen = {_squeezed(text) for text, _ in test}
        rest = [
            example for other in training if Path(other) != Path(path)
            for example in classifier.load_examples(other) if _squeezed(example[0]) not in unseen
        ]
        predictions = train(rest).predict_many([text for text, _ in test])
        results.append(WriterPredictions(Path(path).name, predictions, [category for _, category in test]))
    return results


def leave_one_writer_out(
    held_out: Sequence[Path] = WRITER_FILES,
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
    *,
    training: Sequence[Path] = classifier.TRAINING_CSVS,
) -> list[WriterScore]:
    """Each file of ``held_out`` scored by a model that never read it (top-1, auto-routed precision,
    triage share): a proxy for an unseen probe that may be tuned on, since the probes may not."""
    return [
        WriterScore(w.held_out, len(w.truth), w.score(threshold)) for w in writer_predictions(held_out, training=training)
    ]


# The threshold is chosen on these writers held out: each wrote exactly one file in one voice, so holding the
# file out removes that voice from training entirely (of the earlier files, another by the same hand may remain).
THRESHOLD_WRITER_FILES = classifier.SINGLE_WRITER_CSVS
THRESHOLD_STEPS = tuple(round(0.50 + 0.02 * i, 2) for i in range(25))  # 0.50 … 0.98


def threshold_curve(
    writers: Sequence[WriterPredictions], thresholds: Sequence[float] = THRESHOLD_STEPS
) -> list[tuple[float, ProbeScore]]:
    """The held-out writers pooled (every text counts once) at each threshold."""
    predictions = [p for w in writers for p in w.predictions]
    truth = [t for w in writers for t in w.truth]
    return [(threshold, _score(predictions, truth, threshold)) for threshold in thresholds]


def choose_threshold(points: Iterable[tuple[float, float | None]], target: float = TARGET_AUTO_PRECISION) -> float | None:
    """The lowest threshold at which what is routed alone is right at least ``target`` of the time
    (None when none gets there): precision first, then as little triage as that allows.

    ``points`` are ``(threshold, auto-routed precision)`` pairs in rising threshold order (precision None when
    nothing is routed alone). The one rule for the threshold section and the cross-validation report alike."""
    return next((t for t, precision in points if precision is not None and precision >= target), None)


def harder_half(writers: Sequence[WriterPredictions]) -> list[WriterPredictions]:
    """The half of the writers held out whose texts the model gets right least often (top-1; at least one).

    The threshold is calibrated on these hard cases: pooled with the easy voices, the precision target would be
    met on average while the hard voices, the ones an office most needs to check, were routed wrong more often."""
    ranked = sorted(writers, key=lambda w: (w.score(1.0).top1, w.held_out))
    return ranked[: max(1, len(ranked) // 2)]


def writers_threshold(writers: Sequence[WriterPredictions], thresholds: Sequence[float] = THRESHOLD_STEPS) -> float | None:
    """The threshold the writers held out choose: the lowest at which the harder half reach the precision target."""
    return choose_threshold((t, score.auto_precision) for t, score in threshold_curve(harder_half(writers), thresholds))


def threshold_section(writers: Sequence[WriterPredictions], shipped: float, thresholds: Sequence[float] = THRESHOLD_STEPS) -> list[str]:
    hard = harder_half(writers)
    chosen = writers_threshold(writers, thresholds)
    texts = sum(len(w.truth) for w in writers)
    lines = [
        "## The threshold, chosen on writers held out",
        "",
        f"Each of the {len(writers)} single-writer training files "
        f"({', '.join(f'`{w.held_out}`' for w in writers)}; {texts} texts) is held out in turn and predicted by a "
        "model trained on everything else; the predictions are scored at each threshold (with the close-call and "
        "ask-elsewhere rules as shipped), pooled over all of them and over the harder half: the "
        f"{len(hard)} files the model gets right least often ({', '.join(f'`{w.held_out}`' for w in hard)}). "
        "The shipped threshold is the lowest at which what the harder half has routed alone is right at least "
        f"{TARGET_AUTO_PRECISION:.0%} of the time (calibrated on the hard cases held out: pooled with the easy voices "
        "the target would be met on average and missed on the hard ones). Chosen here, never on a probe.",
        "",
        "| threshold | top-1, all | auto-routed precision, all | sent to triage, all | auto-routed precision, harder half "
        "| sent to triage, harder half |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (threshold, score), (_, hard_score) in zip(threshold_curve(writers, thresholds), threshold_curve(hard, thresholds), strict=True):
        mark = " **(chosen)**" if threshold == chosen else ""
        lines.append(
            f"| {threshold:.2f}{mark} | {_percent(score.top1)} | {_percent(score.auto_precision)} | {_percent(score.triage_share)} "
            f"| {_percent(hard_score.auto_precision)} | {_percent(hard_score.triage_share)} |"
        )
    lines += ["", f"Chosen: {chosen if chosen is not None else 'none reaches the target'}; shipped: {shipped:.2f}."]
    if chosen is not None and abs(chosen - shipped) > 1e-9:
        lines.append("**The shipped threshold differs from the one these writers choose: update "
                     "`DEFAULT_CONFIDENCE_THRESHOLD` and `ROUTER_CONFIDENCE_THRESHOLD`.**")
    return lines + [""]


def pooled_writer_score(scores: Sequence[WriterScore]) -> ProbeScore:
    """The writers' scores pooled, each file weighing by its size (auto precision by its auto-routed texts)."""
    total = sum(s.examples for s in scores)
    auto = [s.examples * (1 - s.score.triage_share) for s in scores]
    right_auto = sum(a * (s.score.auto_precision or 0.0) for a, s in zip(auto, scores, strict=True))
    return ProbeScore(
        sum(s.examples * s.score.top1 for s in scores) / total,
        right_auto / sum(auto) if sum(auto) else None,
        sum(s.examples * s.score.triage_share for s in scores) / total,
    )


@dataclass(frozen=True)
class LearningPoint:
    corrections: int  # replayed so far
    score: ProbeScore


def replay_corrections(
    bundled: Sequence[tuple[str, str]],
    corrections: Sequence[tuple[str, str]],
    probe: Sequence[tuple[str, str]],
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
    batch: int = REPLAY_BATCH,
    *,
    start: Classifier | None = None,
) -> list[LearningPoint]:
    """Retrain after each batch of corrections, as ``retrain_router`` does (dedupe, per-office cap),
    and score the fixed probe each time; the first point is the model before any correction
    (``start``, when given, is that model, already trained on ``bundled``)."""
    points = [LearningPoint(0, score_probe(start or train(bundled), probe, threshold))]
    for end in range(batch, len(corrections) + batch, batch):
        end = min(end, len(corrections))
        replayed = [
            Correction(text, category, office=f"county-{i % REPLAY_OFFICES}")
            for i, (text, category) in enumerate(corrections[:end])
        ]
        examples, weights = training_set(bundled, replayed)
        points.append(LearningPoint(end, score_probe(train(examples, weights), probe, threshold)))
    return points


@dataclass(frozen=True)
class PoisonResult:
    capped: ProbeScore
    uncapped: ProbeScore


def poisoned_office(
    bundled: Sequence[tuple[str, str]],
    corrections: Sequence[tuple[str, str]],
    probe: Sequence[tuple[str, str]],
    codes: Sequence[str],
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
) -> PoisonResult:
    """One office files every correction under the wrong category (the next code): the probe with the
    per-office cap, and without it."""
    wrong = [Correction(text, codes[(codes.index(category) + 1) % len(codes)], office="rogue") for text, category in corrections]
    scores = []
    for cap in (OFFICE_CAP, float(len(wrong))):
        examples, weights = training_set(bundled, wrong, cap)
        scores.append(score_probe(train(examples, weights), probe, threshold))
    return PoisonResult(*scores)


def latency_ms(classifier: Classifier, texts: Sequence[str], batch: int = 100) -> tuple[float, float]:
    """Milliseconds a text: classified alone (as one routing task with nothing waiting), and in a batch."""
    texts = list(texts)
    classifier.predict(texts[0])  # warm: jieba's dictionary, caches
    start = time.process_time()
    for text in texts:
        classifier.predict(text + "。")  # a fresh string: no segmentation cached
    alone = (time.process_time() - start) * 1000 / len(texts)
    start = time.process_time()
    for i in range(0, len(texts), batch):
        classifier.predict_many([text + "！" for text in texts[i : i + batch]])
    batched = (time.process_time() - start) * 1000 / len(texts)
    return alone, batched


def learning_svg(points: Sequence[LearningPoint], target: float = TARGET_HARD_TOP1) -> str:
    """A small line chart of top-1 on the probe against corrections replayed (SVG, no library needed)."""
    width, height, left, bottom, top, right = 480, 250, 48, 32, 28, 16
    low, high = 0.5, 1.0
    xmax = max(point.corrections for point in points) or 1

    def x(value: float) -> float:
        return left + (width - left - right) * value / xmax

    def y(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    path = " ".join(f"{x(p.corrections):.1f},{y(p.score.top1):.1f}" for p in points)
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for tick in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        lines.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        lines.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
    for point in points:
        lines.append(f'<text x="{x(point.corrections):.1f}" y="{height - bottom + 14}" text-anchor="middle">{point.corrections}</text>')
    lines += [
        f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" stroke="#c33" stroke-dasharray="4 3"/>',
        f'<text x="{width - right}" y="{y(target) - 4:.1f}" text-anchor="end" fill="#c33">target {target:.0%}</text>',
        f'<polyline points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>',
        *(f'<circle cx="{x(p.corrections):.1f}" cy="{y(p.score.top1):.1f}" r="3" fill="#1f5fa8"/>' for p in points),
        f'<text x="{(left + width - right) / 2:.0f}" y="{height - 4}" text-anchor="middle">corrections replayed</text>',
        f'<text x="{left}" y="14">top-1 on the hard probe</text>',
        "</svg>",
    ]
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def hard_probe_section(score: ProbeScore, threshold: float, *, source: str, title: str) -> list[str]:
    """A hard probe against the issue's targets, in one table."""
    def met(ok: bool) -> str:
        return "met" if ok else "**missed**"

    precision_ok = score.auto_precision is not None and score.auto_precision >= TARGET_AUTO_PRECISION
    return [
        f"## {title}",
        "",
        f"The router as shipped (bundled examples and lexicon; threshold {threshold:.2f}), on `{source}`:",
        "",
        "| measure | value | target | |",
        "| --- | --- | --- | --- |",
        f"| top-1 | {_percent(score.top1)} | ≥ {TARGET_HARD_TOP1:.0%} | {met(score.top1 >= TARGET_HARD_TOP1)} |",
        f"| precision of what is routed automatically | {_percent(score.auto_precision)} | ≥ {TARGET_AUTO_PRECISION:.0%} | {met(precision_ok)} |",
        f"| sent to triage | {_percent(score.triage_share)} | ≤ {TARGET_HARD_TRIAGE:.0%} | "
        f"{met(score.triage_share <= TARGET_HARD_TRIAGE)} |",
        "",
    ]


def co_handler_section(report: CoHandlerReport, source: str) -> list[str]:
    precision = report.precision
    return [
        f"## Co-handlers: `{source}`",
        "",
        f"{report.cases} labelled multi-remit cases (a lead and the departments that co-handle). The router proposes "
        "a co-handler when the lead is confident enough to route alone and the text names the co-handler's part of "
        "a matter the two remits share (`suggestions/data/co_handling_pairs.csv`: a school canteen's food, wages on a "
        "building site), outside the speaker's own introduction; `other` never co-handles. A proposal counts as right when the labels name it as a "
        "co-handler of that case. Proposals are shown to the office at triage (and written by "
        "`classify_suggestions`); they are not assigned by themselves.",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| lead right (top-1) | {_percent(report.lead_top1)} | |",
        f"| cases with a proposal | {report.cases_with_proposal} of {report.cases} | |",
        f"| precision of proposed co-handlers | {_percent(precision)} ({report.right} of {report.proposed}) | "
        f"≥ {TARGET_CO_HANDLER_PRECISION:.0%} |",
        f"| recall of labelled co-handlers | {_percent(report.recall)} ({report.right} of {report.labelled}) | |",
        "",
    ]


def learning_section(
    points: Sequence[LearningPoint], poison: PoisonResult | None, chart: str, source: str, dropped: int = 0
) -> list[str]:
    lines = [
        "## Learning from the office's corrections",
        "",
        f"`{source}` holds 200 hard cases an office would correct (written independently of the training data and "
        f"of the probe). {dropped} of them share a run of text with an unseen probe or co-handler text and are left "
        f"out, so that the probe stays unseen; the other {points[-1].corrections} are replayed in batches of {REPLAY_BATCH}, as if made by {REPLAY_OFFICES} county offices "
        "in turn; after each batch the router is retrained as `retrain_router` retrains it (the bundled examples plus "
        "the corrections so far, each counted once, each office's weight capped at "
        f"{OFFICE_CAP:.0f} examples) and scored on the fixed unseen hard probe.",
        "",
        f"![top-1 on the hard probe after each batch of corrections]({chart})",
        "",
        "| corrections replayed | top-1 | auto-routed precision | sent to triage |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {p.corrections} | {_percent(p.score.top1)} | {_percent(p.score.auto_precision)} | {_percent(p.score.triage_share)} |"
        for p in points
    ]
    lines.append("")
    if poison is not None:
        lines += [
            "### One office that files everything wrong",
            "",
            "The same 200 texts filed by one office, each under the wrong category, then a retrain:",
            "",
            "| | top-1 on the hard probe | auto-routed precision | sent to triage |",
            "| --- | --- | --- | --- |",
            f"| no corrections | {_percent(points[0].score.top1)} | {_percent(points[0].score.auto_precision)} | "
            f"{_percent(points[0].score.triage_share)} |",
            f"| rogue office, weight capped at {OFFICE_CAP:.0f} | {_percent(poison.capped.top1)} | "
            f"{_percent(poison.capped.auto_precision)} | {_percent(poison.capped.triage_share)} |",
            f"| rogue office, no cap | {_percent(poison.uncapped.top1)} | {_percent(poison.uncapped.auto_precision)} | "
            f"{_percent(poison.uncapped.triage_share)} |",
            "",
        ]
    return lines


def latency_section(alone: float, batched: float) -> list[str]:
    return [
        "## Time a text takes",
        "",
        "Measured on this run, on the hard probe's texts (each made new so that nothing is cached), in CPU time of "
        "this process (the machine is shared, so wall-clock time says more about the neighbours): the whole text, "
        "its ask and its setting are each classified, and the deciding words are read off the model.",
        "",
        "| how | ms a text |",
        "| --- | --- |",
        f"| alone (a routing task with nothing else waiting) | {alone:.1f} |",
        f"| in batches of 100 (a routing task in a burst) | {batched:.1f} |",
        "",
        "`make bench` measures the routing worker end to end against its target (`docs/benchmarks.md`).",
        "",
    ]
