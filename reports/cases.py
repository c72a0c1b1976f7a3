"""Typical cases (典型案例): suggestions the data itself puts forward, told from their own record.

The rules, in order:
1. only a suggestion whose current answer is class A (已解决或基本解决) and whose latest rating is
   满意 qualifies;
2. among those, the ones with most people behind them come first: co-signing deputies plus the
   residents reached at the activity it came from (plus one when a resident's message started it);
   ties go to the later submission, then the smaller id;
3. the cases are spread: a pick repeats neither a category nor a sub-region while an unused one is
   left among the candidates; only then does a category or sub-region come twice.

The office may swap a case for any other qualifying suggestion of the report (``CampaignReport.case_ids``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dashboards.figures import FAMILIES, Filters
from regions.models import LEVEL_ORDER, PREFIX_LENGTH, RegionLevel
from residents.models import ResidentMessage
from suggestions.models import Answer, Assignment, AssignmentRole, AssignmentState, CoSignature, OutcomeClass, Rating, RatingValue
from suggestions.taxonomy import categories

CASES_SHOWN = 4
# Qualifying suggestions offered to the office to swap a case for.
CANDIDATES_OFFERED = 30
EXCERPT_CHARS = 90


def qualifying(filters: Filters) -> QuerySet:
    """Rule 1 over the report's suggestions, annotated with rule 2's weight.

    Rule 1 is written as two semi-joins (an answer of class A with no later answer; a 满意 rating with
    no later rating), not as "the latest answer's class = 'A'" over correlated subqueries: PostgreSQL
    cannot estimate a subquery's value and took such a filter to keep one suggestion in 40,000, then
    joined the province's 6,607 qualifying suggestions to the regions table by scanning it once each
    (48.8 million rows, 15 s). The semi-joins are estimated from the tables' own statistics."""
    later_answer = Answer.objects.filter(suggestion=OuterRef("suggestion"), id__gt=OuterRef("id"))
    current_a = Answer.objects.filter(suggestion=OuterRef("pk"), outcome_class=OutcomeClass.A).filter(~Exists(later_answer))
    later_rating = Rating.objects.filter(suggestion=OuterRef("suggestion")).filter(
        Q(rated_at__gt=OuterRef("rated_at")) | Q(rated_at=OuterRef("rated_at"), id__gt=OuterRef("id"))
    )
    latest_satisfied = Rating.objects.filter(suggestion=OuterRef("pk"), value=RatingValue.SATISFIED).filter(~Exists(later_rating))
    cosigners = (
        CoSignature.objects.filter(suggestion=OuterRef("pk")).order_by().values("suggestion").annotate(n=Count("id")).values("n")
    )
    from_message = Exists(ResidentMessage.objects.filter(suggestion=OuterRef("pk")))
    return (
        FAMILIES["suggestions"]
        .rows(filters)
        .filter(Exists(current_a), Exists(latest_satisfied))
        .annotate(
            cosigners_n=Coalesce(Subquery(cosigners, output_field=IntegerField()), 0),
            residents_n=Coalesce(F("source_activity__people_reached"), 0),
            from_message=from_message,
        )
        .order_by()
    )


def _unit_length(filters: Filters) -> int:
    level = RegionLevel(filters.region.level)
    below = LEVEL_ORDER[min(LEVEL_ORDER.index(level) + 1, len(LEVEL_ORDER) - 1)]
    return PREFIX_LENGTH[below]


# Rule 3 spreads the picks over this many of rule 2's best (enough to meet every category).
POOL = 500


def ranked(filters: Filters, *, limit: int = POOL, ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Rule 2: qualifying suggestions, most people behind them first (one query, ``limit`` rows);
    with ``ids``, only those."""
    weight = F("cosigners_n") + F("residents_n") + Case(When(from_message=True, then=1), default=0, output_field=IntegerField())
    qs = qualifying(filters) if ids is None else qualifying(filters).filter(id__in=ids)
    rows = list(
        qs.annotate(weight=weight)
        .order_by(F("weight").desc(), F("submitted_at").desc(nulls_last=True), "id")
        .values(
            "id", "title", "category", "submitted_at", "region__prefix", "region__name", "cosigners_n", "residents_n", "from_message", "weight"
        )[:limit]
    )
    return rows


def spread(rows: list[dict[str, Any]], n: int, unit_length: int) -> list[dict[str, Any]]:
    """Rule 3 over ``rows`` already in rule 2's order."""
    picked: list[dict[str, Any]] = []
    used_categories: set[str] = set()
    used_units: set[str] = set()
    passes = (
        lambda r: r["category"] not in used_categories and r["unit"] not in used_units,
        lambda r: r["category"] not in used_categories or r["unit"] not in used_units,
        lambda r: True,
    )
    for row in rows:
        row["unit"] = (row["region__prefix"] or "")[:unit_length]
    for allowed in passes:
        for row in rows:
            if len(picked) >= n:
                return picked
            if row in picked or not allowed(row):
                continue
            picked.append(row)
            used_categories.add(row["category"])
            used_units.add(row["unit"])
    return picked


def pick(filters: Filters, n: int = CASES_SHOWN) -> list[int]:
    """The ids of the typical cases the rules choose, in the order the report tells them."""
    return [row["id"] for row in spread(ranked(filters), n, _unit_length(filters))]


def valid_choice(filters: Filters, ids: list[int]) -> list[int]:
    """The office's chosen ids that qualify (in the report's region, scope and rules), in their order."""
    ok = set(qualifying(filters).filter(id__in=ids).values_list("id", flat=True))
    return [pk for pk in ids if pk in ok]


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The answer's first sentence (or first ``limit`` characters), as the case quotes it."""
    text = " ".join((text or "").split())
    end = text.find("。")
    if 0 <= end < limit:
        return text[: end + 1]
    if len(text) <= limit:
        return text if text.endswith("。") else f"{text}。"
    return text[:limit].rstrip("，,；;、") + "……"


def tell(ids: list[int]) -> list[dict[str, Any]]:
    """Each case in two or three sentences, from its own title, answer and timeline. Four queries."""
    if not ids:
        return []
    from suggestions.models import Suggestion

    names = {code: c.name for code, c in categories().items()}
    suggestions = {
        s.pk: s
        for s in Suggestion.objects.filter(pk__in=ids)
        .select_related("lead_deputy", "region", "source_activity")
        .annotate(cosigners_n=Count("co_signatures", distinct=True))
    }
    answers: dict[int, Answer] = {}
    for answer in Answer.objects.filter(suggestion_id__in=ids).select_related("assignment__department").order_by("id"):
        answers[answer.suggestion_id] = answer  # the last is the current answer
    first_assigned: dict[int, Any] = {}
    returned: set[int] = set()
    for assignment in Assignment.objects.filter(suggestion_id__in=ids, role=AssignmentRole.LEAD).order_by("assigned_at", "id"):
        first_assigned.setdefault(assignment.suggestion_id, assignment.assigned_at)
        if assignment.state == AssignmentState.RETURNED:
            returned.add(assignment.suggestion_id)
    told = []
    for pk in ids:
        s = suggestions.get(pk)
        answer = answers.get(pk)
        if s is None or answer is None:
            continue
        department = answer.assignment.department.name
        who = f"{s.lead_deputy.name}代表" if s.lead_deputy_id else "代表"
        if s.cosigners_n:
            who += f"与{s.cosigners_n}名代表联名"
        named = f"《{s.title}》" if s.title.endswith("建议") else f"《{s.title}》的建议"
        first = f"{_date(s.submitted_at)}，{s.region.name}{who}提出{named}"
        if s.source_activity_id and s.source_activity.people_reached:
            first += f"，反映了在活动中联系的{s.source_activity.people_reached}名群众的共同诉求"
        second = f"{_date(first_assigned.get(pk))}，该建议交由{department}办理"
        if pk in returned:
            second += "（经退回后重新交办）"
        second += f"；{_date(answer.answered_at)}，{department}答复：{excerpt(answer.text)}"
        third = "办理结果为“已解决或基本解决”，代表测评“满意”。"
        told.append(
            {
                "id": pk,
                "title": s.title,
                "region": s.region.name,
                "category": names.get(s.category, "未分类"),
                "department": department,
                "text": f"{first}。{second}{third}",
            }
        )
    return told
