"""What the classifier reads: the ask's and the remits' blocks are there when weighted, gone when weighted 0."""

from __future__ import annotations

import pytest

from suggestions.routing.features import AskFeatures, load_remits

TEXTS = [
    "我在镇上药店上班，店门口那截路全是坑，盼着有人来把路面补平。",
    "学校食堂旁边小卖部卖过期牛奶，希望市场监管来查一查。",
    "村里低保评得不公开，建议张榜公示。",
]


@pytest.mark.parametrize("ask_weight, remit_weight", [(1.0, 1.0), (0.5, 0.0), (0.0, 2.0), (0.0, 0.0)])
def test_a_block_is_in_the_features_exactly_when_it_is_weighted(ask_weight, remit_weight):
    features = AskFeatures(ask_weight=ask_weight, remit_weight=remit_weight).fit(TEXTS)

    names = features.feature_names()
    matrix = features.transform(TEXTS)

    # one name per column, whatever is left out
    assert matrix.shape == (len(TEXTS), len(names))
    assert any(name.startswith("诉求:") for name in names) == bool(ask_weight)
    remit_columns = [name for name in names if name.startswith(("诉求近「", "全文近「"))]
    assert len(remit_columns) == (2 * len(load_remits()) if remit_weight else 0)


def test_the_ask_block_counts_the_ask_by_its_weight():
    half = AskFeatures(ask_weight=0.5, remit_weight=0.0).fit(TEXTS)
    full = AskFeatures(ask_weight=1.0, remit_weight=0.0).fit(TEXTS)
    ask_columns = [i for i, name in enumerate(full.feature_names()) if name.startswith("诉求:")]

    assert ask_columns
    assert half.transform(TEXTS)[:, ask_columns].sum() == pytest.approx(full.transform(TEXTS)[:, ask_columns].sum() / 2)
