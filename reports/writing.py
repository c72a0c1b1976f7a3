"""The report's text: sentences written from templates around the gathered figures.

``compose`` turns ``content.gather``'s data into a neutral list of blocks (headings, paragraphs,
tables, charts); ``reports.document`` lays them out as an official work report. Nothing here
invents a fact: a sentence about something with no data says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reports.numbers import change, cn_about, cn_number, cn_ordinal, percent, points

Block = dict[str, Any]

CHILD_WORDS = {"province": "市(州)", "city": "县(市、区)", "county": "乡镇", "township": "联络站"}


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def title(content: dict[str, Any]) -> str:
    return f"{content['region']['name']}关于开展“{content['campaign']['title']}”代表行动情况的报告"


def default_opening(content: dict[str, Any]) -> str:
    c = content["campaign"]
    region = content["region"]["name"]
    if c["kind"] == "mandated":
        how = f"按照{c['set_by']}人大常委会统一部署"
    else:
        how = f"作为{c['set_by']}人大常委会的自选动作"
    period = f"（统计时段：{_date(content['from']) or _date(c['start'])}至{_date(content['to']) or _date(c['end'])}）"
    return (
        f"{c['year']}年，{how}，{region}各级人大代表围绕“{c['title']}”主题，深入选区、走进群众，"
        f"广泛开展代表行动{period}。现将有关情况报告如下。"
    )


def default_closing(content: dict[str, Any]) -> str:
    return (
        "下一步，我们将认真总结本次代表行动的经验做法，持续推动代表联系群众常态化、制度化，"
        "加强代表建议办理的跟踪督办和“回头看”，推动更多群众“急难愁盼”问题得到有效解决。"
    )


def _participation(content: dict[str, Any]) -> list[Block]:
    t, x = content["totals"], content["extra"]
    region = content["region"]["name"]
    blocks: list[Block] = []
    if not t.get("deputies_total"):
        blocks.append(para(f"{region}尚未登记在任人大代表，代表参与情况暂无数据。"))
    else:
        levels = [
            f"{lvl['label']}人大代表{cn_number(t.get('deputies_active_' + lvl['key']))}名"
            f"（共{cn_number(t.get('deputies_' + lvl['key']))}名，参与率{percent(t.get('deputies_active_rate_' + lvl['key']))}）"
            for lvl in content["levels"]
            if t.get("deputies_" + lvl["key"])
        ]
        text = (
            f"{region}共有在任各级人大代表{cn_number(t['deputies_total'])}名，参加本次行动{cn_number(t.get('deputies_active'))}名，"
            f"参与率{percent(t.get('deputies_active_rate'))}"
        )
        text += f"。其中，{'；'.join(levels)}。" if levels else "。"
        blocks.append(para(text))
    blocks.append(
        para(
            f"组建代表小组{x['groups_total']}个，其中区域混编小组{x['groups_mixed']}个、专业小组{x['groups_professional']}个；"
            f"行动期间开展活动的小组{x['groups_active']}个（混编小组{x['groups_active_mixed']}个、专业小组{x['groups_active_professional']}个）。"
        )
    )
    entered = (t.get("deputies_total") or 0) - (t.get("deputies_no_station") or 0)
    entered_rate = round(entered * 100 / t["deputies_total"], 1) if t.get("deputies_total") else None
    blocks.append(
        para(
            f"建成代表联络站（代表之家）{cn_number(t.get('stations_total'))}个，行动期间开展活动或接待群众的{cn_number(x['stations_used'])}个；"
            f"{x['townships_covered']}个乡镇（共{x['townships_total']}个）建有联络站，覆盖率{percent(x['township_coverage_rate'])}；"
            f"{cn_number(entered)}名代表进站履职，进站率{percent(entered_rate)}；联络站建设标准达标率{percent(t.get('standards_completion'))}。"
        )
    )
    return blocks


def _field_work(content: dict[str, Any]) -> list[Block]:
    t = content["totals"]
    kinds = [f"{k['label']}{cn_number(t.get('activities_' + k['key']))}次" for k in content["activity_types"] if t.get("activities_" + k["key"])]
    text = f"行动期间，各级代表共开展履职活动{cn_number(t.get('activities_total'))}次"
    text += f"，其中{'、'.join(kinds)}" if kinds else ""
    text += (
        f"；走访农户{cn_number(t.get('households_visited'))}户、企业{cn_number(t.get('enterprises_visited'))}家，"
        f"联系群众{cn_about(t.get('people_reached'))}人次；开展代表培训{cn_number(t.get('activities_training'))}场，"
        f"培训{cn_about(t.get('training_person_times'))}人次；各联络站举办接待日{cn_number(t.get('reception_days'))}次。"
    )
    blocks = [para(text)]
    if content["trend"]:
        blocks.append({"kind": "chart", "chart": "months", "caption": "图1 各月开展履职活动次数"})
    return blocks


def _suggestions(content: dict[str, Any]) -> list[Block]:
    t, x = content["totals"], content["extra"]
    received = t.get("suggestions_received") or 0
    blocks = [
        para(
            f"代表在行动中提出建议{cn_number(received)}条，已交办{cn_number(t.get('suggestions_assigned'))}条，"
            f"待分办{cn_number(t.get('suggestions_triage'))}条，不予立案{cn_number(t.get('suggestions_not_accepted'))}条。"
        )
    ]
    if not received:
        return blocks
    top = [c for c in content["categories"] if c["count"]][:5]
    if top:
        shares = "、".join(f"{c['name']}{cn_number(c['count'])}条（占{percent(round(c['count'] * 100 / received, 1))}）" for c in top)
        blocks.append(para(f"从类别看，{shares}位居前列。"))
        blocks.append({"kind": "chart", "chart": "categories", "caption": "图2 建议类别分布"})
    if content["league"]:
        leads = "；".join(
            f"{d['name']}主办{cn_number(d['suggestions'])}条，按期答复率{percent(d['on_time_rate'])}" for d in content["league"][:3]
        )
        blocks.append(para(f"从承办单位看，{leads}。"))
    classes = "、".join(f"{o['key']}类{cn_number(t.get('outcome_' + o['key']))}条" for o in content["outcomes"])
    blocks.append(
        para(
            f"已答复{cn_number(t.get('suggestions_answered'))}条，已办结{cn_number(t.get('suggestions_closed'))}条；按办理结果分，{classes}，"
            f"其中A类（已解决或基本解决）{cn_number(t.get('outcome_A'))}条；按期答复率{percent(t.get('on_time_rate'))}。"
            f"代表测评{cn_number(t.get('ratings_total'))}件次，满意及基本满意{cn_number(t.get('ratings_satisfied'))}件次，"
            f"满意率{percent(t.get('satisfaction_rate'))}。"
        )
    )
    blocks.append({"kind": "chart", "chart": "outcomes", "caption": "图3 建议办理结果分类"})
    blocks.append(
        para(
            f"目前临期催办{cn_number(t.get('suggestions_due_soon'))}条，逾期督办{cn_number(t.get('suggestions_overdue'))}条，"
            f"其中逾期通报{cn_number(t.get('suggestions_long_overdue'))}条；列入重点督办{cn_number(x['suggestions_key_supervision'])}条。"
            f"承办单位申请退回并经同意的{cn_number(x['suggestions_returned'])}条，已重新交办{cn_number(x['suggestions_rerouted'])}条。"
        )
    )
    return blocks


def _actions(content: dict[str, Any]) -> list[Block]:
    c = content["campaign"]
    kind = "规定动作" if c["kind"] == "mandated" else "自选动作"
    text = f"{kind}：{c['set_by']}人大常委会部署开展“{c['title']}”代表行动"
    text += f"，{c['description'].rstrip('。')}。" if c["description"] else "。"
    blocks = [para(text)]
    if content["actions"]:
        named = "；".join(f"{a['region']}开展“{a['title']}”，登记活动{cn_number(a['activities'])}次" for a in content["actions"])
        blocks.append(para(f"自选动作：{named}。"))
    else:
        blocks.append(para("自选动作：行动期间本地区未另行部署自选动作。"))
    return blocks


def _hot(content: dict[str, Any]) -> list[Block]:
    if not content["hot"]:
        return [para("本期尚未形成热点问题分析结果。")]
    items = "；".join(
        f"“{h['label']}”（建议{cn_number(h['suggestions'])}条，已答复{cn_number(h['answered'])}条，已解决{cn_number(h['resolved'])}条）"
        for h in content["hot"]
    )
    raised = sum(h["suggestions"] for h in content["hot"])
    resolved = sum(h["resolved"] for h in content["hot"])
    return [
        para(f"行动期间群众反映集中的热点问题有：{items}。"),
        para(f"上述热点问题共涉及建议{cn_number(raised)}条，已解决或基本解决{cn_number(resolved)}条。"),
    ]


def _comparison(content: dict[str, Any]) -> list[Block]:
    comp = content["comparison"]
    if comp is None:
        return [para("此前未开展同类代表行动，暂无可比数据。")]
    parts = []
    for row in comp["rows"]:
        if row["kind"] == "count":
            parts.append(f"{row['label']}{cn_number(row['now'])}，{change(row['now'], row['before'])}")
        else:
            parts.append(f"{row['label']}{percent(row['now'])}，{points(row['now'], row['before'])}")
    return [para(f"与{comp['year']}年“{comp['title']}”代表行动相比，{'；'.join(parts)}。")]


def _cell(key: str, value: Any) -> str:
    if key.endswith("_rate"):
        return percent(value)
    return cn_number(value)


def _table(content: dict[str, Any]) -> list[Block]:
    if not content["children"]:
        return [para("本级以下暂无分地区数据。")]
    word = "联络站" if content["child_kind"] == "station" else CHILD_WORDS.get(content["region"]["level"], "地区")
    header = ["地区" if content["child_kind"] != "station" else "联络站"] + [c["label"] for c in content["table_columns"]]
    rows = [[child["name"]] + [_cell(c["key"], child["figures"].get(c["key"])) for c in content["table_columns"]] for child in content["children"]]
    return [para(f"各{word}主要数据见下表。"), {"kind": "table", "header": header, "rows": rows}]


def _cases(content: dict[str, Any]) -> list[Block]:
    if not content["cases"]:
        return [para("本期暂无办理结果为A类且代表测评满意的建议，未选取典型案例。")]
    blocks: list[Block] = []
    for n, case in enumerate(content["cases"], start=1):
        blocks.append({"kind": "subheading", "text": f"（{cn_ordinal(n)}）{case['title']}"})
        blocks.append(para(case["text"]))
    return blocks


SECTIONS = [
    ("代表参与情况", _participation),
    ("履职活动开展情况", _field_work),
    ("建议收集与办理情况", _suggestions),
    ("规定动作与自选动作", _actions),
    ("热点问题及解决情况", _hot),
    ("与上次行动比较", _comparison),
    ("各地开展情况", _table),
    ("典型案例", _cases),
]


def para(text: str) -> Block:
    return {"kind": "para", "text": text}


def compose(content: dict[str, Any], *, opening: str = "", closing: str = "") -> dict[str, Any]:
    """The report as blocks: title, issuing office, date, opening, sections 一、二、三…, closing."""
    blocks: list[Block] = [para(p) for p in (opening.strip() or default_opening(content)).splitlines() if p.strip()]
    for n, (heading, write) in enumerate(SECTIONS, start=1):
        blocks.append({"kind": "heading", "text": f"{cn_ordinal(n)}、{heading}"})
        blocks.extend(write(content))
    blocks.extend(para(p) for p in (closing.strip() or default_closing(content)).splitlines() if p.strip())
    return {"title": title(content), "office": content["office"], "date": _date(content["today"]), "blocks": blocks}
