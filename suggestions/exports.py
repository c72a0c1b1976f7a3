"""The suggestion ledger (建议办理台账) as .xlsx, Chinese headers, one row per suggestion."""

from __future__ import annotations

import io

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook

from suggestions.models import Assignment, AssignmentRole, CoSignature, OutcomeClass, RatingValue
from suggestions.taxonomy import categories

HEADERS = [
    "编号", "标题", "领衔代表", "附议代表", "涉及区划", "类别", "状态", "提交时间", "主办单位", "协办单位", "交办时间",
    "办理期限", "期限状态", "答复时间", "办理结果", "按期答复", "测评结果", "不满意次数", "重点督办", "不予立案理由",
]
DEADLINE_LABELS = {"on_time": "正常", "due_soon": "即将到期", "overdue": "已逾期", "long_overdue": "逾期通报", "": ""}


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_xlsx(suggestions: QuerySet) -> bytes:
    """Write the ledger of already-scoped ``suggestions`` (annotated by ``selectors.with_deadline``)."""
    rows = suggestions.select_related("region", "lead_deputy").prefetch_related(
        Prefetch("co_signatures", queryset=CoSignature.objects.select_related("deputy")),
        Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("assigned_at", "id")),
        "answers__rating",
    )
    names = {c.code: c.name_zh for c in categories().values()}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("建议办理台账")
    ws.append(HEADERS)
    for s in rows.iterator(chunk_size=500):
        assignments = list(s.assignments.all())
        leads = [a for a in assignments if a.role == AssignmentRole.LEAD]
        lead = leads[-1] if leads else None
        co = [a.department.name for a in assignments if a.role == AssignmentRole.CO_HANDLER and (not lead or a.assigned_at == lead.assigned_at)]
        answers = list(s.answers.all())
        last = answers[-1] if answers else None
        rating = getattr(last, "rating", None) if last else None
        ws.append([
            s.number, s.title, s.lead_deputy.name, "、".join(c.deputy.name for c in s.co_signatures.all()), s.region.name,
            names.get(s.category, ""), str(s.get_status_display()), _local(s.submitted_at), lead.department.name if lead else "",
            "、".join(co), _local(lead.assigned_at) if lead else "", lead.due_at.isoformat() if lead else "",
            DEADLINE_LABELS.get(getattr(s, "deadline_state", "") or "", ""), _local(last.answered_at) if last else "",
            str(OutcomeClass(last.outcome_class).label) if last else "", ("是" if last.on_time else "否") if last else "",
            str(RatingValue(rating.value).label) if rating else "", s.unsatisfied_count, "是" if s.key_supervision else "",
            s.not_accepted_reason,
        ])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


