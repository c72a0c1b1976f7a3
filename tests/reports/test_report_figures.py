"""Every figure of a report equals the dashboard's for the same region and campaign, at every level,
and the document states them; it renders with no data too."""

from __future__ import annotations

import io

import docx
import pytest

from dashboards.figures import CHILD_TABLE, FIGURES, Filters, compute_dashboard
from reports import services
from reports.numbers import cn_about, cn_number, percent
from reports.writing import SECTIONS

pytestmark = pytest.mark.django_db

LEVELS = ["province", "enshi", "xuanen", "zhushan"]
HEADINGS = [f"{n}、{title}" for n, (title, _write) in zip("一二三四五六七八", SECTIONS, strict=True)]


def _text(docx_bytes: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    document = docx.Document(io.BytesIO(docx_bytes))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    body = [p.text for p in document.paragraphs]
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return headings, body, cells


@pytest.mark.parametrize("level", LEVELS)
def test_every_figure_of_the_report_is_the_dashboards(level, tree, provincial, campaign, data, cases_data, api_as):
    # given data in two counties and the dashboard the provincial office sees through the API
    region = getattr(tree, level)
    dashboard = api_as(provincial).get(f"/api/v1/dashboard/{region.code}/?campaign={campaign.pk}").json()
    # when the report is built for the same region and campaign
    built = services.build(user=provincial, region=region, campaign=campaign)
    # then every figure, in the totals and in each sub-region row, is the dashboard's
    assert set(FIGURES) <= set(built.content["totals"])
    for key in FIGURES:
        assert built.content["totals"][key] == dashboard["totals"][key], key
    assert [c["name"] for c in built.content["children"]] == [c["name"] for c in dashboard["children"]]
    for ours, theirs in zip(built.content["children"], dashboard["children"], strict=True):
        for key in CHILD_TABLE:
            assert ours["figures"][key] == theirs["figures"][key], (ours["name"], key)
    assert built.content["categories"] == dashboard["categories"]
    assert built.content["trend"] == dashboard["trend"]


def test_the_figures_equal_the_dashboard_computed_from_the_raw_rows(tree, provincial, campaign, data):
    filters = Filters.build(user=provincial, region=tree.xuanen, campaign=campaign)
    raw = compute_dashboard(filters)["totals"]
    built = services.build(user=provincial, region=tree.xuanen, campaign=campaign)
    assert {k: built.content["totals"][k] for k in FIGURES} == {k: raw[k] for k in FIGURES}
    assert raw["suggestions_received"] == 3 * 6 + 2  # sizes 2 + 1: six states each, and one not accepted per township


@pytest.mark.parametrize("level", LEVELS)
def test_the_docx_states_the_figures_under_the_eight_headings(level, tree, provincial, campaign, data, cases_data):
    region = getattr(tree, level)
    built = services.build(user=provincial, region=region, campaign=campaign)
    headings, body, cells = _text(built.docx)
    t = built.content["totals"]
    text = "\n".join(body)
    assert headings == HEADINGS
    assert body[0] == f"{region.name}关于开展“{campaign.title}”代表行动情况的报告"
    assert f"共有在任各级人大代表{cn_number(t['deputies_total'])}名，参加本次行动{cn_number(t['deputies_active'])}名" in text
    assert f"共开展履职活动{cn_number(t['activities_total'])}次" in text
    assert f"走访农户{cn_number(t['households_visited'])}户" in text
    assert f"联系群众{cn_about(t['people_reached'])}人次" in text
    assert f"培训{cn_about(t['training_person_times'])}人次" in text
    assert f"提出建议{cn_number(t['suggestions_received'])}条" in text
    assert f"A类（已解决或基本解决）{cn_number(t['outcome_A'])}条" in text
    assert f"满意率{percent(t['satisfaction_rate'])}" in text
    assert f"逾期督办{cn_number(t['suggestions_overdue'])}条" in text
    # the sub-region table: one row per child, the dashboard's numbers
    if built.content["children"]:
        first = built.content["children"][0]
        row = next(r for r in cells if r[0] == first["name"])
        assert row[2] == cn_number(first["figures"]["activities_total"])


@pytest.mark.parametrize("level", LEVELS)
def test_a_report_with_no_data_renders_and_says_so(level, tree, provincial, campaign):
    region = getattr(tree, level)
    built = services.build(user=provincial, region=region, campaign=campaign)
    headings, body, _cells = _text(built.docx)
    text = "\n".join(body)
    assert headings == HEADINGS
    assert "尚未登记在任人大代表" in text
    assert "提出建议0条" in text
    assert "暂无办理结果为A类且代表测评满意的建议" in text
    assert "此前未开展同类代表行动" in text


def test_the_comparison_with_the_previous_campaign_is_in_words(tree, provincial, campaign, data):
    import datetime as dt

    from tests.factories.dashboards import DashActivityFactory, DashCampaignFactory

    earlier = DashCampaignFactory(
        region=tree.province, title="优化营商环境", year=campaign.year - 1,
        start_date=campaign.start_date - dt.timedelta(days=400), end_date=campaign.start_date - dt.timedelta(days=1),
    )
    for _ in range(4):
        DashActivityFactory(region=tree.zhushan, campaigns=[earlier], date=earlier.start_date + dt.timedelta(days=3))
    built = services.build(user=provincial, region=tree.province, campaign=campaign)
    now = built.content["totals"]["activities_total"]
    assert built.content["comparison"]["title"] == "优化营商环境"
    growth = round((now - 4) * 100 / 4, 1)
    assert f"活动总数{now}，同比增长 {growth}%" in "\n".join(_text(built.docx)[1])


def test_the_office_sees_only_its_scope_in_its_report(tree, xuanen_office, campaign, data):
    built = services.build(user=xuanen_office, region=tree.xuanen, campaign=campaign)
    assert [c["name"] for c in built.content["children"]] == ["珠山镇", "椒园镇"]
    assert all("洪湖" not in c["region"] for c in built.content["cases"])
