"""Numbers as a Chinese work report writes them: 19.6 万户, 3.21 万条, 60 余万人次, 同比增长 12.3%.

Every sentence of the report that carries a figure formats it here, so a figure reads the same
wherever it appears (and a test can find it in the document).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

WAN = 10_000
YI = 100_000_000


def _trim(value: Decimal, places: int) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_number(n: int | None) -> str:
    """A count in full below 10,000; from there in 万 and 亿 with at most two decimals.

    >>> cn_number(3210), cn_number(196000), cn_number(32100), cn_number(250000000)
    ('3210', '19.6万', '3.21万', '2.5亿')
    """
    n = int(n or 0)
    if abs(n) >= YI:
        return f"{_trim(Decimal(n) / YI, 2)}亿"
    if abs(n) >= WAN:
        return f"{_trim(Decimal(n) / WAN, 2)}万"
    return str(n)


def cn_about(n: int | None) -> str:
    """A large count rounded down with 余 ("more than"), as reports write person-times.

    603,456 → 60余万; 12,345 → 1.2万余; 3,456 → 3400余; an exact round number keeps no 余.
    Below 1,000 the count is written in full.
    """
    n = int(n or 0)
    if n < 1000:
        return str(n)
    if n >= YI:
        unit, name = YI, "亿"
    elif n >= WAN:
        unit, name = WAN, "万"
    else:
        step = 100
        floor = n // step * step
        return str(n) if floor == n else f"{floor}余"
    whole = Decimal(n) / unit
    if whole >= 10:
        floor = int(whole)
        return f"{floor}{name}" if floor * unit == n else f"{floor}余{name}"
    floor = whole.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    text = _trim(floor, 1)
    return f"{text}{name}" if floor * unit == n else f"{text}{name}余"


def percent(value: float | None) -> str:
    """A rate the dashboard gives in percent with one decimal (``None``: nothing to divide)."""
    return "—" if value is None else f"{value:.1f}%"


def change(current: int | float | None, previous: int | float | None) -> str:
    """The change of a count against the previous campaign, in words: 同比增长 12.3% / 同比下降 4.0% /
    与上次持平; 上次为零时 "上次无此项"."""
    current, previous = current or 0, previous or 0
    if previous == 0:
        return "上次为零" if current else "与上次持平"
    ratio = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    ratio = ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if ratio > 0:
        return f"同比增长 {ratio}%"
    if ratio < 0:
        return f"同比下降 {-ratio}%"
    return "与上次持平"


def points(current: float | None, previous: float | None) -> str:
    """The change of a rate in percentage points: 提高 3.2 个百分点."""
    if current is None or previous is None:
        return "无可比数据"
    diff = Decimal(str(current)) - Decimal(str(previous))
    diff = diff.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if diff > 0:
        return f"提高 {diff} 个百分点"
    if diff < 0:
        return f"下降 {-diff} 个百分点"
    return "持平"


CN_DIGITS = "零一二三四五六七八九"


def cn_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十: section numbers (一、二、三)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
