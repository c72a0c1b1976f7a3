"""The report to voters (述职报告): a first-person draft written from the record, and its .docx.

The draft is plain text — a title, then paragraphs; a line opening with a Chinese ordinal (``一、``)
is a heading — so the deputy edits it in a text box and the .docx prints exactly what was saved.
Lists are cut to keep the report to one or two pages; the figures are always the whole year's.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from activities.models import Activity, ActivityType
from deputies.models import Deputy
from duty.models import VoterReport
from duty.record import counted_suggestions
from duty.scoring import score_totals, year_bounds
from residents.models import ResidentMessage
from suggestions.models import Answer, OutcomeClass

LISTED_ACTIVITIES = 8
LISTED_SUGGESTIONS = 8
HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def _cn_date(day) -> str:
    return f"{day.month}月{day.day}日"


def figures(deputy: Deputy, year: int) -> dict:
    """The year's figures the report states (a handful of queries)."""
    from duty.selectors import _cards, mandates_in_year

    start, end = year_bounds(year)
    activities = list(
        Activity.objects.filter(attendance__deputy=deputy, date__gte=start, date__lt=end)
        .select_related("region", "station")
        .order_by("date", "id")
    )
    by_type = Counter(a.type for a in activities)
    outcome = Answer.objects.filter(suggestion=OuterRef("pk")).order_by("-answered_at", "-id").values("outcome_class")[:1]
    counted = counted_suggestions().filter(submitted_at__gte=_aware(start), submitted_at__lt=_aware(end))
    led = list(counted.filter(lead_deputy=deputy).annotate(outcome=Subquery(outcome)).order_by("submitted_at", "id"))
    co_signed = counted.filter(co_signatures__deputy=deputy, co_signatures__confirmed_at__isnull=False).count()
    replied = ResidentMessage.objects.filter(
        replied_by__deputy_profile=deputy, replied_at__gte=_aware(start), replied_at__lt=_aware(end)
    ).count()
    mandates = mandates_in_year(year).filter(deputy=deputy)
    cards = _cards(mandates, year)
    score_totals(cards, year, mandates)
    return {
        "deputy": deputy,
        "year": year,
        "mandates": list(mandates.select_related("congress_region").order_by("level")),
        "stations": list(deputy.stations.order_by("name").values_list("name", flat=True)),
        "activities": activities,
        "by_type": by_type,
        "led": led,
        "answered": [s for s in led if s.outcome],
        "outcomes": Counter(s.outcome for s in led if s.outcome),
        "co_signed": co_signed,
        "replied": replied,
        "trainings": [a for a in activities if a.type == ActivityType.TRAINING],
        "cards": cards,
    }


def _aware(day):
    import datetime as dt

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def draft(deputy: Deputy, year: int) -> tuple[str, str]:
    """(title, body) drafted in the first person from the record."""
    f = figures(deputy, year)
    labels = dict(ActivityType.choices)
    seats = "、".join(f"{m.congress_region.name}{m.term}人大代表" for m in f["mandates"]) or "人大代表"
    where = f"，在{'、'.join(f['stations'])}联系选民" if f["stations"] else ""
    title = f"{deputy.name}代表{year}年度履职情况报告"
    p = ["各位选民：", f"我是{seats}{deputy.name}{where}。根据代表法的规定和人大常委会的安排，现将我{year}年履行代表职责的情况向大家报告，请予评议。"]

    p.append("一、参加履职活动")
    total = len(f["activities"])
    if total:
        parts = "，".join(f"{labels.get(t, t)}{n}次" for t, n in f["by_type"].most_common())
        p.append(f"这一年，我共参加各类履职活动{total}次，其中{parts}。")
        listed = [a for a in f["activities"] if a.type != ActivityType.TRAINING][:LISTED_ACTIVITIES]
        if listed:
            items = "；".join(
                f"{_cn_date(a.date)}在{a.station.name if a.station else a.region.name}{labels.get(a.type, a.type)}" for a in listed
            )
            rest = total - len(f["trainings"]) - len(listed)
            p.append(f"主要有：{items}" + (f"；另有{rest}次不再一一列出。" if rest > 0 else "。"))
    else:
        p.append("这一年，我参加履职活动的记录还不多，今后一定多到选民中去。")

    p.append("二、提出建议")
    led, answered, outcomes = f["led"], f["answered"], f["outcomes"]
    if led or f["co_signed"]:
        sentence = f"我领衔提出建议{len(led)}件，附议建议{f['co_signed']}件。"
        if answered:
            classes = "，".join(f"{c}类{outcomes[c]}件" for c in OutcomeClass.values if outcomes.get(c))
            sentence += f"领衔的建议已答复{len(answered)}件，其中{classes}。"
        p.append(sentence)
        names = dict(OutcomeClass.choices)
        if led:
            items = "；".join(f"《{s.title}》（{names[s.outcome] if s.outcome else '正在办理'}）" for s in led[:LISTED_SUGGESTIONS])
            rest = len(led) - LISTED_SUGGESTIONS
            p.append(f"领衔的建议是：{items}" + (f"；另有{rest}件不再一一列出。" if rest > 0 else "。"))
    else:
        p.append("今年我没有领衔或附议建议。")

    p.append("三、联系群众、回复留言")
    p.append(f"我通过联络站的群众留言回复群众{f['replied']}条，把群众反映的问题带到相关部门推动解决。")

    p.append("四、学习培训")
    if f["trainings"]:
        dates = "、".join(_cn_date(a.date) for a in f["trainings"])
        p.append(f"我参加代表学习培训{len(f['trainings'])}次（{dates}），提高了依法履职的能力。")
    else:
        p.append("今年我没有参加集中培训，今后将积极参加学习。")

    if f["cards"]:
        p.append("五、履职积分")
        for card in f["cards"]:
            p.append(f"按照{card.scheme.congress_region.name}人大常委会的代表履职积分办法，我{year}年度积分为{_num(card.points)}分。")

    p.append(("六" if f["cards"] else "五") + "、存在的不足和今后的打算")
    p.append("回顾一年的履职，我还存在联系选民不够经常、调查研究不够深入等不足。今后我将继续密切联系群众，认真收集和反映群众的意见和建议，督促建议办理落实，不辜负选民的信任。")
    p.append("以上报告，请各位选民评议。")
    p.append(f"报告人：{deputy.name}")
    p.append(f"{timezone.localdate().year}年{timezone.localdate().month}月{timezone.localdate().day}日")
    return title, "\n".join(p)


def _num(value) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def current_text(deputy: Deputy, year: int) -> tuple[str, str, VoterReport | None]:
    """The saved report, or a fresh draft when none was saved."""
    saved = VoterReport.objects.filter(deputy=deputy, year=year).first()
    if saved is not None:
        return saved.title, saved.body, saved
    title, body = draft(deputy, year)
    return title, body, None


def docx_bytes(title: str, body: str) -> bytes:
    """The report as a .docx in the usual form: a centred title, 仿宋 body with first-line indent."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3.2), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(heading.add_run(title), "方正小标宋简体", 20)
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        para = document.add_paragraph()
        para.paragraph_format.line_spacing = Pt(24)
        para.paragraph_format.space_after = Pt(0)
        if HEADING.match(line):
            font(para.add_run(line), "黑体", 14)
            para.paragraph_format.first_line_indent = Pt(28)
        elif index == 0 and line.endswith("："):
            font(para.add_run(line), "仿宋_GB2312", 14)
        elif index >= len(lines) - 2 and (line.startswith("报告人") or re.match(r"^\d{4}年", line)):
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            font(para.add_run(line), "仿宋_GB2312", 14)
        else:
            para.paragraph_format.first_line_indent = Pt(28)
            font(para.add_run(line), "仿宋_GB2312", 14)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_docx(deputy: Deputy, year: int) -> bytes:
    title, body, _saved = current_text(deputy, year)
    return docx_bytes(title, body)
