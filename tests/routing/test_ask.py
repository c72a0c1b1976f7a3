"""Finding the ask in a suggestion: what is requested, apart from who speaks and where. No database."""

from __future__ import annotations

from suggestions.routing.ask import split_ask


def test_the_clause_after_a_request_word_is_the_ask_and_the_speaker_is_setting():
    split = split_ask("我在县医院当护士，下夜班要走一段没有路灯的国道，车子擦身而过，希望在这段加装路灯和护栏。")

    assert split.marked
    assert split.ask == "在这段加装路灯和护栏"
    assert "县医院当护士" in split.setting
    assert "加装路灯" not in split.setting


def test_a_short_request_takes_the_problem_before_it():
    split = split_ask("镇上的电压一到晚上就低，冰箱都带不动，请查一查。")

    assert split.ask == "冰箱都带不动，请查一查"


def test_without_a_request_word_the_last_sentence_stands_for_the_ask():
    split = split_ask("我是开小卖部的。隔壁那家作坊做的豆腐从来没有证照，后厨脏得下不去脚。")

    assert not split.marked
    assert split.ask == "隔壁那家作坊做的豆腐从来没有证照，后厨脏得下不去脚"


def test_words_that_only_look_like_requests_do_not_open_an_ask():
    # 请假 is leave, 求职 is looking for work: neither asks for anything.
    split = split_ask("她请假去求职，跑了三趟人才市场。希望县里多办几场招聘会。")

    assert split.ask == "县里多办几场招聘会"


def test_a_quoted_speakers_introduction_is_never_the_ask():
    split = split_ask("村医老王讲：请大家放心，卫生室照常开门。就是门口的桥断了，盼着早点修好。")

    assert "卫生室照常开门" in split.ask or "早点修好" in split.ask
    assert "村医老王讲" not in split.ask


def test_an_empty_text_has_no_ask():
    assert split_ask("  ").ask == ""
