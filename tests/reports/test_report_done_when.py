"""Issue #20's done-when through the pages: the provincial office picks a campaign, generates the
province's report and downloads the .docx and the PDF; a county office does the same for its
county. Both files hold the report's headings and the region's own numbers."""

from __future__ import annotations

import io
import re

import docx
import pytest
from pypdf import PdfReader

from reports import document
from reports.models import CampaignReport, ReportState
from reports.numbers import cn_number

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(document.soffice() is None, reason="LibreOffice is not installed (make report-tools)"),
]


def _generate_and_download(client, region, campaign, capture) -> tuple[CampaignReport, str, str]:
    page = client.get(f"/reports/?region={region.code}")
    assert page.status_code == 200
    assert str(campaign.pk) in {str(v) for v, _label in page.context["form"].fields["campaign"].choices}
    created = client.post("/reports/", {"region": region.code, "campaign": campaign.pk})
    report = CampaignReport.objects.get(region=region)
    assert created["Location"] == f"/reports/{report.pk}/"
    form = client.get(f"/reports/{report.pk}/").context["form"]
    with capture(execute=True):
        generated = client.post(
            f"/reports/{report.pk}/",
            {"opening": form["opening"].value(), "closing": form["closing"].value(), "version": form["version"].value(),
             "cases": form["cases"].value(), "generate": "1"},
        )
    assert generated.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.percent, report.pdf_message) == (ReportState.DONE, 100, "")
    word = client.get(f"/reports/{report.pk}/report.docx")
    pdf = client.get(f"/reports/{report.pk}/report.pdf")
    assert word.status_code == pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(b"".join(word.streaming_content))).paragraphs)
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    pdf_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    return report, text, pdf_text


def test_the_provincial_office_and_a_county_office_each_generate_and_download_their_report(
    tree, provincial, xuanen_office, campaign, data, cases_data, client_as, in_process, django_capture_on_commit_callbacks
):
    for user, region, office in ((provincial, tree.province, "湖北省人大常委会办公室"), (xuanen_office, tree.xuanen, "宣恩县人大常委会办公室")):
        report, text, pdf_text = _generate_and_download(client_as(user), region, campaign, django_capture_on_commit_callbacks)
        received = report.figures["totals"]["suggestions_received"]
        title = f"{region.name}关于开展“{campaign.title}”代表行动情况的报告"
        assert text.startswith(title) and office in text
        assert f"提出建议{cn_number(received)}条" in text
        assert "一、代表参与情况" in text and "八、典型案例" in text
        for words in (re.sub(r"\s+", "", title), office, "一、代表参与情况", f"提出建议{cn_number(received)}条"):
            assert words in pdf_text, words
    # Each office's report counts its own region: the county's is a part of the province's.
    province, county = (CampaignReport.objects.get(region=r).figures["totals"] for r in (tree.province, tree.xuanen))
    assert 0 < county["suggestions_received"] < province["suggestions_received"]
