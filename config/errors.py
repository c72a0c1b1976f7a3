"""The product's own 404, 403 and 500 pages: Chinese, with a way back, in every mode.

``handler404`` / ``handler403`` / ``handler500`` in config/urls.py point here. API paths answer the
API's JSON error format instead. Django shows its English debug page for a 404 when DEBUG is on;
``ProductErrorPagesMiddleware`` puts the product's page in its place, so `make run` shows what a
user will see (the debug page stays for 500s, where a developer needs the traceback).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

PRODUCT_PAGE = "_product_error_page"


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, template: str, status: int):
    response = TemplateResponse(request, template, status=status)
    response.render()
    setattr(response, PRODUCT_PAGE, True)
    return response


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("未找到。"), "code": "not_found"}, status=404)
    return _page(request, "404.html", 404)


def forbidden(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": _("您没有执行该操作的权限。"), "code": "permission_denied"}, status=403)
    return _page(request, "403.html", 403)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": _("服务器内部错误，请稍后再试。"), "code": "server_error"}, status=500)
    # No context processors: whatever broke the request may break them too.
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("500.html").render({"request_path": request.path}))


class ProductErrorPagesMiddleware:
    """With DEBUG on, Django's technical 404 page becomes the product's own (JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not getattr(response, PRODUCT_PAGE, False)
            and response.get("Content-Type", "").startswith("text/html")
            and b"DEBUG = True" in getattr(response, "content", b"")
        ):
            return not_found(request)
        return response
