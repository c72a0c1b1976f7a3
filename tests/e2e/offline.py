"""Steps the offline journeys share (tests/e2e/test_offline_*.py): waiting for the installed app,
filling the visit and suggestion forms with no signal, and photos as a phone camera makes them."""

from __future__ import annotations

import datetime
import io

OUTBOX_ITEMS = "[data-outbox] li[data-outbox-item]"
PROGRESS = "[data-outbox] .outbox-progress"


def eventually(page, script: str, timeout_ms: int = 15_000):
    # The page's CSP forbids eval, so no wait_for_function(string): poll with evaluate instead.
    for _ in range(timeout_ms // 250):
        if page.evaluate(script):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {script}")


def wait_until_installed(page):
    """The service worker controls the page and keeps the visit and suggestion forms for offline use."""
    eventually(page, "navigator.serviceWorker.controller !== null")
    for url in ("/activities/new/", "/suggestions/new/"):
        eventually(page, f"caches.open('pages-v1').then(c => c.match('{url}')).then(r => !!r)")


def queued(page) -> list[dict]:
    """The outbox as IndexedDB holds it (blobs left out)."""
    return page.evaluate(
        "window.deputyOutbox.all().then(items => items.map(i => ({key: i.key, kind: i.kind, label: i.label,"
        " error: i.error, files: (i.files || []).map(f => ({name: f.name, type: f.type, size: f.blob.size}))})))"
    )


def camera_photo(name: str, size=(4000, 3000), kind="JPEG") -> dict:
    """A photo as large as a phone camera takes it, for set_input_files."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 140, 60)).save(buffer, format=kind, quality=90)
    mime = "image/jpeg" if kind == "JPEG" else "image/png"
    return {"name": name, "mimeType": mime, "buffer": buffer.getvalue()}


def log_visit(page, deputy, summary: str, issue: str, *, photos=(), kind: str | None = None, households: int = 5):
    """Fill the visit / reception / training form and press 保存."""
    if kind:
        page.select_option("select[name=type]", kind)
    page.fill("input[name=date]", datetime.date.today().isoformat())
    page.eval_on_selector(f"input[name=deputies][value='{deputy.pk}']", "box => { box.checked = true; box.dispatchEvent(new Event('change', {bubbles: true})); }")
    page.fill("input[name=households_visited]", str(households))
    page.fill("textarea[name=summary]", summary)
    page.fill("textarea[name='issues-0-text']", issue)
    if photos:
        page.set_input_files("input[name=photos]", list(photos))
    page.click("button.primary[type=submit]")


def log_suggestion(page, lead, title: str, content: str):
    """Fill the suggestion form (staff entering it for a deputy) and press 提交."""
    page.select_option("select[name=region]", index=1)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=content]", content)
    page.select_option("select[name=lead_deputy]", str(lead.pk))
    page.click("button.primary[name=submit]")


def wait_for_progress(page, text, timeout_ms: int = 15_000):
    """Wait until the progress line says ``text`` (a string or a pattern); on a timeout, say what the
    outbox showed and held instead."""
    try:
        page.locator(PROGRESS, has_text=text).wait_for(timeout=timeout_ms)
    except Exception as exc:
        panel = page.locator("[data-outbox]").inner_text()
        raise AssertionError(f"the progress line never said {text!r}; the outbox showed {panel!r} and holds {queued(page)!r}") from exc
