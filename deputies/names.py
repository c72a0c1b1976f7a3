"""Sort and search keys for Chinese names: pinyin, initials, surname stroke count."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Two-character surnames that must not be split when counting strokes.
COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "公孙", "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯"}


@lru_cache(maxsize=4096)
def _strokes(char: str) -> int:
    from deputies.strokes import stroke_count

    return stroke_count(char)


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def name_sort_keys(name: str) -> tuple[str, str, int]:
    """(full pinyin, initials, surname strokes) for a name."""
    name = (name or "").strip()
    syllables = lazy_pinyin(name, errors="ignore")
    pinyin = " ".join(syllables)
    initials = "".join(s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s)
    strokes = sum(_strokes(c) for c in surname_of(name))
    return pinyin[:128], initials[:32].lower(), strokes
