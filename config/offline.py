"""The installable app's service worker, served from the site root so its scope is the whole site.

The worker itself is ``static/js/sw.js``; this view puts a small ``OFFLINE`` object before it: the
vendored Workbox folder, the assets to precache (with a revision, so a deploy refreshes them) and
the pages that open offline. Pages are cached at run time (NetworkFirst), never precached here: they
need the user's session.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

WORKBOX = "vendor/workbox-7.4.1/"
PAGE_CACHE = "pages-v1"
# The shell and the assets of the visit / suggestion / resident message forms.
PRECACHE = [
    "css/app.css",
    "js/app.js",
    "js/activities.js",
    "js/suggestions.js",
    "js/similar.js",
    "js/residents.js",
    "js/outbox.js",
    "js/outbox-core.js",
    "vendor/idb-8.0.4/idb.umd.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "manifest.webmanifest",
]
# What the worker itself imports to send the outbox on a Background Sync.
OUTBOX_SCRIPTS = ["vendor/idb-8.0.4/idb.umd.js", "js/outbox-core.js"]
# Pages kept for offline use: the home page and the forms, by exact path, and the resident message
# form (/voice/s/<station key>/) by prefix.
PAGES = ["/", "/activities/new/", "/suggestions/new/"]
PAGE_PREFIXES = ["/voice/s/"]


def offline_pages(request) -> dict:
    """Context for base.html: the offline form pages this user may open, fetched ahead by the page's
    script so they open in a village without signal, a key that changes with the sign-in, and the deputy
    list for the visit form's picker (for the users who may log visits, as the form and the list ask).

    Only pages the user may open are fetched (a provincial officer's phone does not ask for a form
    that answers 404), and only once a sign-in and an hour (``static/js/outbox.js``): on village data
    a page view must not cost two more whole pages.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from activities.selectors import can_log_activities
    from suggestions.permissions import may_enter_suggestions

    pages, roster = [], ""
    if can_log_activities(user):
        pages.append(reverse("activities:visit"))
        roster = reverse("activities:deputy_roster")  # the visit form's deputy picker, offline
    if may_enter_suggestions(user):
        pages.append(reverse("suggestions:create"))
    session_key = getattr(getattr(request, "session", None), "session_key", None) or ""
    # Not the session key itself (the page's script can read this): a digest that changes with it.
    warm_key = hashlib.sha256(f"offline-warm:{session_key}".encode()).hexdigest()[:16]
    return {"offline_warm_pages": " ".join(pages), "offline_warm_key": warm_key, "offline_roster": roster}


def _revision(path: str) -> str:
    found = finders.find(path)
    if not found:
        return ""
    with open(found, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:16]


@functools.cache
def _script() -> str:
    config = {
        "workbox": static(WORKBOX),
        "precache": [{"url": static(p), "revision": _revision(p)} for p in PRECACHE],
        "pages": PAGES,
        "pagePrefixes": PAGE_PREFIXES,
        "pageCache": PAGE_CACHE,
        "outbox": [static(p) for p in OUTBOX_SCRIPTS],
    }
    with open(finders.find("js/sw.js"), encoding="utf-8") as fh:
        body = fh.read()
    return f"const OFFLINE = {json.dumps(config)};\n{body}"


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    response = HttpResponse(_script(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
