"""The one writer of every .xlsx the product makes (ledgers, roster, dashboards, hot issues).

Every text cell goes through ``neutralise``: a value that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is written with a leading apostrophe, as OWASP's CSV/formula-injection guidance
recommends, so a title typed as ``=HYPERLINK(…)`` is shown as text and never becomes a live formula
in the office's Excel. Numbers, dates and empty cells are written as they are.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The value ``neutralise`` was given (for reading back a sheet this writer made)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class Sheet:
    def __init__(self, workbook: XlsxWriter, worksheet):
        self._workbook = workbook
        self._ws = worksheet

    def append(self, row: Iterable[Any]) -> None:
        self._ws.append([neutralise(value) for value in row])

    def extend(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.append(row)


class XlsxWriter:
    """A streaming workbook (write-only: a county's year of rows never sits in memory)."""

    def __init__(self):
        self._wb = Workbook(write_only=True)

    def sheet(self, title: str, headers: Sequence[Any], *, widths: Sequence[int] | None = None, freeze: bool = True) -> Sheet:
        ws = self._wb.create_sheet(str(title)[:31])
        if freeze:
            ws.freeze_panes = "A2"
        widths = widths or [max(10, len(str(h)) * 2 + 4) for h in headers]
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        header = []
        for title_text in headers:
            cell = WriteOnlyCell(ws, value=neutralise(str(title_text)))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        return Sheet(self, ws)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._wb.save(buffer)
        return buffer.getvalue()
