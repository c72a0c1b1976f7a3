"""Stroke counts for the official 姓氏笔画 ordering.

Placeholder until the roster work lands a full stroke table; returns 0 so ordering falls back to pinyin.
"""


def stroke_count(char: str) -> int:
    return 0
