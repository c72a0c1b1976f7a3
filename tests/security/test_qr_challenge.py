"""Finding 7 of the attack run (the check): a regular expression answered 109 of 109 questions of the
QR form. The question is now a picture made on the server, and neither the page nor the token holds
its numbers in a form a script can read."""

from __future__ import annotations

import base64
import json
import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from residents import challenge
from residents.selectors import station_public_key

pytestmark = pytest.mark.django_db

CHINESE_DIGITS = "零一二三四五六七八九"


def _payload(token: str) -> dict:
    body = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_the_form_and_its_token_give_a_script_nothing_to_compute(world):
    page = Client().get(reverse("residents:public_form", args=[station_public_key(world.station_a)])).content.decode()
    token = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    answer = challenge.answer_of(token)
    # the page asks in words no regex can turn into numbers
    label = re.search(r'<label[^>]*for="id_answer"[^>]*>(.*?)</label>', page, re.S).group(1)
    assert not re.search(rf"[0-9{CHINESE_DIGITS}]", label)
    assert "加" not in label
    # the token, readable by anyone, does not hold the answer or the operands
    data = _payload(token)
    assert "s" not in data and answer not in data.get("e", [])
    # the picture is an image of strokes: no text, no digits in it
    picture = Client().get(reverse("residents:challenge_picture", args=[token]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/svg+xml"
    body = picture.content.decode()
    assert "<text" not in body and "<script" not in body
    assert body.count("<path") >= 9  # two digits, a plus and an equals sign among the noise


def test_the_right_answer_still_passes_and_a_wrong_one_does_not():
    _q, token = challenge.issue(issued_at=time.time() - 60)
    assert challenge.verify(token, str(challenge.answer_of(token) + 1)) is not None
    assert challenge.verify(token, str(challenge.answer_of(token))) is None


def test_operands_cannot_be_swapped_into_a_known_token():
    _q, token = challenge.issue(issued_at=time.time() - 60)
    forged = _payload(token)
    forged["e"] = [0, 0]
    assert challenge.verify(base64.urlsafe_b64encode(json.dumps(forged).encode()).decode() + ":x:y", "0") is not None
