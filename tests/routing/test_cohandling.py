"""Co-handler proposals (known co-handling pairs of the remits) and how they are measured.

No database: run with ``pytest tests/routing -p no:django`` as well as in the full suite.
"""

from __future__ import annotations

import pytest

from suggestions.routing import cohandling
from suggestions.routing.classifier import Classifier, Prediction, category_codes, default_classifier
from suggestions.routing.measures import load_co_handler_cases, measure_co_handlers, score_co_handlers

CANTEEN = "学校食堂的肉闻着有股味，好几个伢吃了拉肚子，请来查查食堂进的货。"
TEACHER_ASKS_FOR_FOOD_CHECKS = "我是县一中的老师，街上那家饭馆菜里吃出了虫子，请来查一查。"


class _Fixed:
    """Stands in for a classifier: answers each text with the lead and co-handlers it was given."""

    def __init__(self, answers: dict[str, tuple[str, tuple[str, ...]]]) -> None:
        self._answers = answers

    def predict_many(self, texts):
        return [Prediction(self._answers[t][0], 0.9, co_handlers=self._answers[t][1]) for t in texts]


def test_measure_co_handlers_counts_precision_and_recall_on_a_labelled_file(tmp_path):
    # given four labelled texts: two shared matters (three co-handlers labelled) and two single ones
    path = tmp_path / "cases.csv"
    path.write_text(
        "id,category,co_handlers,text\n"
        "a,market_regulation,education,学校食堂\n"
        "b,employment_social_security,housing;business_environment,工地欠薪\n"
        "c,transport,,路烂了\n"
        "d,utilities,,冇信号\n",
        encoding="utf-8",
    )
    # and a router that proposes education (right), housing and agriculture (one right, one wrong),
    # health under a wrong lead (wrong) and nothing for the last
    router = _Fixed({
        "学校食堂": ("market_regulation", ("education",)),
        "工地欠薪": ("employment_social_security", ("housing", "agriculture")),
        "路烂了": ("health", ("health",)),
        "冇信号": ("utilities", ()),
    })

    report = measure_co_handlers(router, path)

    # then 2 of 4 proposals are right, and 2 of the 3 labelled co-handlers were found
    assert (report.cases, report.proposed, report.right, report.labelled, report.cases_with_proposal) == (4, 4, 2, 3, 3)
    assert report.precision == pytest.approx(0.5)
    assert report.recall == pytest.approx(2 / 3)
    assert report.lead_top1 == pytest.approx(0.75)


def test_co_handler_scores_are_undefined_without_proposals_or_labels():
    report = score_co_handlers(["transport"], [()], [("路烂了", "transport", ())])

    assert report.precision is None and report.recall is None
    assert report.lead_top1 == 1.0


def test_co_handler_cases_read_the_lead_from_either_column(tmp_path):
    path = tmp_path / "lead.csv"
    path.write_text("id,lead,co_handlers,text\nx,housing,emergency_safety;urban_management,楼道燃气管锈了\n", encoding="utf-8")

    assert load_co_handler_cases(path) == [("楼道燃气管锈了", "housing", ("emergency_safety", "urban_management"))]


def test_known_pairs_name_valid_codes_never_the_lead_nor_other():
    pairs = cohandling.load_pairs()

    assert set(pairs) <= set(category_codes()) - {"other"}
    for lead, found in pairs.items():
        assert all(code in category_codes() and code not in (lead, "other") and markers for code, markers in found)


def test_a_shared_matter_brings_in_the_co_handler_but_the_speakers_job_does_not():
    assert cohandling.propose("market_regulation", CANTEEN) == ("education",)
    # the school is only where the speaker works: the restaurant's food is market regulation's alone
    assert cohandling.propose("market_regulation", TEACHER_ASKS_FOR_FOOD_CHECKS) == ()
    # a pair is directed: education leading a canteen text does not bring in market regulation
    assert cohandling.propose("education", CANTEEN) == ()
    # nor does a school named only in who is speaking
    assert cohandling.propose("market_regulation", "学校的老师讲，街上饭馆的菜里有虫子，请来查一查。") == ()


def test_co_handlers_are_proposed_only_under_a_confident_lead():
    classifier: Classifier = default_classifier()

    assert classifier._co_handlers("market_regulation", 0.99, CANTEEN) == ("education",)
    assert classifier._co_handlers("market_regulation", 0.5, CANTEEN) == ()
