"""Users: a role and a region scope.

Links to a deputy or a department live on the other side (``Deputy.user``,
``suggestions.Handler.user``) because those apps sit above this one.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_STAFF = "township_staff", _("乡镇人大工作人员")
    DEPUTY = "deputy", _("人大代表")
    DEPARTMENT_HANDLER = "department_handler", _("承办单位经办人")
    CONGRESS_OFFICE = "congress_office", _("县(市)人大常委会")
    PROVINCIAL_OFFICE = "provincial_office", _("省人大常委会")


OFFICE_ROLES = {Role.CONGRESS_OFFICE, Role.PROVINCIAL_OFFICE}


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("用户能看到的范围：本区划及其下级。"),
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_office(self) -> bool:
        """Congress offices (county, city) and the provincial office."""
        return self.is_superuser or self.role in OFFICE_ROLES

    @property
    def is_township_staff(self) -> bool:
        return self.role == Role.TOWNSHIP_STAFF

    @property
    def is_deputy(self) -> bool:
        return self.role == Role.DEPUTY

    @property
    def is_handler(self) -> bool:
        return self.role == Role.DEPARTMENT_HANDLER


class IdempotencyKey(models.Model):
    """One API create sent with an ``Idempotency-Key`` header (config/idempotency.py): the key is
    unique per user, so a resend after a timeout, a double tap or a second tab replays the first
    answer instead of creating a second row."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # What was asked: method, path and a digest of the body. The same key with another body is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
