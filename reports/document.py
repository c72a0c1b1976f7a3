"""The report laid out as a Chinese official work report (.docx), and its PDF.

Layout after the usual form of 党政机关公文 (GB/T 9704): A4; margins 3.7 / 3.5 / 2.8 / 2.6 cm;
title in a Song-like bold face at 二号 (22 pt), centred; the issuing office and date under it;
body in a Song/FangSong-like face at 三号 (16 pt), fixed 28 pt lines, first lines indented two
characters; section headings 一、二、三 in a Hei-like face; sub-headings （一）（二） in bold;
page numbers "— 1 —" centred in the footer. Fonts are Debian's free Noto CJK faces (fonts-noto-cjk):
Noto Serif CJK SC stands for Song/FangSong, Noto Sans CJK SC for Hei. Word on a machine without
them substitutes its own Song and Hei.

The PDF is the same .docx converted by LibreOffice (headless; one instance per process, kept running:
``reports.office``): one source document, so the two
files never differ. Without LibreOffice the .docx is still written and the PDF says why not.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports import charts

BODY_FONT = "Noto Serif CJK SC"  # Song / FangSong-like
HEADING_FONT = "Noto Sans CJK SC"  # Hei-like
TITLE_SIZE = Pt(22)
BODY_SIZE = Pt(16)
TABLE_SIZE = Pt(10.5)
LINE = Pt(28)
PDF_TIMEOUT_SECONDS = 180
PDF_MISSING = "生成 PDF 需要在服务器上安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui）；Word 文档可以正常下载。"


def _fonts(target, name: str) -> None:
    """Set a run's or style's Latin and East Asian font (Word reads East Asian text from eastAsia)."""
    target.font.name = name
    rpr = target.element.get_or_add_rPr() if hasattr(target.element, "get_or_add_rPr") else target._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    # A theme font (the built-in heading styles use them) would win over the names just set.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(doc, name: str, *, font: str, size, bold: bool = False, indent: bool = True, align=None) -> None:
    style = doc.styles[name]
    _fonts(style, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size <= BODY_SIZE else Pt(36)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align


def _page_number(section) -> None:
    """"— 1 —" centred in the footer: a PAGE field between dashes."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)

    def run(text: str = ""):
        r = paragraph.add_run(text)
        _fonts(r, BODY_FONT)
        r.font.size = Pt(14)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            r._r.append(instr)
        else:
            r.text = text
    run(" —")


def _setup(doc, title: str, office: str) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    _style(doc, "Normal", font=BODY_FONT, size=BODY_SIZE)
    _style(doc, "Title", font=BODY_FONT, size=TITLE_SIZE, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Heading 1", font=HEADING_FONT, size=BODY_SIZE)
    _style(doc, "Heading 2", font=BODY_FONT, size=BODY_SIZE, bold=True)
    for name in ("Title", "Heading 1", "Heading 2"):
        # The built-in template draws a border under the title and keeps headings with the next line.
        ppr = doc.styles[name].element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
    _page_number(section)
    doc.core_properties.title = title
    doc.core_properties.author = office
    doc.core_properties.language = "zh-CN"


def _centered(doc, text: str, *, size=BODY_SIZE) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    r = p.add_run(text)
    r.font.size = size


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells, values, bold in [(table.rows[0].cells, header, True)] + [(table.add_row().cells, r, False) for r in rows]:
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            p = cell.paragraphs[0]
            fmt = p.paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(str(value))
            run.font.size = TABLE_SIZE
            run.bold = bold
            if bold:
                _fonts(run, HEADING_FONT)


def _chart(doc, png: bytes, caption: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15))
    _centered(doc, caption, size=Pt(12))


def write_docx(composed: dict[str, Any], content: dict[str, Any]) -> bytes:
    """The .docx of a composed report (``writing.compose``), charts drawn from ``content``."""
    doc = Document()
    _setup(doc, composed["title"], composed["office"])
    doc.add_paragraph(composed["title"], style="Title")
    _centered(doc, f"{composed['office']}")
    _centered(doc, f"（{composed['date']}）")
    for block in composed["blocks"]:
        kind = block["kind"]
        if kind == "heading":
            doc.add_paragraph(block["text"], style="Heading 1")
        elif kind == "subheading":
            doc.add_paragraph(block["text"], style="Heading 2")
        elif kind == "para":
            doc.add_paragraph(block["text"])
        elif kind == "table":
            _table(doc, block["header"], block["rows"])
        elif kind == "chart":
            _chart(doc, charts.render(content, block["chart"]), block["caption"])
    for text in (composed["office"], composed["date"]):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(32)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class PdfUnavailable(Exception):
    """No PDF: LibreOffice is missing or failed. The message says which, in words for the page."""


def _convert(binary: str, profile: str, source: str, outdir: str, home: str) -> bytes | None:
    """``soffice --convert-to pdf`` of ``source`` with ``profile``: the PDF, or None if none was written."""
    command = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", outdir, source]
    subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, env={**os.environ, "HOME": home})  # noqa: S603
    target = os.path.join(outdir, os.path.splitext(os.path.basename(source))[0] + ".pdf")
    if not os.path.exists(target) or os.path.getsize(target) == 0:
        return None
    with open(target, "rb") as handle:
        return handle.read()


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of a .docx by LibreOffice headless: by this process's running instance
    (``reports.office``, started on first use), else by a one-shot LibreOffice in a private profile."""
    from reports import office

    binary = soffice()
    if binary is None:
        raise PdfUnavailable(PDF_MISSING)
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        source = os.path.join(tmp, "report.docx")
        with open(source, "wb") as handle:
            handle.write(docx)
        running = office.running(binary)
        if running is not None:
            try:
                pdf = _convert(binary, running.profile, source, tmp, running.root)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
                pdf = None
            if pdf is not None:
                return pdf
            office.discard(running)
        try:
            pdf = _convert(binary, f"file://{tmp}/profile", source, tmp, tmp)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise PdfUnavailable(f"LibreOffice 未能生成 PDF（{type(exc).__name__}）；Word 文档可以正常下载。") from exc
        if pdf is None:
            raise PdfUnavailable("LibreOffice 未能生成 PDF；Word 文档可以正常下载。")
        return pdf
