"""``manage.py campaign_report`` writes the same document; the PDF (LibreOffice from the .docx) opens
with a PDF reader and holds the headings and numbers."""

from __future__ import annotations

import io
import os
import re

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports import document
from reports.numbers import cn_number, percent
from reports.writing import SECTIONS

pytestmark = pytest.mark.django_db

needs_libreoffice = pytest.mark.skipif(document.soffice() is None, reason="LibreOffice is not installed")


def test_the_command_writes_the_docx(tree, campaign, data, cases_data, tmp_path):
    target = tmp_path / "report.docx"
    call_command("campaign_report", "--region", tree.xuanen.code, "--campaign", str(campaign.pk), "--format", "docx",
                 "--output", str(target), stdout=io.StringIO())
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert paragraphs[0] == f"宣恩县关于开展“{campaign.title}”代表行动情况的报告"
    assert "代表在行动中提出建议24条" in "".join(paragraphs)  # 20 of the dashboards data, 4 answered in 珠山镇
    assert "（一）关于硬化珠山镇村道的建议" in paragraphs


def test_the_command_names_a_missing_region_or_campaign(tree, campaign, tmp_path):
    with pytest.raises(CommandError, match="没有区划代码 999999"):
        call_command("campaign_report", "--region", "999999", "--campaign", str(campaign.pk), "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="没有编号为 0 的代表行动"):
        call_command("campaign_report", "--region", tree.xuanen.code, "--campaign", "0", "--output", str(tmp_path / "x"))


def test_the_command_says_pdf_needs_libreoffice(tree, campaign, tmp_path, no_libreoffice):
    with pytest.raises(CommandError, match="LibreOffice"):
        call_command("campaign_report", "--region", tree.xuanen.code, "--campaign", str(campaign.pk), "--format", "pdf",
                     "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


@needs_libreoffice
def test_the_pdf_is_a4_with_the_headings_numbers_and_page_numbers(tree, provincial, campaign, data, cases_data, tmp_path):
    from reports import services

    built = services.build(user=provincial, region=tree.province, campaign=campaign)
    reader = PdfReader(io.BytesIO(document.docx_to_pdf(built.docx)))
    # pypdf puts spaces between Chinese and Latin runs: compare without whitespace
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    t = built.content["totals"]
    for n, (heading, _write) in zip("一二三四五六七八", SECTIONS, strict=True):
        assert f"{n}、{heading}" in text
    assert f"提出建议{cn_number(t['suggestions_received'])}条" in text
    assert f"满意率{percent(t['satisfaction_rate'])}" in text
    assert "湖北省人大常委会办公室" in text
    assert f"—{len(reader.pages)}—" in text  # the footer's page number on the last page
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    # the three charts (LibreOffice lists every image in each page's resources: count distinct ones)
    assert len({hash(image.data) for page in reader.pages for image in page.images}) == 3


@needs_libreoffice
def test_one_libreoffice_serves_every_pdf_of_the_process_and_one_that_died_is_replaced(tree, provincial, campaign, data):
    from reports import office, services

    docx = services.build(user=provincial, region=tree.xuanen, campaign=campaign).docx
    first = document.docx_to_pdf(docx)
    running = office._instance
    assert running is not None and running.alive() and running.owner == os.getpid()
    second = document.docx_to_pdf(docx)
    assert office._instance is running  # the same instance converted both
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    # when the instance dies (killed, crashed), the next PDF starts a new one
    running.stop()
    third = document.docx_to_pdf(docx)
    assert third.startswith(b"%PDF")
    assert office._instance is not running and office._instance.alive()
    assert len(PdfReader(io.BytesIO(third)).pages) == len(PdfReader(io.BytesIO(first)).pages)
