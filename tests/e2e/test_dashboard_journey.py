"""The provincial office drills the dashboard down to a station and exports the table."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_provincial_office_drills_down_to_a_station_and_exports(desktop_page, shot, sign_in, e2e_world):
    page = desktop_page
    station = e2e_world.station_a
    e2e_world.activity_a.station = station
    e2e_world.activity_a.save()
    sign_in(page, e2e_world.insiders["provincial_office"])

    page.goto("/dashboard/")
    page.wait_for_url("**/dashboard/420000/")
    shot(page, "province")
    for name, code in (("恩施土家族苗族自治州", "422800"), ("宣恩县", "422825"), ("珠山镇", "422825100")):
        page.click(f"table.dash-children th a:has-text('{name}')")
        page.wait_for_url(f"**/dashboard/{code}/**")
        assert name in page.locator(".breadcrumbs, nav").first.inner_text() or name in page.locator("h1").inner_text()
        shot(page, f"region-{code}")

    # At the township the rows are its stations; a station's cell opens the rows behind the number.
    row = page.locator("table.dash-children tr", has_text=station.name)
    assert row.count() == 1
    row.locator("td a").first.click()
    page.wait_for_url("**/list/**")
    shot(page, "station-rows")

    page.goto("/dashboard/422825100/")
    with page.expect_download() as download_info:
        page.click("a.button:has-text('导出 Excel')")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path and open(path, "rb").read(2) == b"PK"  # an .xlsx is a zip file
    assert page.console_errors == []


def test_a_dashboard_with_nothing_to_count_says_so_in_each_chart(page, shot, sign_in, e2e_world):
    # given a county with no activity, suggestion or answer yet, on a phone
    sign_in(page, e2e_world.insiders["congress_office"])
    page.goto("/dashboard/")
    page.wait_for_url("**/dashboard/422825/**")
    page.wait_for_load_state("load")
    shot(page, "empty")
    # then every chart reads 暂无数据: no four equal quarters, no empty frame
    charts = page.locator("[data-chart]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.inner_text().strip() == "暂无数据", chart.get_attribute("data-chart")
        assert chart.locator("canvas").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
