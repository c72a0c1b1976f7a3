"""The routing classifier on its own: quality on unseen texts, API contract, rules, storage, CSV tool.

No database: run with ``pytest tests/routing -p no:django`` as well as in the full suite.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pytest

from suggestions.routing import classifier as classifier_module
from suggestions.routing import measures as measures_module
from suggestions.routing.__main__ import COHANDLERS_CSV, main, usable_corrections
from suggestions.routing.classifier import (
    COLLOQUIAL2_TRAINING_CSV,
    COLLOQUIAL3_TRAINING_CSV,
    COLLOQUIAL_TRAINING_CSV,
    CORRECTIONS_CSV,
    DEFAULT_CONFIDENCE_THRESHOLD,
    PROBE_CSVS,
    SINGLE_WRITER_CSVS,
    TRAINING_CSVS,
    Classifier,
    KeywordRule,
    Prediction,
    category_codes,
    default_classifier,
    load_examples,
    load_lexicon,
    load_remits,
    triage_reasons,
)
from suggestions.routing.evaluation import (
    LEAK_RUN,
    InputFormatError,
    LeakedTextError,
    classify_csv,
    cross_validate,
    evaluate_holdout,
    leaked_texts,
    render_markdown,
)

# A snack-stall worry the model, left alone, files under education (it is at a school gate):
# exactly the kind of case an office fixes with a keyword rule.
AMBIGUOUS_TEXT = "校门口的辣条摊孩子们围得满满的，家长很担心。"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return default_classifier()


@pytest.mark.slow
def test_cross_validated_quality_meets_the_targets(monkeypatch):
    # Honest: each fold's model is trained without the texts it is scored on.
    # Three folds: three say as much here as five (make eval-routing runs five). The folds' models are kept
    # where the process keeps its router (as `make eval-routing --cache` keeps them), so the command-line
    # report test below, which splits the same way, loads them instead of training them again.
    monkeypatch.setattr(measures_module, "TRAIN_CACHE", classifier_module.KEEP_DIR)
    examples = load_examples()
    report = cross_validate(examples, folds=3, seed=0)

    # Most labelled examples are now hard colloquial cases (settings that mislead), so the cross-validated
    # figures measure harder texts than the unseen probes' plain ones: 88.9% and 95.4% when the colloquial
    # file was added (90.5% and 97.3% without it); 90.3% and 96.4% with the third colloquial file (2366
    # examples). The bounds below are unchanged. The targets are held on the probes (docs/routing.md).
    assert report.examples == len(examples) >= 1400
    assert report.top1_accuracy >= 0.88
    assert report.top3_accuracy >= report.top1_accuracy
    assert report.threshold == DEFAULT_CONFIDENCE_THRESHOLD
    assert report.auto_routed_precision is not None
    assert report.auto_routed_precision >= 0.95
    assert report.triage_share < 0.5
    assert sum(score.support for score in report.per_category) == len(examples)
    assert "| top-1 accuracy |" in render_markdown(report)


def _csv_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("probe", [*PROBE_CSVS, COHANDLERS_CSV], ids=lambda path: path.name)
def test_probe_texts_are_never_in_the_training_data(probe):
    # The held-out score means something only while no probe text (nor a long run of one) is trained on:
    # not in the bundled training files, and not hidden in the lexicon's pseudo-examples.
    training_texts = [text for text, _ in load_examples()]
    lexicon_terms = [term for terms in load_lexicon().values() for term in terms]
    remits = list(load_remits().values())
    rows = _csv_rows(probe)
    probe_texts = [row["text"] for row in rows]

    # Nor in the remits, nor in the office's corrections the learning loop trains on.
    assert leaked_texts(training_texts + lexicon_terms + remits, probe_texts) == []
    unseen = [row["text"] for path in [*PROBE_CSVS, COHANDLERS_CSV] for row in _csv_rows(path)]
    corrections, dropped = usable_corrections(unseen)
    assert leaked_texts([text for text, _ in corrections], probe_texts) == []
    assert len(corrections) + dropped == len(_csv_rows(CORRECTIONS_CSV))
    training_ids = {row["id"] for path in TRAINING_CSVS for row in _csv_rows(path)}
    assert not training_ids & {row["id"] for row in rows}
    assert {row.get("category") or row["lead"] for row in rows} <= set(category_codes())


@pytest.mark.parametrize(
    ("path", "at_least"), [(COLLOQUIAL_TRAINING_CSV, 600), (COLLOQUIAL2_TRAINING_CSV, 500), (COLLOQUIAL3_TRAINING_CSV, 400)]
    + [(path, 180) for path in SINGLE_WRITER_CSVS], ids=lambda v: getattr(v, "name", v)
)
def test_colloquial_training_file_covers_every_category_with_valid_co_handlers(path, at_least):
    # The colloquial examples (settings that mislead, labelled by the ask) name the co-handling
    # departments of multi-remit asks: valid codes, never the lead itself, never `other`.
    rows = _csv_rows(path)

    assert path in TRAINING_CSVS
    assert len(rows) >= at_least
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["text"] for row in rows}) == len(rows)
    assert {row["category"] for row in rows} == set(category_codes())
    co_handled = [row for row in rows if row["co_handlers"]]
    assert co_handled
    for row in co_handled:
        codes = row["co_handlers"].split(";")
        assert set(codes) <= set(category_codes()) - {row["category"], "other"}, row["id"]


def test_lexicon_holds_terms_not_sentences():
    # Terms of at most eight characters: no probe sentence or clause can hide in the lexicon.
    terms = [term for terms in load_lexicon().values() for term in terms]

    assert terms and max(len(term) for term in terms) <= 8
    assert set(load_lexicon()) == set(category_codes())


def test_second_probe_covers_every_category_with_fresh_texts():
    rows = _csv_rows(PROBE_CSVS[1])

    assert len(rows) >= 100
    assert {row["category"] for row in rows} == set(category_codes())
    assert len({row["id"] for row in rows}) == len(rows)
    # The two probe sets are separate texts too.
    assert leaked_texts([row["text"] for row in _csv_rows(PROBE_CSVS[0])], [row["text"] for row in rows]) == []


def test_leaked_texts_finds_copies_through_spacing_width_and_case():
    training = ["村里的通组公路坑坑洼洼，一下雨就没法走，希望尽快硬化。"]

    assert leaked_texts(training, ["村里的 通组公路坑坑洼洼，一下雨就没法走，希望尽快硬化。"])
    # A copied clause of LEAK_RUN characters inside a new text is caught as well.
    clause = training[0][:LEAK_RUN]
    newer = "去年反映过：" + clause + "，至今没人管"
    assert [text for text, _ in leaked_texts(training, [newer])] == [newer]
    assert leaked_texts(training, ["ＡＢＣ"]) == []
    assert leaked_texts(["abc"], ["ＡＢＣ"]) == [("ＡＢＣ", "abc")]
    # Stock phrases shorter than the run do not count.
    assert leaked_texts(training, ["镇上的路灯坏了，希望尽快硬化。"]) == []


def test_evaluate_holdout_refuses_texts_seen_in_training(classifier):
    examples = load_examples()

    with pytest.raises(LeakedTextError, match="1 held-out text"):
        evaluate_holdout(examples, [examples[3], ("全新的一条建议：村口的路灯不亮。", "urban_management")], classifier=classifier)


def test_fresh_probe_meets_the_targets_at_the_default_threshold(classifier):
    # The second probe was written and committed before the current model settings were chosen and is
    # never trained on; this guards the targets on texts the model has never seen.
    report = evaluate_holdout(load_examples(), load_examples(PROBE_CSVS[1]), classifier=classifier)

    assert report.examples >= 100
    assert report.top1_accuracy >= 0.90
    assert report.auto_routed_precision is not None and report.auto_routed_precision >= 0.97
    assert report.top3_accuracy >= report.top1_accuracy
    assert sum(score.support for score in report.per_category) == report.examples
    assert len(report.misrouted) == round(report.examples * (1 - report.top1_accuracy))


@pytest.mark.slow
def test_command_line_eval_reports_cross_validation_and_both_probes(tmp_path, capsys, monkeypatch):
    out = tmp_path / "routing.md"
    # `--cache` sets where the evaluation keeps its models; put it back for the tests after this one.
    monkeypatch.setattr(measures_module, "TRAIN_CACHE", None)

    # The model on all examples is the one the process keeps for routing (classifier.KEEP_DIR, when set), and the
    # three folds' models are the cross-validation test's: the report loads them instead of training them again.
    keep = str(classifier_module.KEEP_DIR or "")
    assert main(["eval", "--folds", "3", "--repeats", "1", "--no-loop", "--cache", keep, "--out", str(out)]) == 0

    text = out.read_text(encoding="utf-8")
    assert "## Cross-validation on the labelled examples" in text
    for probe in PROBE_CSVS:
        assert f"## Held-out texts: `suggestions/data/{probe.name}`" in text
        assert f"| held out: `suggestions/data/{probe.name}` |" in text
    assert text.count("| lowest threshold reaching 97% auto-routed precision |") == 1 + len(PROBE_CSVS)
    assert "## The hard probe against its targets" in text
    assert "## The second hard probe against the same targets" in text
    assert "on `suggestions/data/suggestions_probe_hard2.csv`:" in text
    assert "| precision of proposed co-handlers |" in text
    assert "| alone (a routing task with nothing else waiting) |" in text
    # The unseen hard probes' failures are counted, never listed.
    hard_texts = [row["text"] for probe in PROBE_CSVS[2:] for row in _csv_rows(probe)]
    assert len(hard_texts) > 300
    assert not any(hard_text in text for hard_text in hard_texts)
    assert capsys.readouterr().out == text


def test_command_line_eval_refuses_a_holdout_file_with_training_texts(tmp_path, capsys):
    leaky = tmp_path / "leaky.csv"
    text, category = load_examples()[0]
    leaky.write_text(f"id,category,text\nx1,{category},{text}\n", encoding="utf-8")

    assert main(["eval", "--folds", "2", "--repeats", "1", "--holdout", str(leaky)]) == 2

    captured = capsys.readouterr()
    assert "also appear in the training data" in captured.err
    assert captured.out == ""


def test_predict_returns_a_valid_code_and_three_sorted_candidates(classifier):
    prediction = classifier.predict("村里通组公路坑坑洼洼，一下雨就没法走，希望尽快硬化。")

    assert isinstance(prediction, Prediction)
    assert prediction.category == "transport"
    assert prediction.category in category_codes()
    assert 0.0 <= prediction.confidence <= 1.0
    assert len(prediction.candidates) == 3
    assert prediction.candidates[0] == (prediction.category, prediction.confidence)
    scores = [score for _, score in prediction.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len({code for code, _ in prediction.candidates}) == 3


def test_probabilities_are_the_calibrated_pipelines(classifier):
    # The classifier skips the pipeline's checks (faster for one text); the figures must stay the model's.
    texts = [text for text, _ in load_examples()[::37]] + ["", "５Ｇ"]
    expected = classifier._pipeline.predict_proba(texts)

    probabilities = classifier.probabilities(texts)

    assert probabilities == pytest.approx(expected)
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(len(texts)))


def test_a_setting_that_misleads_does_not_decide_and_the_ask_is_found():
    # given a pharmacist (health) asking for the potholes outside to be filled (transport)
    text = "我在镇上药店站柜台十几年了。店门口那截街面全是坑，下雨就积水，来拿药的老人好几回差点摔倒，盼着有人来把路面补平。"

    prediction = default_classifier().predict(text)

    # then the whole text routes to the road, not the pharmacy; the ask is found and, classified alone, agrees
    assert "路面补平" in prediction.ask
    assert prediction.category == "transport"
    assert prediction.ask_category == "transport"
    # and the office is shown whole words of the text that speak for the road, not the pharmacy
    assert prediction.words
    assert all(word in text for word in prediction.words)
    assert "路面" in prediction.words
    assert "药店" not in prediction.words


def test_a_setting_outvoting_the_ask_goes_to_triage():
    prediction = Prediction(
        "education", 0.97, [("education", 0.97), ("market_regulation", 0.02), ("health", 0.01)],
        ask="过期的牛奶下架", ask_category="market_regulation", ask_confidence=0.8,
    )

    assert triage_reasons(prediction, DEFAULT_CONFIDENCE_THRESHOLD) == ["ask_elsewhere"]
    assert triage_reasons(replace(prediction, ask_category="education"), DEFAULT_CONFIDENCE_THRESHOLD) == []
    close = replace(prediction, confidence=0.5, candidates=[("education", 0.5), ("health", 0.45), ("transport", 0.05)], ask_category="education")
    assert triage_reasons(close, DEFAULT_CONFIDENCE_THRESHOLD) == ["low_confidence", "close_call"]


def test_predict_many_agrees_with_predict(classifier):
    texts = ["低保评定不公开", "村里手机信号太差", "", "烈士墓碑需要修缮"]

    batch = classifier.predict_many(texts)
    one_by_one = [classifier.predict(text) for text in texts]

    assert [p.category for p in batch] == [p.category for p in one_by_one]
    assert [p.confidence for p in batch] == pytest.approx([p.confidence for p in one_by_one])
    assert classifier.predict_many([]) == []


def test_keyword_rule_changes_the_result_for_an_ambiguous_text(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("辣条", "market_regulation")])
    column = classifier.classes.index("market_regulation")

    before = classifier.predict(AMBIGUOUS_TEXT)
    after = ruled.predict(AMBIGUOUS_TEXT)

    assert before.category != "market_regulation"
    assert after.category == "market_regulation"
    assert after.confidence > classifier.probabilities([AMBIGUOUS_TEXT])[0, column]
    # A text without the keyword is left exactly as the model sees it.
    plain = "村里手机信号太差，打电话要爬到山顶。"
    assert ruled.predict(plain) == classifier.predict(plain)


def test_keyword_rule_matches_full_width_and_case_variants(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("5G", "utilities", weight=10)])

    assert ruled.predict("小区的５ｇ基站什么时候建").category == "utilities"


def test_heavy_keyword_rule_forces_the_category_past_the_threshold(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("辣条", "market_regulation", weight=15)])

    assert ruled.predict(AMBIGUOUS_TEXT).confidence >= DEFAULT_CONFIDENCE_THRESHOLD


def test_train_keeps_the_keyword_rules_it_is_given():
    rules = [KeywordRule("辣条", "market_regulation", weight=5)]
    small = Classifier.train(load_examples()[:40], keyword_rules=rules)

    assert small.keyword_rules == tuple(rules)
    assert small.training_size == 40
    assert small.predict(AMBIGUOUS_TEXT).category == "market_regulation"


def test_dumps_and_loads_round_trip_gives_identical_predictions(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("辣条", "market_regulation")])
    texts = [text for text, _ in load_examples()[:30]] + [AMBIGUOUS_TEXT]

    data = ruled.dumps()
    restored = Classifier.loads(data)

    assert isinstance(data, bytes)
    assert restored.keyword_rules == ruled.keyword_rules
    assert restored.predict_many(texts) == ruled.predict_many(texts)


def test_loads_rejects_bytes_that_are_not_a_classifier():
    import joblib

    buffer = io.BytesIO()
    joblib.dump({"not": "a model"}, buffer)

    with pytest.raises(ValueError, match="not a Classifier"):
        Classifier.loads(buffer.getvalue())


def test_train_rejects_an_unknown_category_by_name():
    examples = [("村里的路坏了", "transport"), ("路灯不亮", "street_lights")]

    with pytest.raises(ValueError, match="street_lights"):
        Classifier.train(examples)
    with pytest.raises(ValueError, match="roads"):
        Classifier.train([("村里的路坏了", "transport")], keyword_rules=[KeywordRule("公路", "roads")])


@pytest.mark.parametrize("keyword, weight", [("  ", 1.0), ("公路", 0.0), ("公路", -1.0), ("公路", float("nan"))])
def test_keyword_rule_rejects_empty_keywords_and_non_positive_weights(keyword, weight):
    with pytest.raises(ValueError):
        KeywordRule(keyword, "transport", weight)


def test_classify_csv_writes_one_row_per_input_row(classifier):
    source = io.StringIO(
        "id,text,submitted_by\n"
        "a1,村里的路灯坏了一个多月，晚上出行很不方便,张三\n"
        'a2,"医保报销比例太低，希望提高",李四\n'
        "a3,,王五\n"
        "a4\n"
    )
    out = io.StringIO()

    written = classify_csv(source, out, classifier)

    lines = out.getvalue().splitlines()
    assert written == 4
    assert lines[0] == "id,category,confidence,decision,co_handlers"
    assert [line.split(",")[0] for line in lines[1:]] == ["a1", "a2", "a3", "a4"]
    for line in lines[1:]:
        _, category, confidence, decision, co_handlers = line.split(",")
        assert category in category_codes()
        assert 0.0 <= float(confidence) <= 1.0
        assert decision in {"auto", "triage"} - ({"auto"} if float(confidence) < DEFAULT_CONFIDENCE_THRESHOLD else set())
        assert all(code in category_codes() and code != category for code in co_handlers.split(";") if code)
    assert lines[2].split(",")[1] == "medical_insurance"


def test_classify_csv_reports_missing_columns_before_writing(classifier):
    out = io.StringIO()

    with pytest.raises(InputFormatError, match="text"):
        classify_csv(io.StringIO("id,body\n1,路灯坏了\n"), out, classifier)
    assert out.getvalue() == ""


def test_command_line_classify_exits_2_on_missing_columns(tmp_path, capsys, classifier):
    path = tmp_path / "input.csv"
    path.write_text("suggestion_id,text\n1,路灯坏了\n", encoding="utf-8")

    assert main(["classify", str(path)]) == 2

    captured = capsys.readouterr()
    assert "missing column(s) id" in captured.err
    assert captured.out == ""


def test_command_line_classify_reads_a_spreadsheet_csv(tmp_path, capsys, classifier):
    path = tmp_path / "input.csv"
    # Spreadsheets save UTF-8 CSV with a byte-order mark; it must not hide the id column.
    path.write_text("\ufeffid,text\n7,退役军人优待证办了半年还没拿到\n", encoding="utf-8")

    assert main(["classify", str(path)]) == 0

    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "id,category,confidence,decision,co_handlers"
    assert rows[1].startswith("7,veterans,")
