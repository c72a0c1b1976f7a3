"""The one transition table of a suggestion's life (see DESIGN.md "Suggestions: states").

Allowed moves are data: each action names the states it may start from and the state it leads to
(``None``: the suggestion's state does not change, e.g. an extension request, which is still only
allowed while the suggestion is being handled). ``services.py`` checks every move here, under a row
lock, so an illegal or stale move (two handlers answering at once) raises ``TransitionNotAllowed``.

```
draft ─submit─▶ submitted ─route─▶ assigned ─acknowledge─▶ acknowledged ─answer─▶ answered ─rate─▶ closed
                    │                 │  ▲                      │                   │
                    ▼                 │  └─ return refused ─────┤                   └─ unsatisfied ─▶ acknowledged
                  triage ◀─ return approved ◀─ return_requested ◀┘                      (reopened, new due date)
                    ├─ assign by hand ─▶ assigned
                    └─ not_accepted (with reason)
withdrawn and merged (duplicate_of) are reachable from any state before answered.
```
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from config.exceptions import Conflict
from suggestions.models import Status


class TransitionNotAllowed(Conflict):
    """The move is not in the table for the suggestion's current state (illegal, or someone was first)."""

    def __init__(self, message: str, *, code: str = "transition_not_allowed"):
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None
    label: str


# Every state before an answer: withdrawal and merging are possible from any of them.
BEFORE_ANSWER = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.TRIAGE, Status.ASSIGNED, Status.RETURN_REQUESTED, Status.ACKNOWLEDGED}
)
BEING_HANDLED = frozenset({Status.ASSIGNED, Status.ACKNOWLEDGED})


def _t(action, sources, target, label):
    return Transition(action=action, sources=frozenset(sources), target=target, label=label)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("edit", {Status.DRAFT}, None, _("修改草稿")),
        _t("submit", {Status.DRAFT}, Status.SUBMITTED, _("提交")),
        _t("cosign_confirm", {Status.DRAFT, Status.SUBMITTED}, None, _("确认附议")),
        _t("route_to_triage", {Status.SUBMITTED}, Status.TRIAGE, _("转人工分办")),
        # The router assigns from submitted; an office assigns by hand from triage.
        _t("assign", {Status.SUBMITTED, Status.TRIAGE}, Status.ASSIGNED, _("交办")),
        _t("not_accept", {Status.TRIAGE}, Status.NOT_ACCEPTED, _("不予立案")),
        _t("acknowledge", {Status.ASSIGNED}, Status.ACKNOWLEDGED, _("签收")),
        _t("request_return", {Status.ASSIGNED, Status.ACKNOWLEDGED}, Status.RETURN_REQUESTED, _("申请退回")),
        _t("approve_return", {Status.RETURN_REQUESTED}, Status.TRIAGE, _("同意退回")),
        _t("refuse_return", {Status.RETURN_REQUESTED}, Status.ASSIGNED, _("不同意退回")),
        _t("request_extension", BEING_HANDLED, None, _("申请延期")),
        _t("approve_extension", BEING_HANDLED, None, _("同意延期")),
        _t("refuse_extension", BEING_HANDLED, None, _("不同意延期")),
        _t("cohandler_acknowledge", BEING_HANDLED, None, _("协办单位签收")),
        _t("cohandler_opinion", BEING_HANDLED, None, _("提交协办意见")),
        _t("answer", {Status.ACKNOWLEDGED}, Status.ANSWERED, _("答复")),
        _t("rate", {Status.ANSWERED}, Status.CLOSED, _("满意度测评")),
        # 不满意: reopened for the same lead department with a new due date.
        _t("rate_unsatisfied", {Status.ANSWERED}, Status.ACKNOWLEDGED, _("不满意，重新办理")),
        # 回头看 of a B/C answer: recorded while the deputy rates it or after it closed.
        _t("follow_up", {Status.ANSWERED, Status.CLOSED}, None, _("回头看")),
        _t("withdraw", BEFORE_ANSWER, Status.WITHDRAWN, _("撤回")),
        _t("merge", BEFORE_ANSWER, Status.MERGED, _("合并")),
    ]
}


def check(action: str, status: str) -> Transition:
    """The transition for ``action`` from ``status``, or ``TransitionNotAllowed`` with a Chinese message."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionNotAllowed(
            _("该建议当前状态为「%(status)s」，不能%(action)s（可能已被他人处理，请刷新页面）。")
            % {"status": Status(status).label, "action": transition.label}
        )
    return transition


def allowed_actions(status: str) -> set[str]:
    """The actions the table allows from ``status`` (pages use it to show only the buttons that work)."""
    return {action for action, t in TRANSITIONS.items() if status in t.sources}
