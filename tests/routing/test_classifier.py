"""The routing classifier on its own: quality on unseen texts, API contract, rules, storage, CSV tool.

No database: run with ``pytest tests/routing -p no:django`` as well as in the full suite.
"""

from __future__ import annotations

import io

import pytest

from suggestions.routing.__main__ import main
from suggestions.routing.classifier import (
    DEFAULT_CONFIDENCE_THRESHOLD,
    Classifier,
    KeywordRule,
    Prediction,
    category_codes,
    default_classifier,
    load_examples,
)
from suggestions.routing.evaluation import InputFormatError, classify_csv, cross_validate, render_markdown

# A snack-stall complaint the model, left alone, files under education (it is near a school):
# exactly the kind of case an office fixes with a keyword rule.
AMBIGUOUS_TEXT = "学校门口的小摊贩卖自制的辣条和冷饮，卫生条件很差，担心孩子吃坏肚子。"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return default_classifier()


def test_cross_validated_quality_meets_the_targets():
    # Honest: each fold's model is trained without the texts it is scored on.
    report = cross_validate(load_examples(), folds=5, seed=0)

    assert report.examples == 150
    assert report.top1_accuracy >= 0.90
    assert report.top3_accuracy >= report.top1_accuracy
    assert report.threshold == DEFAULT_CONFIDENCE_THRESHOLD
    assert report.auto_routed_precision is not None
    assert report.auto_routed_precision >= 0.97
    assert report.triage_share < 0.5
    assert sum(score.support for score in report.per_category) == 150
    assert "| top-1 accuracy |" in render_markdown(report)


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


def test_predict_many_agrees_with_predict(classifier):
    texts = ["低保评定不公开", "村里手机信号太差", "", "烈士墓碑需要修缮"]

    batch = classifier.predict_many(texts)
    one_by_one = [classifier.predict(text) for text in texts]

    assert [p.category for p in batch] == [p.category for p in one_by_one]
    assert [p.confidence for p in batch] == pytest.approx([p.confidence for p in one_by_one])
    assert classifier.predict_many([]) == []


def test_keyword_rule_changes_the_result_for_an_ambiguous_text(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("辣条", "market_regulation")])

    before = classifier.predict(AMBIGUOUS_TEXT)
    after = ruled.predict(AMBIGUOUS_TEXT)

    assert before.category != "market_regulation"
    assert after.category == "market_regulation"
    assert after.confidence > before.confidence
    # A text without the keyword is left exactly as the model sees it.
    plain = "村里手机信号太差，打电话要爬到山顶。"
    assert ruled.predict(plain) == classifier.predict(plain)


def test_keyword_rule_matches_full_width_and_case_variants(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("5G", "utilities", weight=10)])

    assert ruled.predict("小区的５ｇ基站什么时候建").category == "utilities"


def test_heavy_keyword_rule_forces_the_category_past_the_threshold(classifier):
    ruled = classifier.with_keyword_rules([KeywordRule("辣条", "market_regulation", weight=10)])

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
    assert lines[0] == "id,category,confidence"
    assert [line.split(",")[0] for line in lines[1:]] == ["a1", "a2", "a3", "a4"]
    for line in lines[1:]:
        _, category, confidence = line.split(",")
        assert category in category_codes()
        assert 0.0 <= float(confidence) <= 1.0
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
    assert rows[0] == "id,category,confidence"
    assert rows[1].startswith("7,veterans,")
