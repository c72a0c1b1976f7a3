"""Suggestions (建议) from submission to closure, the departments that handle them, and the router's data.

The states and the allowed moves are in ``suggestions/transitions.py``; only ``services.py`` changes
a suggestion's status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.scope import copy_region_prefix, prefix_index
from suggestions.taxonomy import category_choices, department_type_choices


class Department(models.Model):
    """承办单位: a department of one government (the region names the government)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属政府区划"), on_delete=models.PROTECT, related_name="departments")
    type = models.CharField(_("部门类型"), max_length=32, choices=department_type_choices())
    name = models.CharField(_("名称"), max_length=64)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__code", "type"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]
        # Routing: "this government's department of this type".
        indexes = [models.Index(fields=["region", "type", "active"], name="department_routing_idx")]

    def __str__(self) -> str:
        return self.name


class Handler(models.Model):
    """Links a user to the department they handle suggestions for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handler")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="handlers")

    class Meta:
        verbose_name = _("承办人")
        verbose_name_plural = _("承办人")

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    TRIAGE = "triage", _("待分办")
    ASSIGNED = "assigned", _("已交办")
    RETURN_REQUESTED = "return_requested", _("申请退回")
    ACKNOWLEDGED = "acknowledged", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    NOT_ACCEPTED = "not_accepted", _("不予立案")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = [Status.SUBMITTED, Status.TRIAGE, Status.ASSIGNED, Status.RETURN_REQUESTED, Status.ACKNOWLEDGED]


class OutcomeClass(models.TextChoices):
    A = "A", _("A类 已解决或基本解决")
    B = "B", _("B类 正在解决或列入计划解决")
    C = "C", _("C类 因条件限制需以后解决")
    D = "D", _("D类 留作参考")


class RatingValue(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Suggestion(models.Model):
    number = models.CharField(_("编号"), max_length=32, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"))
    region = models.ForeignKey("regions.Region", verbose_name=_("涉及区划"), on_delete=models.PROTECT, related_name="suggestions")
    # The region's prefix, copied on save (regions.scope.ScopedByRegion): scope is a range of one
    # indexed column of this table, not a join to the region tree on every list.
    region_prefix = models.CharField(_("区划代码前缀"), max_length=12, default="", db_default="", editable=False)
    lead_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="led_suggestions"
    )
    co_signers = models.ManyToManyField(
        "deputies.Deputy", through="CoSignature", related_name="co_signed_suggestions", verbose_name=_("附议代表")
    )
    source_activity = models.ForeignKey(
        "activities.Activity", verbose_name=_("来源活动"), null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    source_issue = models.ForeignKey(
        "activities.IssueRaised", verbose_name=_("来源问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    campaign = models.ForeignKey(
        "activities.Campaign", verbose_name=_("代表行动"), null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    category = models.CharField(_("类别"), max_length=32, choices=category_choices(), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="suggestions_submitted"
    )
    # The first submission date is kept through returns and reassignments.
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    key_supervision = models.BooleanField(_("重点督办"), default=False)
    unsatisfied_count = models.PositiveSmallIntegerField(_("不满意次数"), default=0)
    not_accepted_reason = models.TextField(_("不予立案理由"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # The router's top three guesses (code, confidence), shown to the office in triage.
    router_guesses = models.JSONField(_("分办建议"), default=list, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The running lead assignment (states.RUNNING_ASSIGNMENT_STATES, the latest if several), whose
    # dates give the deadline state every surface shows. Kept by the services that move assignments
    # (services.assignments.sync_running_lead, the one home of the rule); lists join it by key.
    lead_assignment = models.ForeignKey(
        "Assignment", verbose_name=_("主办交办件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("建议")
        verbose_name_plural = _("建议")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Lists and dashboards: suggestions of a region subtree by state.
            models.Index(fields=["region", "status"], name="suggestion_region_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="suggestion_status_sub_idx"),
            models.Index(fields=["campaign", "status"], name="suggestion_campaign_idx"),
            # The lists' order (latest submitted first), read from the index rather than sorted.
            models.Index(fields=["-submitted_at", "-id"], name="suggestion_newest_idx"),
            # Scope: a region subtree is a range of this index (LIKE '4228%').
            prefix_index("region_prefix", name="suggestion_scope_idx"),
            # Deadline filters and the supervision page: only suggestions with a running lead (about one
            # in ten) can be due soon or late; read them newest first without walking the others.
            models.Index(
                fields=["-submitted_at", "-id"], condition=models.Q(lead_assignment__isnull=False), name="suggestion_running_newest_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        copy_region_prefix(self, kwargs)
        super().save(*args, **kwargs)


class CoSignature(models.Model):
    """附议: a co-signing deputy, who confirms."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="co_signatures")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.CASCADE, related_name="co_signatures")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosignature_unique")]


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO_HANDLER = "co_handler", _("协办")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RETURN_REQUESTED = "return_requested", _("申请退回")
    OPINION_SENT = "opinion_sent", _("已提交协办意见")
    ANSWERED = "answered", _("已答复")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤销")



# Assignments whose clock is running (states.RUNNING_ASSIGNMENT_STATES); here for the index below.
RUNNING_STATES = [AssignmentState.ASSIGNED, AssignmentState.ACKNOWLEDGED, AssignmentState.RETURN_REQUESTED]


class Assignment(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("办理方式"), max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    state = models.CharField(_("状态"), max_length=20, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    due_at = models.DateField(_("办理期限"))
    # How due_at was computed (start, rule, skipped holidays, provisional flag), shown on the page.
    due_explanation = models.JSONField(_("期限计算"), default=dict, blank=True)
    # Derived from due_at and the calendar whenever due_at is computed (never set by hand): the day
    # due-soon reminders (催办) start and the day an overdue assignment is reported (通报).
    remind_at = models.DateField(_("催办起始日"), null=True, blank=True)
    long_overdue_at = models.DateField(_("逾期通报日"), null=True, blank=True)
    # Last day a department may ask to return it (退回), in working days from assignment.
    return_deadline = models.DateField(_("申请退回截止日"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    opinion = models.TextField(_("协办意见"), blank=True)
    opinion_at = models.DateTimeField(_("协办意见时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["suggestion_id", "role", "id"]
        indexes = [
            # A department's inbox and the supervision sweep (due soon / overdue).
            models.Index(fields=["department", "state"], name="assignment_dept_state_idx"),
            models.Index(fields=["state", "due_at"], name="assignment_state_due_idx"),
            # The lists' running lead (Suggestion.lead_assignment, joined on a running state): its dates
            # and department from this small index alone (one row in ten), not from every assignment.
            models.Index(
                fields=["id"], include=["due_at", "remind_at", "long_overdue_at", "department"],
                condition=models.Q(state__in=RUNNING_STATES), name="assignment_running_lead_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} → {self.department} ({self.get_role_display()})"


class RequestDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class ReturnRequest(models.Model):
    """退回: a department that is not responsible asks to give the suggestion back."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="return_requests")
    reason = models.TextField(_("退回理由"))
    suggested_department = models.ForeignKey(
        Department, verbose_name=_("建议承办单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decision = models.CharField(_("审核结果"), max_length=16, choices=RequestDecision.choices, default=RequestDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("退回申请")
        verbose_name_plural = _("退回申请")


class ExtensionRequest(models.Model):
    """延期: more time, approved by the office; moves the due date and says why."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extension_requests")
    reason = models.TextField(_("延期理由"))
    requested_due_at = models.DateField(_("申请延至"))
    previous_due_at = models.DateField(_("原办理期限"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decision = models.CharField(_("审核结果"), max_length=16, choices=RequestDecision.choices, default=RequestDecision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")


class Answer(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="answers")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("答复内容"))
    outcome_class = models.CharField(_("办理结果"), max_length=1, choices=OutcomeClass.choices)
    follow_up_date = models.DateField(_("回头看日期"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("回头看完成"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"))
    on_time = models.BooleanField(_("按期答复"), default=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["answered_at", "id"]


class Rating(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings")
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="rating")
    deputy = models.ForeignKey("deputies.Deputy", on_delete=models.PROTECT, related_name="ratings")
    value = models.CharField(_("测评结果"), max_length=24, choices=RatingValue.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(_("测评时间"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")


class Attachment(models.Model):
    """A file on a suggestion or an answer; served only to users who may see the suggestion."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="suggestion_files/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class SuggestionEvent(models.Model):
    """The append-only timeline: who, when, from, to, note. Never edited or deleted."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # "router", "beat" or the user's name at the time: the timeline reads right even if a user is removed.
    actor_label = models.CharField(_("操作人"), max_length=64, blank=True)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["suggestion", "created_at"], name="event_suggestion_time_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Suggestion events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Suggestion events are append-only.")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a holiday on a weekday or a make-up working weekend."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=32, blank=True)
    source = models.CharField(_("来源"), max_length=32, default="manual")

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]


class CalendarYear(models.Model):
    """A year whose holidays are known; deadlines reaching an unknown year are provisional."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=32, default="manual")

    class Meta:
        verbose_name = _("已发布年度")
        verbose_name_plural = _("已发布年度")
        ordering = ["year"]


class ReminderKind(models.TextChoices):
    SIGN_OFF = "sign_off", _("签收提醒")
    DUE_SOON = "due_soon", _("催办")
    OVERDUE = "overdue", _("督办")
    LONG_OVERDUE = "long_overdue", _("通报")
    OPINION_DUE = "opinion_due", _("协办意见催办")
    FOLLOW_UP = "follow_up", _("回头看")


class Reminder(models.Model):
    """One supervision step sent for one assignment and one due date: the unique constraint makes
    each step happen once, however many beat ticks see it."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    due_at = models.DateField(_("对应期限"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("催督办记录")
        verbose_name_plural = _("催督办记录")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind", "due_at"], name="reminder_once_per_step")]


class SideEffectKind(models.TextChoices):
    NOTICE = "notice", _("消息通知")
    INDEX_SIMILARITY = "index_similarity", _("相似建议索引")


class SideEffect(models.Model):
    """Work owed to others once a change commits (a notice, similar-suggestion indexing): the outbox.

    A service writes the row in the same transaction as the change that causes it, so a rolled-back
    change owes nothing and a committed one cannot lose it; the worker delivers it and sets ``done_at``
    in one transaction (``suggestions.side_effects``). Routing needs no row: a suggestion still
    ``submitted`` is its own record of the work owed.
    """

    kind = models.CharField(_("类型"), max_length=32, choices=SideEffectKind.choices)
    payload = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("发件箱记录")
        verbose_name_plural = _("发件箱记录")
        # The sweeper's query: what is not done yet, oldest first; done rows stay out of the index.
        indexes = [models.Index(fields=["created_at"], condition=models.Q(done_at__isnull=True), name="side_effect_pending_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Notification(models.Model):
    """The in-app inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The outbox row that sent it: one message per user per row, however often the row is delivered.
    # No index of its own: the unique constraint's leads with it.
    side_effect = models.ForeignKey(SideEffect, null=True, blank=True, on_delete=models.SET_NULL, db_index=False, related_name="notifications")
    suggestion = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        constraints = [models.UniqueConstraint(fields=["side_effect", "user"], name="notification_once_per_side_effect")]


class RoutingRule(models.Model):
    """Rules offices edit: a keyword that points to a category, and/or a category → department
    override inside a region (with optional co-handlers)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("适用区划"), on_delete=models.CASCADE, related_name="routing_rules")
    keyword = models.CharField(_("关键词"), max_length=32, blank=True)
    category = models.CharField(_("类别"), max_length=32, choices=category_choices())
    department = models.ForeignKey(
        Department, verbose_name=_("主办单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules"
    )
    co_handlers = models.ManyToManyField(Department, blank=True, related_name="co_handler_rules", verbose_name=_("协办单位"))
    weight = models.FloatField(_("权重"), default=1.0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")


class RouterModel(models.Model):
    """A trained classifier version; exactly one is active, and an older one can be made active again."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    data = models.BinaryField()
    examples = models.PositiveIntegerField(_("训练样本数"), default=0)
    metrics = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(_("使用中"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分办模型")
        verbose_name_plural = _("分办模型")
        ordering = ["-version"]


class TrainingExample(models.Model):
    """A labelled text the router learns from: the bundled set, triage decisions, approved returns."""

    text = models.TextField()
    category = models.CharField(max_length=32, choices=category_choices())
    source = models.CharField(max_length=16, default="triage")
    suggestion = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="training_examples")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("训练样本")
        verbose_name_plural = _("训练样本")


class SuggestionTerm(models.Model):
    """One weighted term of a suggestion's text: the inverted index behind similar-suggestion lookups.

    Written by ``similarity.index_suggestion`` when a suggestion is created, edited or submitted;
    ``county`` is copied from the region so a lookup filters one county without a join.
    """

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="terms")
    county = models.CharField(_("县级区划前缀"), max_length=6)
    term = models.CharField(_("词"), max_length=32)
    weight = models.FloatField(_("权重"))

    class Meta:
        verbose_name = _("建议关键词")
        verbose_name_plural = _("建议关键词")
        constraints = [models.UniqueConstraint(fields=["suggestion", "term"], name="suggestion_term_unique")]
        # The lookup: the rows of these terms in this county (candidate filter and document frequency).
        indexes = [models.Index(fields=["county", "term"], name="suggestion_term_lookup_idx")]


class NumberSequence(models.Model):
    """The last suggestion number given in a year: numbers are given at submission, one after another,
    under this row's lock, so a withdrawn draft or a failed submission leaves no gap."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("已用编号"), default=0)

    class Meta:
        verbose_name = _("建议编号")
        verbose_name_plural = _("建议编号")
