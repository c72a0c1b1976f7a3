"""The report pages: a new report, the office's edits kept, generation with progress, downloads,
and scope (another county's report is a 404)."""

from __future__ import annotations

import io

import docx
import pytest

from reports.models import CampaignReport, ReportState
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xuanen_report(tree, xuanen_office, campaign):
    return CampaignReport.objects.create(region=tree.xuanen, campaign=campaign, created_by=xuanen_office)


def test_an_office_creates_a_report_of_its_county(tree, xuanen_office, campaign, client_as):
    client = client_as(xuanen_office)
    page = client.get(f"/reports/?region={tree.xuanen.code}&campaign={campaign.pk}")
    assert page.status_code == 200
    assert page.context["form"]["region"].value() == tree.xuanen.code
    response = client.post("/reports/", {"region": tree.xuanen.code, "campaign": campaign.pk})
    report = CampaignReport.objects.get()
    assert response["Location"] == f"/reports/{report.pk}/"
    assert (report.region, report.campaign, report.created_by, report.state) == (tree.xuanen, campaign, xuanen_office, ReportState.DRAFT)


def test_a_county_office_cannot_choose_another_county(tree, xuanen_office, campaign, client_as):
    response = client_as(xuanen_office).post("/reports/", {"region": tree.honghu.code, "campaign": campaign.pk})
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    assert not CampaignReport.objects.exists()


def test_a_bad_date_range_is_refused_with_a_message(tree, xuanen_office, campaign, client_as):
    response = client_as(xuanen_office).post(
        "/reports/", {"region": tree.xuanen.code, "campaign": campaign.pk, "date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date_to"] == ["截止日期不能早于起始日期。"]
    assert not CampaignReport.objects.exists()


def test_another_countys_report_is_a_404_everywhere(tree, honghu_office, xuanen_report, client_as):
    client = client_as(honghu_office)
    pk = xuanen_report.pk
    for url in (f"/reports/{pk}/", f"/reports/{pk}/status/", f"/reports/{pk}/report.docx", f"/reports/{pk}/report.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reports/{pk}/", {"generate": "1", "version": "x"}).status_code == 404
    assert client.get("/reports/").context["reports"].count() == 0
    xuanen_report.refresh_from_db()
    assert xuanen_report.state == ReportState.DRAFT


def test_deputies_and_handlers_have_no_report_pages(tree, xuanen_report, client_as):
    for role in ("deputy", "department_handler"):
        client = client_as(UserFactory(role=role, region=tree.xuanen))
        assert client.get("/reports/").status_code == 404
        assert client.get(f"/reports/{xuanen_report.pk}/").status_code == 404


def test_the_province_sees_the_countys_report(tree, provincial, xuanen_report, client_as):
    assert client_as(provincial).get(f"/reports/{xuanen_report.pk}/").status_code == 200


def _edit(client, report, **data):
    page = client.get(f"/reports/{report.pk}/")
    form = page.context["form"]
    posted = {"opening": form["opening"].value(), "closing": form["closing"].value(), "version": form["version"].value()}
    posted["cases"] = form["cases"].value()
    posted.update(data)
    return client.post(f"/reports/{report.pk}/", posted)


def test_the_office_edits_are_kept_and_generation_writes_a_docx_without_libreoffice(
    tree, xuanen_office, xuanen_report, data, cases_data, client_as, no_libreoffice, in_process, django_capture_on_commit_callbacks
):
    client = client_as(xuanen_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, xuanen_report, opening="宣恩县人大常委会高度重视。\n第二段开头。", generate="1")
    assert response.status_code == 302
    xuanen_report.refresh_from_db()
    assert xuanen_report.opening == "宣恩县人大常委会高度重视。\n第二段开头。"
    assert xuanen_report.closing == ""  # the default left unchanged stays the default
    assert (xuanen_report.state, xuanen_report.percent, xuanen_report.requested_by) == (ReportState.DONE, 100, xuanen_office)
    assert xuanen_report.pdf.name == ""
    assert "LibreOffice" in xuanen_report.pdf_message
    page = client.get(f"/reports/{xuanen_report.pk}/")
    assert "生成 PDF 需要在服务器上安装 LibreOffice" in page.content.decode()
    download = client.get(f"/reports/{xuanen_report.pk}/report.docx")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[3:5] == ["宣恩县人大常委会高度重视。", "第二段开头。"]
    assert client.get(f"/reports/{xuanen_report.pk}/report.pdf").status_code == 404
    status = client.get(f"/reports/{xuanen_report.pk}/status/").json()
    assert (status["state"], status["percent"], status["finished"]) == ("done", 100, True)


def test_the_office_swaps_a_typical_case(tree, xuanen_office, xuanen_report, data, cases_data, client_as, no_libreoffice, in_process,
                                         django_capture_on_commit_callbacks):
    client = client_as(xuanen_office)
    offered = [int(v) for v, _label in client.get(f"/reports/{xuanen_report.pk}/").context["form"].fields["cases"].choices]
    chosen = cases_data["second_transport_zhushan"].pk
    assert chosen in offered
    assert cases_data["b_class"].pk not in offered
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, xuanen_report, cases=[str(chosen)], generate="1")
    xuanen_report.refresh_from_db()
    assert xuanen_report.case_ids == [chosen]
    assert xuanen_report.figures["case_ids"] == [chosen]
    # a suggestion that does not qualify cannot be chosen
    response = _edit(client, xuanen_report, cases=[str(cases_data["b_class"].pk)])
    assert response.status_code == 400
    assert response.context["form"].errors["cases"]


def test_two_offices_editing_at_once_the_second_is_told(tree, xuanen_office, xuanen_report, client_as):
    first, second = client_as(xuanen_office), client_as(UserFactory(role="congress_office", region=tree.xuanen))
    stale = second.get(f"/reports/{xuanen_report.pk}/").context["form"]["version"].value()
    assert _edit(first, xuanen_report, closing="第一位的结尾。").status_code == 302
    response = _edit(second, xuanen_report, closing="第二位的结尾。", version=stale)
    assert response.status_code == 409
    xuanen_report.refresh_from_db()
    assert xuanen_report.closing == "第一位的结尾。"


def test_a_second_generate_while_one_is_queued_does_nothing(tree, xuanen_office, xuanen_report):
    from reports import services

    assert services.report_generate(actor=xuanen_office, report=xuanen_report) is True
    assert services.report_generate(actor=xuanen_office, report=xuanen_report) is False
    services.report_run(xuanen_report.pk)
    services.report_run(xuanen_report.pk)  # a second delivery of the task
    xuanen_report.refresh_from_db()
    assert xuanen_report.state == ReportState.DONE


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_the_report(tree, xuanen_office, campaign, client_as):
    from tests.worker import WorkerProcess, purge_queue, wait_for

    # given a worker on the broker and a draft report
    purge_queue()
    report = CampaignReport.objects.create(region=tree.xuanen, campaign=campaign, created_by=xuanen_office)
    worker = WorkerProcess(concurrency=1).start()
    try:
        # when the office asks for it
        response = _edit(client_as(xuanen_office), report, generate="1")
        # then the worker process writes the documents and the row says so
        finished = wait_for(lambda: CampaignReport.objects.filter(pk=report.pk, state=ReportState.DONE).exists(), timeout=180)
    finally:
        worker.stop()
    assert response.status_code == 302
    assert finished, f"the worker did not generate the report; see {worker.log_path}"
    report.refresh_from_db()
    assert report.docx.name.endswith(".docx") and report.percent == 100
