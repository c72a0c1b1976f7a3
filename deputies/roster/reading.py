"""Reading a roster file (.xlsx or .csv) into rows keyed by column."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _

from config.xlsx import restore
from deputies.roster.columns import COLUMNS, RosterFileError


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores a phone typed as a number as 13812341234.0
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # A text our export wrote as '=… (config.xlsx) reads back as it was typed.
    return restore(str(value).strip())


def _header_key(text: str) -> str | None:
    cleaned = text.replace("*", "").replace("（", "(").replace("）", ")").strip()
    for key, header, _required in COLUMNS:
        if cleaned == header:
            return key
    return None


def read_rows(fileobj, filename: str):
    """Yield ``(row number, {key: text})`` from an .xlsx or .csv file; row numbers are as Excel shows them."""
    name = (filename or "").lower()
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if name.endswith(".xlsx") or head.startswith(b"PK"):
        rows = _xlsx_rows(fileobj)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _csv_rows(fileobj)
    else:
        raise RosterFileError(_("只支持 Excel（.xlsx）或 CSV 文件。"))
    header = next(rows, None)
    if not header:
        raise RosterFileError(_("文件是空的。"))
    keys = [_header_key(_cell_text(h)) for h in header]
    missing = [h for k, h, required in COLUMNS if required and k not in keys]
    if missing:
        raise RosterFileError(_("缺少必填列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)})
    for number, values in enumerate(rows, start=2):
        record = {k: _cell_text(v) for k, v in zip(keys, values, strict=False) if k}
        if any(record.values()):
            yield number, record


def _xlsx_rows(fileobj):
    # calamine (Rust) reads a 100,000-row sheet in about two seconds; openpyxl needed half a minute.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(fileobj).get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise RosterFileError(_("无法读取该 Excel 文件，请另存为 .xlsx 后重试。")) from exc


def _csv_rows(fileobj):
    raw = fileobj.read()
    # Excel in China saves CSV as GB18030 unless told otherwise; UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("无法识别 CSV 文件的编码，请保存为 UTF-8。"))
    try:
        # newline="" lets the csv module handle line breaks inside quoted cells itself.
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise RosterFileError(_("CSV 文件格式有误：%(error)s。请用 Excel 另存为 CSV 或使用 .xlsx 模板。") % {"error": exc}) from exc
