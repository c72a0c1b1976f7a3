"""The report to voters holds the real figures; the 述职 meeting joins the record; residents see the
station's reception days and each deputy's public page — with nothing personal, and 404 when hidden."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document

from activities.models import ActivityType
from duty.models import PublicPage, ReportMeeting, RuleKind, VoterReport
from suggestions.models import Status
from tests.factories.dashboards import (
    DashActivityFactory,
    DashAnswerFactory,
    DashAssignmentFactory,
    DashDepartmentFactory,
    DashReceptionDayFactory,
    DashStationAssignmentFactory,
    DashStationFactory,
    DashSuggestionFactory,
)
from tests.factories.duty import county_deputy, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(tree, last_year):
    deputy = county_deputy(tree, name="向明华", phone="13812345678", work_unit="椒园镇黄坪村党支部书记")
    deputy.birth_date = dt.date(1975, 6, 1)
    deputy.save()
    station = DashStationFactory(region=tree.zhushan, name="东门社区代表联络站", address="珠山镇东门路8号")
    DashStationAssignmentFactory(station=station, deputy=deputy)
    make_scheme(tree.xuanen, last_year, [(RuleKind.VISIT, 2, None, None), (RuleKind.VOTER_REPORT, 10, None, None)])
    for month in (3, 5, 9):
        DashActivityFactory(region=tree.zhushan, station=station, type=ActivityType.VISIT, date=dt.date(last_year, month, 8), attendees=[deputy])
    DashActivityFactory(region=tree.zhushan, type=ActivityType.TRAINING, date=dt.date(last_year, 4, 2), attendees=[deputy])
    when = timezone.make_aware(dt.datetime(last_year, 6, 1, 9))
    answered = DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, title="关于修缮东门路的建议", status=Status.CLOSED, submitted_at=when)
    assignment = DashAssignmentFactory(suggestion=answered, department=DashDepartmentFactory(region=tree.xuanen))
    DashAnswerFactory(assignment=assignment, outcome_class="A", answered_at=when + dt.timedelta(days=30))
    DashSuggestionFactory(region=tree.zhushan, lead_deputy=deputy, title="撤回的建议", status=Status.WITHDRAWN, submitted_at=when)
    return {"deputy": deputy, "station": station}


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_docx_holds_the_deputys_real_figures(client_as, xuanen_office, record, last_year):
    response = client_as(xuanen_office).get(f"/duty/deputies/{record['deputy'].pk}/report.docx?year={last_year}")
    assert response.status_code == 200
    text = _text(response.content)
    assert f"向明华代表{last_year}年度履职情况报告" in text
    assert "共参加各类履职活动4次，其中走访3次，培训1次" in text
    assert "我领衔提出建议1件" in text
    assert "《关于修缮东门路的建议》（A类 已解决或基本解决）" in text
    assert "撤回的建议" not in text
    assert f"我{last_year}年度积分为6分" in text


def test_the_deputy_edits_and_saves_the_report_and_the_docx_prints_what_was_saved(client_as, tree, record, last_year):
    from accounts.models import Role
    from tests.factories.accounts import UserFactory

    user = UserFactory(username="deputy", role=Role.DEPUTY, region=tree.zhushan)
    record["deputy"].user = user
    record["deputy"].save(update_fields=["user"])
    client = client_as(user)
    url = f"/duty/deputies/{record['deputy'].pk}/report/?year={last_year}"
    assert "共参加各类履职活动4次" in client.get(url).content.decode()
    response = client.post(url, {"title": "我的述职报告", "body": "各位选民：\n我今年走访了三个村。"})
    assert response.status_code == 302
    assert VoterReport.objects.get(deputy=record["deputy"], year=last_year).body == "各位选民：\n我今年走访了三个村。"
    text = _text(client.get(f"/duty/deputies/{record['deputy'].pk}/report.docx?year={last_year}").content)
    assert "我的述职报告" in text and "我今年走访了三个村。" in text
    # An empty body is refused and nothing is saved over the report.
    assert client.post(url, {"title": "x", "body": "   "}).status_code == 400
    assert VoterReport.objects.get(deputy=record["deputy"], year=last_year).title == "我的述职报告"


def test_the_command_writes_the_report(record, last_year, tmp_path):
    out = tmp_path / "report.docx"
    call_command("report_to_voters", "--deputy", str(record["deputy"].pk), "--year", str(last_year), "--output", str(out))
    assert "共参加各类履职活动4次" in _text(out.read_bytes())
    with pytest.raises(CommandError):
        call_command("report_to_voters", "--deputy", "999999", "--year", str(last_year), "--output", str(out))


def test_the_office_records_the_meeting_and_it_joins_the_scored_record(client_as, xuanen_office, record, last_year):
    client = client_as(xuanen_office)
    deputy = record["deputy"]
    response = client.post(
        f"/duty/deputies/{deputy.pk}/meetings/new/",
        {"date": f"{last_year}-12-20", "station": record["station"].pk, "voters_present": "46", "rating": "satisfied"},
    )
    assert response.status_code == 302
    meeting = ReportMeeting.objects.get(deputy=deputy)
    assert (meeting.voters_present, meeting.rating, meeting.created_by) == (46, "satisfied", xuanen_office)
    page = client.get(f"/duty/deputies/{deputy.pk}/?year={last_year}").content.decode()
    assert f'data-line="report_meeting:{meeting.pk}"' in page
    assert '<span data-points>16</span>' in page


def test_a_meeting_without_voters_is_refused_and_nothing_is_saved(client_as, xuanen_office, record, last_year):
    response = client_as(xuanen_office).post(
        f"/duty/deputies/{record['deputy'].pk}/meetings/new/",
        {"date": f"{last_year}-12-20", "station": record["station"].pk, "voters_present": "0", "rating": "satisfied"},
    )
    assert response.status_code == 400
    assert not ReportMeeting.objects.exists()


def test_the_public_page_shows_the_years_duties_and_nothing_personal(client, record, last_year):
    response = client.get(f"/duty/p/{record['deputy'].pk}/?year={last_year}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "向明华" in page and "东门社区代表联络站" in page and "关于修缮东门路的建议" in page
    assert "参加履职活动 4 次" in page
    for personal in ("13812345678", "5678", "椒园镇黄坪村党支部书记", "1975", "珠山镇东门路8号"):
        assert personal not in page


def test_a_hidden_public_page_answers_404_and_is_not_linked_from_the_station(client, client_as, xuanen_office, record):
    deputy, station = record["deputy"], record["station"]
    assert client_as(xuanen_office).post(f"/duty/deputies/{deputy.pk}/public/", {"hidden": "1"}).status_code == 302
    assert PublicPage.objects.get(deputy=deputy).hidden
    assert client.get(f"/duty/p/{deputy.pk}/").status_code == 404
    from residents.selectors import station_public_key

    page = client.get(f"/voice/s/{station_public_key(station)}/").content.decode()
    assert f"/duty/p/{deputy.pk}/" not in page


def test_the_station_qr_page_shows_upcoming_reception_days_and_links_its_deputies(client, record):
    deputy, station = record["deputy"], record["station"]
    soon = timezone.localdate() + dt.timedelta(days=5)
    day = DashReceptionDayFactory(station=station, date=soon, start_time=dt.time(9, 0), end_time=dt.time(11, 30))
    day.deputies.set([deputy])
    DashReceptionDayFactory(station=station, date=timezone.localdate() - dt.timedelta(days=5))
    from residents.selectors import station_public_key

    page = client.get(f"/voice/s/{station_public_key(station)}/").content.decode()
    assert page.count("data-reception") == 1
    assert f"{soon:%Y-%m-%d} 09:00–11:30 · 向明华" in page
    assert f'href="/duty/p/{deputy.pk}/"' in page


def test_the_province_dashboard_shows_the_share_above_threshold_per_city(client_as, provincial, tree):
    from tests.factories.duty import make_scheme as scheme

    this_year = timezone.localdate().year
    scheme(tree.xuanen, this_year, [(RuleKind.VISIT, 2, None, None)], threshold=2)
    done = county_deputy(tree, name="甲")
    county_deputy(tree, name="乙", phone="13900000009")
    DashActivityFactory(region=tree.zhushan, date=timezone.localdate(), attendees=[done])
    from duty.selectors import share_above_threshold

    rows = {row.region.name: (row.scored, row.above, row.share) for row in share_above_threshold(provincial, tree.province, this_year)}
    assert rows["恩施土家族苗族自治州"] == (2, 1, 50.0)
    assert rows["荆州市"] == (0, 0, None)
    page = client_as(provincial).get(f"/dashboard/{tree.province.code}/").content.decode()
    assert "data-duty-share" in page and "50.0%" in page
