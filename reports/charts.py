"""The report's charts as PNG images (matplotlib, no display), labelled in a CJK font from Debian's
fonts-noto-cjk or fonts-wqy."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

# Debian's free CJK fonts, the first one found is used (fonts-noto-cjk, then fonts-wqy).
CJK_FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei"]
COLOURS = ["#b22222", "#d4862b", "#3b7dd8", "#7f8c8d"]
DPI = 150


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """Register the first CJK font found and return its family name (None: none installed)."""
    import os

    for path in CJK_FONT_FILES:
        if os.path.exists(path):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in available), None)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def _draw(width: float, height: float, paint) -> bytes:
    family = cjk_family()
    rc = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family]
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
        paint(ax)
        return _png(fig)


def months(trend: list[dict[str, Any]]) -> bytes:
    """Activities by month (bars) with the suggestions raised each month (line)."""
    labels = [row["month"][2:].replace("-", "年") + "月" for row in trend]

    def paint(ax):
        xs = range(len(trend))
        ax.bar(xs, [row["activities"] for row in trend], color=COLOURS[0], label="履职活动")
        ax.plot(xs, [row["suggestions"] for row in trend], color=COLOURS[2], marker="o", label="提出建议")
        ax.set_xticks(list(xs), labels, rotation=45 if len(trend) > 8 else 0)
        ax.set_ylabel("次/条")
        ax.legend(frameon=False)

    return _draw(6.2, 3.0, paint)


def categories(rows: list[dict[str, Any]], shown: int = 10) -> bytes:
    """Suggestions by category: the largest ``shown`` categories, the rest as 其他."""
    rows = [r for r in rows if r["count"]]
    top, rest = rows[:shown], sum(r["count"] for r in rows[shown:])
    items = [(r["name"], r["count"]) for r in top] + ([("其他", rest)] if rest else [])
    items.reverse()

    def paint(ax):
        ax.barh([name for name, _ in items], [n for _, n in items], color=COLOURS[1])
        for i, (_name, n) in enumerate(items):
            ax.text(n, i, f" {n}", va="center")
        ax.set_xlabel("条")

    return _draw(6.2, max(2.0, 0.32 * len(items) + 0.8), paint)


def outcomes(totals: dict[str, Any]) -> bytes:
    """Answers by outcome class A–D."""
    names = {"A": "A类 已解决或基本解决", "B": "B类 正在解决或列入计划", "C": "C类 因条件限制需以后解决", "D": "D类 留作参考"}
    values = [(names[k], totals.get(f"outcome_{k}") or 0) for k in "ABCD"]

    def paint(ax):
        ax.bar(range(4), [n for _, n in values], color=COLOURS)
        ax.set_xticks(range(4), [name.replace(" ", "\n", 1) for name, _ in values])
        for i, (_name, n) in enumerate(values):
            ax.text(i, n, str(n), ha="center", va="bottom")
        ax.set_ylabel("条")

    return _draw(6.2, 3.0, paint)


def render(content: dict[str, Any], name: str) -> bytes:
    if name == "months":
        return months(content["trend"])
    if name == "categories":
        return categories(content["categories"])
    if name == "outcomes":
        return outcomes(content["totals"])
    raise ValueError(name)
