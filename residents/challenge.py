"""The human check on the public form: a signed arithmetic question in Chinese, a time floor and a
honeypot field. It needs no outside service and no session (the QR form is opened by strangers)."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SALT = "residents.challenge"
# The numbers are written as words (一, 二 …; one, two … in English) so the question is not plain digits.
DIGITS = [
    gettext_lazy("零"), gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"),
    gettext_lazy("五"), gettext_lazy("六"), gettext_lazy("七"), gettext_lazy("八"), gettext_lazy("九"),
]


def issue(*, issued_at: float | None = None) -> tuple[str, str]:
    """A new question and its signed token (holding the answer, the time it was shown and a nonce)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "t": issued_at if issued_at is not None else time.time(), "n": secrets.token_hex(8)}, salt=SALT)
    return _("%(a)s 加 %(b)s 等于几？") % {"a": DIGITS[a], "b": DIGITS[b]}, token


def verify(token: str, answer: str) -> str | None:
    """None when the answer is right, in time and used for the first time; otherwise the error to show."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=settings.VOICE_CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        return _("页面停留时间过长，请重新回答验证问题。")
    except signing.BadSignature:
        return _("验证信息无效，请重新回答验证问题。")
    if time.time() - float(data["t"]) < settings.VOICE_MIN_FILL_SECONDS:
        return _("提交过快，请稍候再提交。")
    try:
        right = int((answer or "").strip()) == int(data["s"])
    except ValueError:
        right = False
    if not right:
        return _("验证问题回答不正确，请重新计算。")
    # One question, one message: a solved token cannot be replayed by a script.
    if not cache.add(f"voice:challenge:{data['n']}", 1, settings.VOICE_CHALLENGE_MAX_AGE + 60):
        return _("验证问题已使用过，请重新回答。")
    return None


def answer_of(token: str) -> int:
    """The answer a token holds (for tests and the demo)."""
    return int(signing.loads(token, salt=SALT)["s"])
