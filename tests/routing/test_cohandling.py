"""Co-handler proposals (known co-handling pairs of the remits) and how they are measured.

No database: run with ``pytest tests/routing -p no:django`` as well as in the full suite.
"""

from __future__ import annotations

from pathlib import Path

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


DEV_SETS = [
    Path(cohandling.PAIRS_CSV).parent / "suggestions_cohandlers_dev.csv",
    Path(cohandling.PAIRS_CSV).parent / "suggestions_cohandlers_dev2.csv",
]


@pytest.mark.parametrize(
    ("lead", "text", "expected"),
    [
        # a care home's kitchen: market regulation's food safety, civil affairs' care home
        ("market_regulation", "镇上养老院伙房的菜是馊的，老人吃了拉肚子，请来查一查。", ("civil_affairs",)),
        # reimbursement at a village clinic: the clinic is health's
        ("medical_insurance", "村卫生室刷不了医保卡，拿药只能自己垫钱跑镇上报。", ("health",)),
        # a farm's power: the shrimp ponds are agriculture's
        ("utilities", "虾田的增氧机一停电虾就死一片，请把变压器换个大的。", ("agriculture",)),
        # a landslide over houses: people at risk bring in emergency management
        ("natural_resources", "屋后山体滑坡，底下住着三户人家，请派人来看看。", ("emergency_safety",)),
        # a government owing the firm (three markers) and a building site (two): both, most markers first
        ("employment_social_security", "政府欠了厂里工程款，工地上的工钱也拖着，包工头找不到人。", ("business_environment", "housing")),
    ],
)
def test_widened_pairs_bring_in_the_remit_that_shares_the_matter(lead, text, expected):
    assert cohandling.propose(lead, text) == expected


def test_a_new_pairs_place_named_only_as_the_speakers_workplace_brings_no_one_in():
    assert cohandling.propose("medical_insurance", "我在卫生院上班，老伴在武汉住院，异地就医备案么样办？") == ()
    assert cohandling.propose("emergency_safety", "我在学校当门卫，街上那家废品站堆满了油桶，请消防来查查。") == ()


def test_the_lead_gate_sits_at_eighty_percent():
    classifier: Classifier = default_classifier()

    assert classifier._co_handlers("market_regulation", 0.80, CANTEEN) == ("education",)
    assert classifier._co_handlers("market_regulation", 0.79, CANTEEN) == ()


def test_second_dev_set_is_labelled_with_known_codes_and_shares_no_text_with_the_first():
    cases = load_co_handler_cases(DEV_SETS[1])
    codes = set(category_codes()) - {"other"}
    first = {text for text, _, _ in load_co_handler_cases(DEV_SETS[0])}

    assert len(cases) >= 120
    assert all(lead in codes and set(co) <= codes and lead not in co for _, lead, co in cases)
    shared = [co for _, _, co in cases if co]
    assert 0.5 <= len(shared) / len(cases) <= 0.7
    assert len({(lead, c) for _, lead, co in cases for c in co}) >= 40
    assert not first & {text for text, _, _ in cases}


def test_co_handlers_on_both_dev_sets_stay_precise_and_find_half():
    classifier: Classifier = default_classifier()

    reports = [measure_co_handlers(classifier, path) for path in DEV_SETS]
    proposed, right, labelled = (sum(getattr(r, name) for r in reports) for name in ("proposed", "right", "labelled"))

    # Measured when the pairs were widened: 85.5% precision, 50.4% recall over both sets. The floor is
    # the target for precision, so a training change may move it a little without failing.
    assert right / proposed >= 0.80
    assert right / labelled >= 0.45
