"""Input hygiene at the edge: what no field of the product can hold is refused before any view runs.

- A NUL byte (PostgreSQL text cannot hold one) or a lone surrogate (not Unicode at all) in the path,
  a query parameter, a form field or a JSON string: 400 naming the field (a Chinese message on pages,
  ``{"<field>": [...], "code": "invalid_characters"}`` in the API).
- A percent-encoded query string or form body that is not UTF-8: 400 the same way.
- JSON nested deeper than ``API_JSON_MAX_DEPTH``: 400 naming the body, before it is parsed.
- A body over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (or with too many fields): in the API a JSON
  413/400 instead of Django's HTML page.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.translation import gettext as _

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _bad_text(text: str) -> bool:
    return "\x00" in text or _SURROGATE.search(text) is not None


def _not_utf8(raw: str) -> bool:
    try:
        unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def json_depth(text: str) -> int:
    """The deepest nesting of a JSON text's arrays and objects (strings skipped), without parsing it."""
    depth = deepest = 0
    for char in _STRINGS.sub('""', text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def bad_json_field(value, path: str = "") -> str | None:
    """The dotted name of the first string (or key) holding a NUL or a lone surrogate, or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _bad_text(item):
                return where or "non_field_errors"
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if _bad_text(str(key)):
                    return name
                stack.append((child, name))
        elif isinstance(item, list):
            stack.extend((child, where) for child in item)
    return None


class InputHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    # --- checks --------------------------------------------------------------------------------

    def _refusal(self, request):
        is_api = request.path.startswith("/api/")
        if _bad_text(request.path):
            return self._refuse(request, "path", is_api)
        raw_query = request.META.get("QUERY_STRING", "")
        if raw_query and _not_utf8(raw_query):
            return self._refuse(request, "query", is_api)
        for key, values in request.GET.lists():
            if _bad_text(key) or any(_bad_text(v) for v in values):
                return self._refuse(request, key, is_api)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            if content_type.startswith("application/json"):
                return self._check_json(request)
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                if content_type.startswith("application/x-www-form-urlencoded") and _not_utf8(request.body.decode("latin-1")):
                    return self._refuse(request, "body", is_api)
                for key, values in request.POST.lists():
                    if _bad_text(key) or any(_bad_text(v) for v in values):
                        return self._refuse(request, key, is_api)
        except RequestDataTooBig:
            return self._too_big(request, is_api)
        except TooManyFieldsSent:
            return self._too_big(request, is_api, fields=True)
        except (MultiPartParserError, SuspiciousOperation):
            message = _("请求内容格式有误，无法解析。")
            return self._refuse(request, "non_field_errors", is_api, message=message, code="parse_error")
        return None

    def _check_json(self, request):
        is_api = request.path.startswith("/api/")
        text = request.body.decode("utf-8", errors="replace")
        if json_depth(text) > settings.API_JSON_MAX_DEPTH:
            message = _("JSON 嵌套过深：不能超过 %(n)d 层。") % {"n": settings.API_JSON_MAX_DEPTH}
            return self._refuse(request, "non_field_errors", is_api, message=message, code="too_deep")
        try:
            data = json.loads(text)
        except ValueError:
            return None  # the parser answers its own 400
        field = bad_json_field(data)
        if field is not None:
            return self._refuse(request, field, is_api)
        return None

    # --- answers -------------------------------------------------------------------------------

    def _refuse(self, request, field: str, is_api: bool, *, message: str | None = None, code: str = "invalid_characters"):
        message = message or _("含有不允许的字符（空字符或无效的 Unicode）。")
        if is_api:
            return JsonResponse({field: [message], "code": code}, status=400)
        page = _("提交的内容有误：%(field)s %(message)s") % {"field": field, "message": message}
        return HttpResponseBadRequest(_page(page), content_type="text/html; charset=utf-8")

    def _too_big(self, request, is_api: bool, *, fields: bool = False):
        if fields:
            message, code, status = _("提交的字段过多。"), "too_many_fields", 400
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1
            message, code, status = _("请求内容过大：不能超过 %(n)s MB。") % {"n": limit}, "request_too_large", 413
        if is_api:
            return JsonResponse({"detail": message, "code": code}, status=status)
        return HttpResponse(_page(message), status=status, content_type="text/html; charset=utf-8")


def _page(message: str) -> str:
    title = escape(_("提交有误"))
    return (
        '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{title}</title><h1>{title}</h1><p class='error' role='alert'>{escape(message)}</p></html>"
    )
