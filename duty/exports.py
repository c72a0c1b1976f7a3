"""The office's ranking as an Excel workbook (one row per scorecard, points per rule kind), written
by the product's one xlsx writer (``config.xlsx``: text that looks like a formula stays text)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.xlsx import XlsxWriter
from deputies.models import MandateLevel
from duty.models import RuleKind


def ranking_xlsx(cards, year: int) -> bytes:
    kinds = sorted({k for c in cards for k in c.by_kind})
    labels = dict(RuleKind.choices)
    levels = dict(MandateLevel.choices)
    headers = [_("名次"), _("姓名"), _("人大"), _("代表层级"), _("积分"), _("达标分数线"), _("是否达标")] + [str(labels[k]) for k in kinds]
    writer = XlsxWriter()
    sheet = writer.sheet(_("%(year)s年履职积分") % {"year": year}, headers)
    for rank, card in enumerate(cards, start=1):
        sheet.append(
            [
                rank,
                card.name,
                card.scheme.congress_region.name,
                str(levels.get(card.level, card.level)),
                float(card.points),
                float(card.scheme.threshold),
                _("未达标") if card.below_threshold else _("达标"),
            ]
            + [float(card.by_kind.get(k, 0)) for k in kinds]
        )
    return writer.bytes()
