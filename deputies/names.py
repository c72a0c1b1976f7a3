"""Sort and search keys for Chinese names: pinyin, initials, surname stroke count."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Two-character surnames that must not be split when counting strokes.
COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "公孙", "慕容", "尉迟", "长孙", "宇文", "司徒", "夏侯"}


@lru_cache(maxsize=8192)
def _strokes(char: str) -> int:
    from deputies.strokes import stroke_count

    return stroke_count(char)


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def name_sort_keys(name: str) -> tuple[str, str, int, str]:
    """(full pinyin, initials, surname strokes, stroke key) for a name.

    The official 姓氏笔画 order compares the first character's stroke count, then the next
    character's, and so on (a compound surname is read character by character too, so 欧阳 files
    under 欧's eight strokes). ``surname_strokes`` is the first character's count (the heading a
    printed roster groups by); the stroke key holds two digits per character so that ordering by
    it is that comparison. Ties fall back to pinyin.
    """
    name = (name or "").strip()
    syllables = lazy_pinyin(name, errors="ignore")
    pinyin = " ".join(syllables)
    initials = "".join(s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s)
    counts = [_strokes(c) for c in name if not c.isspace()]
    surname_strokes = counts[0] if counts else 0
    stroke_key = "".join(f"{n:02d}" for n in counts)
    return pinyin[:128], initials[:32].lower(), surname_strokes, stroke_key[:64]
