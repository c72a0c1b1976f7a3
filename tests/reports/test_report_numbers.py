"""Numbers as the report writes them (万, 亿, 余, 同比)."""

from __future__ import annotations

import pytest

from reports.numbers import change, cn_about, cn_number, cn_ordinal, percent, points


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (3210, "3210"), (9999, "9999"), (10000, "1万"), (32100, "3.21万"), (196000, "19.6万"), (123456, "12.35万"),
     (250_000_000, "2.5亿")],
)
def test_cn_number_writes_wan_and_yi_with_at_most_two_decimals(n, text):
    assert cn_number(n) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [(999, "999"), (3456, "3400余"), (3400, "3400"), (12345, "1.2万余"), (603456, "60余万"), (600000, "60万"), (123_456_789, "1.2亿余")],
)
def test_cn_about_rounds_down_and_says_yu(n, text):
    assert cn_about(n) == text


def test_change_in_words():
    assert change(1123, 1000) == "同比增长 12.3%"
    assert change(960, 1000) == "同比下降 4.0%"
    assert change(5, 5) == "与上次持平"
    assert change(7, 0) == "上次为零"


def test_points_and_percent_and_ordinals():
    assert points(80.5, 77.3) == "提高 3.2 个百分点"
    assert points(70.0, 77.3) == "下降 7.3 个百分点"
    assert points(None, 1.0) == "无可比数据"
    assert percent(None) == "—"
    assert percent(95.0) == "95.0%"
    assert [cn_ordinal(n) for n in (1, 8, 10, 12, 21)] == ["一", "八", "十", "十二", "二十一"]
