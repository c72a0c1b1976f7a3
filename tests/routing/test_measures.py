"""The report's measures that need no probe: leaving one writer's training file out. No database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suggestions.routing import measures
from suggestions.routing.classifier import DEFAULT_CONFIDENCE_THRESHOLD, Classifier
from suggestions.routing.measures import ProbeScore, WriterScore, leave_one_writer_out, pooled_writer_score

_ROWS = {
    "first.csv": [
        ("transport", "村里的通组公路坑坑洼洼，希望尽快硬化"),
        ("water", "河沟的堤坝塌了一段，希望赶紧加固"),
        ("transport", "公交车一天只有两班，希望加开班次"),
    ],
    "second.csv": [
        ("water", "水库放水前没人通知，希望提前广播"),
        ("transport", "桥面裂了好长的缝，希望修一修公路桥"),
        ("water", "灌溉渠堵了，希望疏通水渠"),
    ],
}


@pytest.fixture()
def writer_files(tmp_path):
    paths = []
    for name, rows in _ROWS.items():
        path = tmp_path / name
        path.write_text("id,category,text\n" + "".join(f"{name}{i},{c},{t}\n" for i, (c, t) in enumerate(rows)), encoding="utf-8")
        paths.append(path)
    return paths


def test_leave_one_writer_out_scores_each_file_with_a_model_that_never_read_it(writer_files, monkeypatch):
    trained_on = []

    def train(examples, weights=None):
        trained_on.append({text for text, _ in examples})
        return Classifier.train(examples)

    monkeypatch.setattr(measures, "train", train)

    scores = leave_one_writer_out(writer_files, 0.5, training=writer_files)

    assert [score.held_out for score in scores] == ["first.csv", "second.csv"]
    assert [score.examples for score in scores] == [3, 3]
    assert trained_on == [{text for _, text in _ROWS["second.csv"]}, {text for _, text in _ROWS["first.csv"]}]
    for score in scores:
        assert 0.0 <= score.score.top1 <= 1.0 and 0.0 <= score.score.triage_share <= 1.0


def test_pooled_writer_score_weighs_each_file_by_its_size():
    scores = [
        WriterScore("a.csv", 100, ProbeScore(0.9, 1.0, 0.5)),
        WriterScore("b.csv", 300, ProbeScore(0.5, 0.8, 0.0)),
    ]

    pooled = pooled_writer_score(scores)

    assert pooled.top1 == pytest.approx(0.6)
    assert pooled.triage_share == pytest.approx(0.125)
    # 50 auto-routed in a (all right), 300 in b (240 right)
    assert pooled.auto_precision == pytest.approx(290 / 350)


def _prediction(category: str, confidence: float):
    from suggestions.routing.classifier import Prediction

    other = "water" if category != "water" else "transport"
    return Prediction(category, confidence, [(category, confidence), (other, 1 - confidence)])


def _precisions(curve):
    return [(threshold, score.auto_precision) for threshold, score in curve.items()]


def test_the_threshold_is_the_lowest_at_which_the_writers_held_out_reach_the_precision_target():
    # Two writers' texts: the confident ones right, one wrong at 0.91 and one wrong at 0.95.
    writers = [
        measures.WriterPredictions("a.csv", [_prediction("transport", c) for c in (0.99, 0.98, 0.91)], ["transport", "transport", "water"]),
        measures.WriterPredictions("b.csv", [_prediction("water", c) for c in (0.97, 0.95, 0.80)], ["water", "transport", "water"]),
    ]

    curve = dict(measures.threshold_curve(writers, thresholds=(0.85, 0.92, 0.96)))

    # pooled: at 0.85 five are routed alone, three right; at 0.92 four, three right; at 0.96 three, all right
    assert [curve[t].auto_precision for t in (0.85, 0.92, 0.96)] == [0.6, 0.75, 1.0]
    assert [round(curve[t].triage_share, 3) for t in (0.85, 0.92, 0.96)] == [0.167, 0.333, 0.5]
    assert curve[0.85].top1 == pytest.approx(4 / 6)
    assert measures.choose_threshold(_precisions(curve), target=0.97) == 0.96
    assert measures.choose_threshold(_precisions(curve), target=0.7) == 0.92
    assert measures.choose_threshold(_precisions(curve)[:2], target=0.97) is None


def test_the_shipped_threshold_is_the_one_the_report_would_choose_from_its_own_curve():
    # The section says so loudly when the shipped threshold and the writers' choice part.
    writers = [measures.WriterPredictions("a.csv", [_prediction("transport", 0.99), _prediction("transport", 0.90)], ["transport", "water"])]

    assert "(chosen)" in "\n".join(measures.threshold_section(writers, 0.95, thresholds=(0.85, 0.95)))
    assert "differs" not in "\n".join(measures.threshold_section(writers, 0.95, thresholds=(0.85, 0.95)))
    assert "differs" in "\n".join(measures.threshold_section(writers, 0.85, thresholds=(0.85, 0.95)))


def test_the_threshold_is_calibrated_on_the_harder_half_of_the_writers():
    # given an easy writer (40 texts, all right at 0.90) and a hard one (wrong at 0.90, right at 0.97)
    easy = measures.WriterPredictions("easy.csv", [_prediction("transport", 0.90)] * 40, ["transport"] * 40)
    hard = measures.WriterPredictions("hard.csv", [_prediction("water", 0.90), _prediction("water", 0.97)], ["transport", "water"])
    steps = (0.85, 0.95)

    # then pooled, 0.85 would already reach the target (41 right of 42 routed alone, 97.6%)...
    pooled = measures.threshold_curve([easy, hard], steps)
    assert pooled[0][1].auto_precision == pytest.approx(41 / 42)
    assert measures.choose_threshold((t, s.auto_precision) for t, s in pooled) == 0.85
    # ...but the hard one is the harder half, and it decides
    assert measures.harder_half([easy, hard]) == [hard]
    assert measures.writers_threshold([easy, hard], steps) == 0.95
    # and the section names the harder half
    assert "`hard.csv`). The shipped" in "\n".join(measures.threshold_section([easy, hard], 0.95, thresholds=steps))


def test_the_report_in_the_repository_chose_the_threshold_that_ships():
    # docs/routing.md is written by `make eval-routing`; its writers' section ends "Chosen: X; shipped: Y.". When the
    # training data or the model change, the report is regenerated, and the shipped default must follow its choice.
    report = (Path(__file__).resolve().parents[2] / "docs" / "routing.md").read_text(encoding="utf-8")
    chosen = re.search(r"^Chosen: ([0-9.]+); shipped: ([0-9.]+)\.$", report, re.MULTILINE)

    assert chosen is not None
    assert float(chosen.group(1)) == float(chosen.group(2)) == DEFAULT_CONFIDENCE_THRESHOLD
