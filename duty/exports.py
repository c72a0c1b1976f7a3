"""The office's ranking as an Excel workbook (one row per scorecard, points per rule kind).

Cells that a spreadsheet would read as a formula (a name typed as ``=…``) are written as text. When the
project's shared xlsx writer lands (hardening), this module's ``_safe`` is the line to re-point.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from deputies.models import MandateLevel
from duty.models import RuleKind

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LOW = PatternFill("solid", fgColor="FDE2E1")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def ranking_xlsx(cards, year: int) -> bytes:
    kinds = sorted({k for c in cards for k in c.by_kind})
    labels = dict(RuleKind.choices)
    levels = dict(MandateLevel.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("%(year)s年履职积分") % {"year": year})
    sheet.freeze_panes = "A2"
    headers = [_("名次"), _("姓名"), _("人大"), _("代表层级"), _("积分"), _("达标分数线"), _("是否达标")] + [str(labels[k]) for k in kinds]
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for rank, card in enumerate(cards, start=1):
        values = [
            rank,
            card.name,
            card.scheme.congress_region.name,
            str(levels.get(card.level, card.level)),
            float(card.points),
            float(card.scheme.threshold),
            _("未达标") if card.below_threshold else _("达标"),
        ] + [float(card.by_kind.get(k, 0)) for k in kinds]
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=_safe(value))
            if card.below_threshold:
                cell.fill = LOW
            row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
