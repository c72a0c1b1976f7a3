"""Issue #21's done-when on phones, over the demo data of a fresh ``make run`` (seed_demo, password
``demo``): the 宣恩县 office sets its duty-point rules, sees its ranking, opens a deputy's scored
record with a link to each duty, and downloads that deputy's 述职 report (.docx); a resident who
scans the station's QR code sees the station's next reception days and reaches the deputy's public
page from there."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.core.management import call_command

from tests.e2e.conftest import PHONE, _page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_regions", verbosity=0)
    call_command("seed_demo", password="demo", force=True, verbosity=0)


@pytest.fixture
def resident_page(browser, request, live_server):
    """A second phone, the resident's: no account, no cookies shared with the office."""
    yield from _page(browser, request, live_server, PHONE)


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_county_office_scores_its_deputies_and_a_resident_finds_them_at_the_station(
    page, resident_page, shot, sign_in, demo
):
    from accounts.models import User
    from deputies.models import Deputy
    from liaison_stations.models import LiaisonStation
    from residents.selectors import station_public_key

    office = User.objects.get(username="xuanen")
    sign_in(page, office, "demo")

    # 1. Rules: the demo county already has this year's scheme; the office adds a training rule from
    #    today (a new version) and raises the threshold.
    page.goto("/duty/")
    page.wait_for_url("**/duty/ranking/**")
    page.click("a.button:has-text('积分办法')")
    page.wait_for_url(re.compile(r"/duty/rules/\d{4}/$"))
    year = int(re.search(r"/rules/(\d{4})/", page.url).group(1))
    page.select_option("select[name=kind]", "activity_training")
    page.fill("input[name=points]", "4")
    page.fill("input[name=ceiling]", "12")
    today = page.input_value("input[name=effective_from]")  # the earliest date allowed: today
    page.click("button.primary:has-text('保存规则')")
    page.locator(".messages .message").first.wait_for()
    training = page.locator("tr[data-rule=activity_training]")
    assert f"{today}: 4（≤12）" in training.inner_text()
    page.fill("input[name=threshold]", "25")
    page.click("button:has-text('保存分数线')")
    page.locator(".messages .message").first.wait_for()
    assert page.input_value("input[name=threshold]") == "25.0"
    shot(page, "rules")
    _fits_the_phone(page)

    # 2. The ranking: highest first, those below the threshold highlighted.
    page.click("nav.breadcrumbs a:has-text('积分排名')")
    page.wait_for_url("**/duty/ranking/**")
    rows = page.locator("table.ranking tbody tr")
    assert rows.count() > 5
    points = [float(t) for t in page.locator("table.ranking td[data-points]").all_inner_texts()]
    assert points == sorted(points, reverse=True) and points[0] > 25
    below = page.locator("tr[data-below-threshold]")
    assert below.count() >= 1
    assert all(p < 25 for p in [float(t) for t in below.locator("td[data-points]").all_inner_texts()])
    assert "未达分数线" in page.locator("[data-below]").inner_text()
    shot(page, "ranking")

    # 3. The top deputy's scored record: every line names what earned it and links to it.
    top = rows.first.locator("a")
    name = top.inner_text()
    top.click()
    page.wait_for_url(re.compile(r"/duty/deputies/\d+/\?year=\d{4}"))
    deputy = Deputy.objects.get(pk=int(re.search(r"/deputies/(\d+)/", page.url).group(1)))
    assert deputy.name == name
    lines = page.locator("tr[data-line]")
    assert lines.count() >= 3
    assert lines.locator("a").count() == lines.count()  # the office may open each duty
    shot(page, "record")
    _fits_the_phone(page)
    activity = page.locator("tr[data-line^='activity:'] a").first
    href = activity.get_attribute("href")
    activity.click()
    page.wait_for_url(f"**{href}")
    assert name in page.locator("main").inner_text()
    page.go_back()

    # 4. The 述职 report: drafted from the record, saved, downloaded as Word with the real figures.
    page.click("a.button:has-text('述职报告')")
    page.wait_for_url(f"**/duty/deputies/{deputy.pk}/report/**")
    body = page.input_value("textarea[name=body]")
    assert body.startswith("各位选民：") and name in body
    page.click("button.primary:has-text('保存')")
    page.locator("text=报告已保存").first.wait_for()
    shot(page, "report")
    with page.expect_download() as download_info:
        page.click("a[data-docx]")
    download = download_info.value
    assert download.suggested_filename == f"{name}-{year}年述职报告.docx"
    document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{name}代表{year}年度履职情况报告" in text
    activities = re.search(r"共参加各类履职活动(\d+)次", body)
    assert activities and activities.group(0) in text
    assert page.console_errors == []

    # 5. A resident scans the QR code on the door of the deputy's station (it holds the station's
    #    public address): the next reception days, and the station's deputies, each linked.
    station = LiaisonStation.objects.filter(assignments__deputy=deputy, active=True).order_by("pk").first()
    resident = resident_page
    resident.goto(f"/voice/s/{station_public_key(station)}/")
    receptions = resident.locator("[data-station-public] li[data-reception]")
    assert receptions.count() >= 1
    dates = [re.match(r"\d{4}-\d{2}-\d{2}", t).group(0) for t in receptions.all_inner_texts()]
    assert dates == sorted(dates) and dates[0] >= today
    shot(resident, "station-qr-page")
    _fits_the_phone(resident)
    resident.click(f"[data-station-public] a:has-text('{name}')")
    resident.wait_for_url(f"**/duty/p/{deputy.pk}/")
    public = resident.locator("main").inner_text()
    assert f"人大代表 {name}" in public and f"{year}年履职情况" in public
    for personal in filter(None, [deputy.phone, deputy.work_unit, deputy.birth_date and f"{deputy.birth_date:%Y-%m-%d}"]):
        assert personal not in public
    shot(resident, "public-page")
    _fits_the_phone(resident)
    assert resident.console_errors == []
