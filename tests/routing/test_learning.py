"""What the router learns from corrections: each counts once, and no office outweighs its cap. No database."""

from __future__ import annotations

import pytest

from suggestions.routing.learning import OFFICE_CAP, Correction, training_set, weigh_corrections


def test_the_same_text_corrected_many_times_counts_once_the_latest_winning():
    corrections = [Correction("村口的路坏了", "urban_management", office="420101")] * 5
    corrections.append(Correction("村口的 路坏了", "transport", office="420102"))

    assert weigh_corrections(corrections) == [("村口的 路坏了", "transport", 1.0)]


def test_one_offices_corrections_together_weigh_at_most_the_cap():
    # given a rogue office filing 400 distinct corrections, and a careful one filing 10
    rogue = [Correction(f"第{i}件：路灯不亮", "veterans", office="420101") for i in range(400)]
    careful = [Correction(f"第{i}件：低保没批", "civil_affairs", office="420202") for i in range(10)]

    weighed = weigh_corrections(rogue + careful)

    rogue_weight = sum(weight for _, category, weight in weighed if category == "veterans")
    assert rogue_weight == pytest.approx(OFFICE_CAP)
    assert [weight for _, category, weight in weighed if category == "civil_affairs"] == [1.0] * 10


def test_the_training_set_keeps_the_bundled_examples_at_full_weight():
    examples, weights = training_set([("a", "transport")], [Correction("b", "water", key="7"), Correction("c", "water", key="7")])

    assert examples == [("a", "transport"), ("c", "water")]
    assert weights == [1.0, 1.0]
