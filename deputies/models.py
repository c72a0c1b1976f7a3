"""Deputies of the five levels: the person, their seats (mandates), their groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.scope import copy_region_prefix, prefix_index


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class MandateLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省")
    CITY = "city", _("市(州)")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡(镇)")


class Deputy(models.Model):
    """The person. Personal data (phone, birth date) is shown masked to roles that do not need it."""

    name = models.CharField(_("姓名"), max_length=32)
    # Derived from name on save: full pinyin for sorting, initials for the picker's search box,
    # the surname's stroke count for the official 姓氏笔画 ordering.
    name_pinyin = models.CharField(_("姓名拼音"), max_length=128, blank=True, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=32, blank=True, editable=False)
    surname_strokes = models.PositiveSmallIntegerField(_("姓氏笔画"), default=0, editable=False)
    # Two digits per character: ordering by it is the official character-by-character stroke order.
    name_stroke_key = models.CharField(_("笔画排序键"), max_length=64, blank=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    sector = models.CharField(_("界别/职业"), max_length=64, blank=True)
    work_unit = models.CharField(_("工作单位及职务"), max_length=128, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Where the deputy lives and works: decides who may see them (scope).
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="deputies")
    # The region's prefix, copied on save (regions.scope.copy_region_prefix): scope is a range of one
    # indexed column of this table, not a join to the region tree on every list.
    region_prefix = models.CharField(_("区划代码前缀"), max_length=12, default="", db_default="", editable=False)
    active = models.BooleanField(_("在任"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_profile",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SORT_KEY_FIELDS = ("name_pinyin", "name_initials", "surname_strokes", "name_stroke_key")

    history = HistoricalRecords(
        excluded_fields=["name_pinyin", "name_initials", "surname_strokes", "name_stroke_key", "region_prefix", "updated_at"]
    )

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["region", "active"], name="deputy_region_active_idx"),
            # The picker searches by initials ("zs" for 张三).
            models.Index(fields=["name_initials"], name="deputy_initials_idx"),
            models.Index(fields=["name"], name="deputy_name_idx"),
            # The lists' order (by pinyin), read from the index rather than sorted.
            models.Index(fields=["name_pinyin", "id"], name="deputy_pinyin_idx"),
            # Scope: a region subtree is a range of this index (LIKE '4228%').
            prefix_index("region_prefix", name="deputy_scope_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        copy_region_prefix(self, kwargs)
        self.fill_sort_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = set(update_fields) | set(self.SORT_KEY_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("deputies:detail", args=[self.pk])

    def fill_sort_keys(self) -> None:
        """Derive the pinyin and stroke keys from the name (bulk_create skips save(), so importers call this)."""
        from deputies.names import name_sort_keys

        self.name_pinyin, self.name_initials, self.surname_strokes, self.name_stroke_key = name_sort_keys(self.name)


class Mandate(models.Model):
    """A deputy's seat at one level; one person may hold several at once."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="mandates")
    level = models.CharField(_("代表层级"), max_length=16, choices=MandateLevel.choices)
    congress_region = models.ForeignKey(
        "regions.Region", verbose_name=_("人大所在区划"), on_delete=models.PROTECT, related_name="mandates"
    )
    term = models.CharField(_("届次"), max_length=16, help_text=_("如：第十四届"))
    electoral_unit = models.CharField(_("选举单位/选区"), max_length=128, blank=True)
    start_date = models.DateField(_("任期开始"), null=True, blank=True)
    end_date = models.DateField(_("任期结束"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("代表职务")
        verbose_name_plural = _("代表职务")
        ordering = ["deputy_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "level", "congress_region", "term"], name="mandate_unique_seat"),
        ]
        indexes = [models.Index(fields=["level", "deputy"], name="mandate_level_deputy_idx")]

    def __str__(self) -> str:
        return gettext("%(region)s%(term)s人大代表（%(level)s）") % {
            "region": self.congress_region.name, "term": self.term, "level": self.get_level_display(),
        }


class GroupKind(models.TextChoices):
    REGIONAL = "regional", _("区域混编小组")
    INDUSTRY_CHAIN = "industry_chain", _("产业链专业小组")
    SECTOR = "sector", _("界别专业小组")
    COMMITTEE = "committee", _("专委会对口小组")


class DeputyGroup(models.Model):
    """代表小组: mixed-level regional groups or professional groups."""

    name = models.CharField(_("小组名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=GroupKind.choices, default=GroupKind.REGIONAL)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="deputy_groups")
    home_station = models.ForeignKey(
        "liaison_stations.LiaisonStation",
        verbose_name=_("活动阵地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    leader = models.ForeignKey(
        Deputy, verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_groups"
    )
    members = models.ManyToManyField(Deputy, through="Membership", related_name="groups", verbose_name=_("成员"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deputies:group_detail", args=[self.pk])


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    MEMBER = "member", _("组员")
    CONTACT = "contact", _("联络员")


class Membership(models.Model):
    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    start_date = models.DateField(_("加入日期"), null=True, blank=True)
    end_date = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "deputy"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy}"


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    CHECKING = "checking", _("正在检查")
    WRITING = "writing", _("正在写入")
    SUCCEEDED = "succeeded", _("导入完成")
    REFUSED = "refused", _("有错误，未导入")
    FAILED = "failed", _("导入失败")


class ImportJob(models.Model):
    """A large roster import running in the worker: its file, how far it got, and how it ended.

    The page polls this row, so a reload (or another tab) shows the same progress. The import itself
    is the same all-or-nothing ``roster.import_roster`` as a small upload.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.CASCADE, related_name="roster_import_jobs"
    )
    file = models.FileField(_("名册文件"), upload_to="roster_imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    state = models.CharField(_("状态"), max_length=16, choices=ImportJobState.choices, default=ImportJobState.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数(估计)"), default=0)
    rows_done = models.PositiveIntegerField(_("已检查行数"), default=0)
    errors_count = models.PositiveIntegerField(_("问题数"), default=0)
    # The bad rows ([row, column, message]) of a refused file, capped like the page's list.
    errors = models.JSONField(_("问题清单"), default=list, blank=True)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    FINISHED = {ImportJobState.SUCCEEDED, ImportJobState.REFUSED, ImportJobState.FAILED}

    class Meta:
        verbose_name = _("名册导入任务")
        verbose_name_plural = _("名册导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("deputies:import_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED
