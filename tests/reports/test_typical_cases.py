"""The typical-case picker's rules: class A and rated 满意 only; most people behind first; spread
over categories and sub-regions; told from the suggestion's own record."""

from __future__ import annotations

import pytest

from dashboards.figures import Filters
from reports import cases

pytestmark = pytest.mark.django_db


def _row(pk, category, unit, weight):
    return {"id": pk, "category": category, "region__prefix": unit, "weight": weight}


def test_spread_takes_a_new_category_and_sub_region_before_repeating_one():
    rows = [_row(1, "transport", "4228", 90), _row(2, "transport", "4228", 80), _row(3, "water", "4228", 70),
            _row(4, "water", "4210", 60), _row(5, "health", "4210", 50)]
    # 1 first; 2 and 3 repeat its category or its sub-region, 4 is new on both; then 5 (a new category
    # in a used sub-region) before 2 or 3 (category and sub-region both used)
    assert [r["id"] for r in cases.spread(rows, 3, 4)] == [1, 4, 5]
    assert [r["id"] for r in cases.spread(rows, 5, 4)] == [1, 4, 5, 2, 3]


def test_spread_second_pass_prefers_a_new_category_or_a_new_sub_region_over_a_full_repeat():
    rows = [_row(1, "transport", "4228", 90), _row(2, "transport", "4228", 80), _row(3, "water", "4228", 70)]
    assert [r["id"] for r in cases.spread(rows, 3, 4)] == [1, 3, 2]


def test_only_class_a_rated_satisfied_qualifies_most_people_first(tree, provincial, campaign, data, cases_data):
    filters = Filters.build(user=provincial, region=tree.province, campaign=campaign)
    ranked = cases.ranked(filters)
    assert [r["id"] for r in ranked] == [
        cases_data["big_transport_zhushan"].pk,  # 3 co-signers + 40 residents
        cases_data["second_transport_zhushan"].pk,  # 2 + 30
        cases_data["water_fengkou"].pk,  # 1 + 5
    ]
    assert [r["weight"] for r in ranked] == [43, 32, 6]


def test_the_pick_spreads_over_categories_and_counties(tree, provincial, campaign, data, cases_data):
    filters = Filters.build(user=provincial, region=tree.province, campaign=campaign)
    assert cases.pick(filters, 2) == [cases_data["big_transport_zhushan"].pk, cases_data["water_fengkou"].pk]


def test_a_case_is_told_from_its_own_title_answer_and_timeline(tree, provincial, campaign, data, cases_data):
    big = cases_data["big_transport_zhushan"]
    [told] = cases.tell([big.pk])
    assert told["title"] == "关于硬化珠山镇村道的建议"
    text = told["text"]
    assert f"珠山镇{big.lead_deputy.name}代表与3名代表联名提出《关于硬化珠山镇村道的建议》，" in text
    assert "反映了在活动中联系的40名群众的共同诉求" in text
    assert "交由宣恩县交通运输局办理" in text
    assert "宣恩县交通运输局答复：已完成村道硬化2.3公里，群众出行条件明显改善。" in text
    assert "后续纳入日常养护" not in text  # only the answer's first sentence
    assert text.endswith("办理结果为“已解决或基本解决”，代表测评“满意”。")


def test_a_county_report_picks_only_its_own_cases(tree, xuanen_office, campaign, data, cases_data):
    filters = Filters.build(user=xuanen_office, region=tree.xuanen, campaign=campaign)
    assert cases.pick(filters) == [cases_data["big_transport_zhushan"].pk, cases_data["second_transport_zhushan"].pk]
    assert cases.valid_choice(filters, [cases_data["water_fengkou"].pk, cases_data["second_transport_zhushan"].pk]) == [
        cases_data["second_transport_zhushan"].pk
    ]
