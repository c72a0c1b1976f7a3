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

The pages' own forms (the visit and suggestion forms, which static/js/outbox.js submits with fetch)
send a key too: ``form_replay`` and ``form_saved`` record the page's save under it, marked as the
submission of the matching API endpoint (``FORM_PREFIX`` + its path). When the connection drops
after the page saved, the outbox queues the same submission under the same key, and the API
answers it with the stored 201 (``{"id", "location"}``) instead of saving it again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
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
FORM_PREFIX = "form:"
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


def _replay(stored: IdempotencyKey, fingerprint: str, path: str) -> Response:
    # A submission saved through the page's form answers its resend to the matching API endpoint.
    same = stored.fingerprint in (fingerprint, FORM_PREFIX + path)
    if not same or not stored.status_code:
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
            return _replay(stored, fingerprint, request.path)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=fingerprint)
            except IntegrityError:
                # Another request with this key committed first (it held us on the unique index).
                stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
                if stored is None:  # pragma: no cover - the other one rolled back between our two reads
                    raise KeyMismatch({HEADER: [_("同一 Idempotency-Key 的另一次提交正在处理，请稍后重试。")]}) from None
                return _replay(stored, fingerprint, request.path)
            response = view_method(self, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.response = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "response"])
            else:
                transaction.set_rollback(True)
        return response

    return wrapper


def form_key(request) -> str | None:
    """The ``Idempotency-Key`` a page's script sent with its form, when it is a well-formed one."""
    key = (request.headers.get(HEADER) or "").strip()
    return key if KEY.fullmatch(key) else None


def form_atomic(request):
    """The transaction a page's save and its key share; none for a POST without a key (no savepoints
    added to the ordinary save)."""
    return transaction.atomic() if form_key(request) else contextlib.nullcontext()


def form_replay(request) -> JsonResponse | None:
    """A page's form POST whose key already saved a submission: where that submission went."""
    key = form_key(request)
    if key is None:
        return None
    stored = IdempotencyKey.objects.filter(user=request.user, key=key, fingerprint__startswith=FORM_PREFIX).first()
    return JsonResponse({"location": stored.response["location"]}) if stored else None


def form_saved(request, api_path: str, pk: int, location: str) -> JsonResponse | None:
    """Record a page form's save under its key, inside the save's transaction. For a form sent by the
    page's script the answer is ``{"location": …}`` (the script goes there, where the messages set by
    this request are shown); ``None`` for an ordinary POST, which the view answers with its redirect."""
    key = form_key(request)
    if key is None:
        return None
    response = {"id": pk, "location": location}
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=FORM_PREFIX + api_path, status_code=201, response=response)
    except IntegrityError:
        # The same submission (two taps, two tabs) committed first while this one was saving: this
        # save is undone with the caller's transaction and the form says why, instead of a 500.
        raise ValidationError(
            {NON_FIELD_ERRORS: ValidationError(_("这次提交已经保存过了（同一提交发送了两次），请到列表中查看。"), code="duplicate_submission")}
        ) from None
    return JsonResponse({"location": location})
