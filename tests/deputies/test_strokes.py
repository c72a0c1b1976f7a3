import pytest

from deputies.names import name_sort_keys
from deputies.strokes import stroke_count
from tests.factories.deputies import DeputyFactory


@pytest.mark.parametrize(
    ("char", "strokes"),
    [("丁", 2), ("卫", 3), ("王", 4), ("冯", 5), ("向", 6), ("刘", 6), ("李", 7), ("张", 7), ("陈", 7), ("周", 8), ("欧", 8),
     ("赵", 9), ("秦", 10), ("黄", 11), ("覃", 12), ("谭", 14)],
)
def test_it_counts_surname_strokes_in_the_simplified_form(char, strokes):
    assert stroke_count(char) == strokes


def test_it_files_a_compound_surname_under_its_first_character():
    _, _, surname_strokes, key = name_sort_keys("欧阳明")
    assert surname_strokes == 8
    assert key == "080608"


def test_it_gives_pinyin_initials_for_search():
    pinyin, initials, _, _ = name_sort_keys("向明华")
    assert pinyin == "xiang ming hua"
    assert initials == "xmh"


def test_it_orders_names_by_strokes_character_by_character(tree):
    for name in ["张三", "王五", "丁一", "李四", "黄六", "李二"]:
        DeputyFactory(name=name, region=tree.zhushan)
    from deputies.models import Deputy

    ordered = list(Deputy.objects.order_by("name_stroke_key", "name_pinyin").values_list("name", flat=True))
    # 丁2 < 王4 < 李7 = 张7 (then the second character: 二2 < 三3 < 四5) < 黄11
    assert ordered == ["丁一", "王五", "李二", "张三", "李四", "黄六"]


def test_it_sorts_unknown_characters_last():
    assert stroke_count("A") == 99
