"""The human check on the public form: a signed arithmetic question in Chinese, a time floor and a
honeypot field. It needs no outside service and no session (the QR form is opened by strangers)."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SALT = "residents.challenge"
# The numbers are written as words (一, 二 …; one, two … in English) so the question is not plain digits.
DIGITS = [
    gettext_lazy("零"), gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"),
    gettext_lazy("五"), gettext_lazy("六"), gettext_lazy("七"), gettext_lazy("八"), gettext_lazy("九"),
]


def _pad(nonce: str) -> tuple[int, int]:
    """Two key bytes only the server can make: the operands travel XOR-ed with them."""
    digest = salted_hmac("residents.challenge.pad", nonce).digest()
    return digest[0], digest[1]


def issue(*, issued_at: float | None = None) -> tuple[str, str]:
    """A new question and its signed token (the operands hidden, the time it was shown and a nonce).

    The question is a picture (``svg``): neither the page nor the token holds its numbers in a
    form a script can read, so a regular expression cannot answer it."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    pa, pb = _pad(nonce)
    token = signing.dumps({"e": [a ^ pa, b ^ pb], "t": issued_at if issued_at is not None else time.time(), "n": nonce}, salt=SALT)
    return _("请计算图中算式的结果"), token


def _operands(data: dict) -> tuple[int, int]:
    pa, pb = _pad(data["n"])
    return data["e"][0] ^ pa, data["e"][1] ^ pb


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
        right = int((answer or "").strip()) == sum(_operands(data))
    except (ValueError, KeyError, TypeError):
        right = False
    if not right:
        return _("验证问题回答不正确，请重新计算。")
    # One question, one message: a solved token cannot be replayed by a script.
    if not cache.add(f"voice:challenge:{data['n']}", 1, settings.VOICE_CHALLENGE_MAX_AGE + 60):
        return _("验证问题已使用过，请重新回答。")
    return None


def answer_of(token: str) -> int:
    """The answer a token holds (for tests and the demo; needs the server's key)."""
    return sum(_operands(signing.loads(token, salt=SALT)))


# Seven-segment digits: which of the segments a…g each digit lights, and where each segment runs
# in a 20×36 cell. Drawn as jittered strokes among noise lines: no text, no font, no outside service.
SEGMENTS = {"a": (2, 2, 18, 2), "b": (18, 2, 18, 18), "c": (18, 18, 18, 34), "d": (2, 34, 18, 34),
            "e": (2, 18, 2, 34), "f": (2, 2, 2, 18), "g": (2, 18, 18, 18)}
LIT = {0: "abcdef", 1: "bc", 2: "abged", 3: "abgcd", 4: "fgbc", 5: "afgcd", 6: "afgedc", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


def svg(token: str) -> str:
    """The question of ``token`` as an SVG picture ("a + b = ?")."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=settings.VOICE_CHALLENGE_MAX_AGE)
        a, b = _operands(data)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        a = b = None
    rng = secrets.SystemRandom()
    strokes = []

    def line(x1, y1, x2, y2, width):
        j = lambda v: v + rng.uniform(-1.5, 1.5)  # noqa: E731
        strokes.append(f'<path d="M{j(x1):.1f} {j(y1):.1f}L{j(x2):.1f} {j(y2):.1f}" stroke-width="{width:.1f}"/>')

    def digit(value, x0, y0):
        for segment in LIT[value]:
            x1, y1, x2, y2 = SEGMENTS[segment]
            line(x0 + x1, y0 + y1, x0 + x2, y0 + y2, rng.uniform(2.6, 3.4))

    if a is not None:
        digit(a, 10 + rng.uniform(-3, 3), 10 + rng.uniform(-4, 4))
        plus_x, plus_y = 46 + rng.uniform(-2, 2), 28 + rng.uniform(-3, 3)
        line(plus_x - 8, plus_y, plus_x + 8, plus_y, 3)
        line(plus_x, plus_y - 8, plus_x, plus_y + 8, 3)
        digit(b, 66 + rng.uniform(-3, 3), 10 + rng.uniform(-4, 4))
        equals_x = 100 + rng.uniform(-2, 2)
        line(equals_x, 24, equals_x + 14, 24, 3)
        line(equals_x, 32, equals_x + 14, 32, 3)
    for _n in range(7):  # noise: thin strokes across the picture
        line(rng.uniform(0, 130), rng.uniform(0, 56), rng.uniform(0, 130), rng.uniform(0, 56), rng.uniform(0.6, 1.4))
    rng.shuffle(strokes)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 130 56" width="195" height="84" '
        'fill="none" stroke="#1f2937" stroke-linecap="round">' + "".join(strokes) + "</svg>"
    )
