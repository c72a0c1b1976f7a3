"""Never twice: API creates that honour an ``Idempotency-Key`` header.

A client that may resend (the offline outbox in static/js/outbox.js, a retry after a timeout, a
double tap, two tabs) sends a key it generated, e.g. a UUID. The first request with that key runs
and its answer (status and JSON body) is stored with the key, unique per user, in the same
transaction as the row it created. Any later request with the same key and the same body gets that
stored answer back — the same status (201) and body, with ``Idempotent-Replayed: true`` — and
creates nothing. The same key with a different body, or on another endpoint, is a 422 naming
``Idempotency-Key``. A request that failed (4xx) stores nothing, so the key can be used again once
the input is fixed.

Two concurrent requests with one key: the second one's INSERT of the key waits on the unique index
until the first commits, then fails and replays the first answer (PostgreSQL); one row either way.

Use it by decorating a viewset's ``create`` with ``@idempotent_create``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from accounts.models import IdempotencyKey
from config.api import json_part

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
# 1–255 printable ASCII characters, not starting or ending with a space (a UUID is one).
KEY_PATTERN = r"[!-~]([ -~]{0,253}[!-~])?"
KEY = re.compile(KEY_PATTERN)

PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "pattern": f"^{KEY_PATTERN}$", "maxLength": MAX_LENGTH},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key the client generates for this submission (a UUID). Sending the same key again with the same body "
        "replays the first answer (same status and body, header `Idempotent-Replayed: true`) instead of "
        "creating a second row; the same key with a different body is a 422. Unique per user."
    ),
)


class KeyMismatch(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


def _fingerprint(request) -> str:
    data = json_part(request)  # a JSON body and the same JSON sent as multipart's `data` part are one submission
    if hasattr(data, "lists"):  # a QueryDict (form or multipart): values as lists, files by name and size
        fields = {k: v for k, v in data.lists() if k not in request.FILES}
    else:
        fields = data
    files = {k: [[f.name, f.size] for f in request.FILES.getlist(k)] for k in request.FILES}
    blob = json.dumps([request.method, request.path, fields, files], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint or not stored.status_code:
        raise KeyMismatch({HEADER: [_("该 Idempotency-Key 已用于另一份不同的提交。请为新的提交生成新的键。")]})
    return Response(stored.response, status=stored.status_code, headers={REPLAY_HEADER: "true"})


def idempotent_create(view_method):
    """Wrap a viewset's ``create(self, request, ...)`` so that an ``Idempotency-Key`` makes it run once."""

    @extend_schema(parameters=[PARAMETER])
    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(self, request, *args, **kwargs)
        key = key.strip()
        if not KEY.fullmatch(key):
            raise serializers.ValidationError({HEADER: [_("Idempotency-Key 必须是 1–255 个可打印字符。")]})
        fingerprint = _fingerprint(request)
        stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if stored is not None:
            return _replay(stored, fingerprint)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=fingerprint)
            except IntegrityError:
                # Another request with this key committed first (it held us on the unique index).
                stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
                if stored is None:  # pragma: no cover - the other one rolled back between our two reads
                    raise KeyMismatch({HEADER: [_("同一 Idempotency-Key 的另一次提交正在处理，请稍后重试。")]}) from None
                return _replay(stored, fingerprint)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "response"])
            else:
                transaction.set_rollback(True)
        return response

    return wrapper
