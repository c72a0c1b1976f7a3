"""The suggestion ledger (建议办理台账) as .xlsx, headers in the user's language (Chinese first), one row per suggestion."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.xlsx import XlsxWriter
from suggestions.models import Assignment, AssignmentRole, CoSignature, OutcomeClass, RatingValue
from suggestions.selectors import DeadlineState
from suggestions.taxonomy import categories

HEADERS = [
    gettext_lazy("编号"), gettext_lazy("标题"), gettext_lazy("领衔代表"), gettext_lazy("附议代表"), gettext_lazy("涉及区划"),
    gettext_lazy("类别"), gettext_lazy("代表行动"), gettext_lazy("状态"), gettext_lazy("提交时间"), gettext_lazy("主办单位"), gettext_lazy("协办单位"),
    gettext_lazy("交办时间"), gettext_lazy("办理期限"), gettext_lazy("期限状态"), gettext_lazy("答复时间"), gettext_lazy("办理结果"),
    gettext_lazy("按期答复"), gettext_lazy("测评结果"), gettext_lazy("不满意次数"), gettext_lazy("重点督办"), gettext_lazy("不予立案理由"),
]


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_xlsx(suggestions: QuerySet) -> bytes:
    """Write the ledger of already-scoped ``suggestions`` (annotated by ``selectors.with_deadline``)."""
    rows = suggestions.select_related("region", "lead_deputy", "campaign").prefetch_related(
        Prefetch("co_signatures", queryset=CoSignature.objects.select_related("deputy")),
        Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("assigned_at", "id")),
        "answers__rating",
    )
    names = {c.code: c.name for c in categories().values()}
    wb = XlsxWriter()
    ws = wb.sheet(_("建议办理台账"), HEADERS)
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
            names.get(s.category, ""), str(s.campaign) if s.campaign else "", str(s.get_status_display()), _local(s.submitted_at), lead.department.name if lead else "",
            "、".join(co), _local(lead.assigned_at) if lead else "", lead.due_at.isoformat() if lead else "",
            str(DeadlineState.LABELS.get(getattr(s, "deadline_state", "") or "", "")), _local(last.answered_at) if last else "",
            str(OutcomeClass(last.outcome_class).label) if last else "", (_("是") if last.on_time else _("否")) if last else "",
            str(RatingValue(rating.value).label) if rating else "", s.unsatisfied_count, _("是") if s.key_supervision else "",
            s.not_accepted_reason,
        ])
    return wb.bytes()


