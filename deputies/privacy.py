"""Personal data of deputies: who may read a phone number, and how it is masked for everyone else."""

from __future__ import annotations

import re

from accounts.scope import region_in_scope

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalize_phone(raw: str) -> str:
    """Strip the spaces and dashes people type inside mobile numbers; keep a landline's area-code dash."""
    value = (raw or "").strip().replace(" ", "")
    if value.startswith("+86"):
        value = value[3:]
    digits = value.replace("-", "")
    return digits if MOBILE_RE.match(digits) else value


def is_valid_phone(value: str) -> bool:
    return bool(MOBILE_RE.match(value) or LANDLINE_RE.match(value))


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits stay, so a caller can still confirm a number."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def can_read_phone(user, deputy) -> bool:
    """Congress offices (county, city, province) whose region contains the deputy's, and the deputy."""
    if user.is_superuser:
        return True
    if deputy.user_id is not None and deputy.user_id == user.pk:
        return True
    return user.is_office and region_in_scope(user, deputy.region)


def phone_for(user, deputy) -> str:
    return deputy.phone if can_read_phone(user, deputy) else mask_phone(deputy.phone)
