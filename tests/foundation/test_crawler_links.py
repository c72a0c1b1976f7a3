"""The crawl's own bookkeeping, without a browser: which links it asks for, and what it reports.

The phone crawl (test_crawl.py) is only as good as the crawler: a dead link must still be found and
named with the page it was found on, after the crawler stopped asking twice for what it had opened
as a page; and a page opened once must still be checked at every screen size. These stand-ins
answer Playwright's calls from a small made-up site.
"""

from __future__ import annotations

from types import SimpleNamespace

from tests.e2e.crawl import AXE_JS, MEANINGLESS_CHOICES_JS, TEXT_JS, WIDE_JS, Crawler

BASE = "http://testserver"
# path -> (status, links on the page)
SITE = {
    "/": (200, ["/suggestions/", "/activities/", "/broken/"]),
    "/suggestions/": (200, ["/suggestions/1/", "/"]),
    "/suggestions/1/": (200, ["/suggestions/"]),
    "/activities/": (200, ["/activities/export.xlsx", "/reports/1/download", "/gone/"]),
    "/reports/1/download": (200, []),
    "/broken/": (500, []),
    "/gone/": (404, []),
}


class Page:
    def __init__(self):
        self.opened: list[str] = []
        self.current = "/"
        self.viewport_size = {"width": 390, "height": 844}
        self.checked_at: list[tuple[str, int]] = []  # (page, width) for each layout check

    def set_viewport_size(self, size):
        self.viewport_size = size

    def goto(self, url):
        self.current = url.removeprefix(BASE)
        self.opened.append(self.current)
        return SimpleNamespace(status=SITE.get(self.current, (404, []))[0])

    def wait_for_load_state(self, state):
        pass

    def eval_on_selector_all(self, selector, script):
        return [BASE + link for link in SITE.get(self.current, (404, []))[1]]

    def evaluate(self, script):
        width = self.viewport_size["width"]
        if script == WIDE_JS:
            self.checked_at.append((self.current, width))
            # The made-up activities list is too wide for a desktop screen only.
            scroll = 1500 if self.current == "/activities/" and width > 1000 else width
            return {"scroll": scroll, "viewport": width, "culprits": []}
        answers = {AXE_JS: [], TEXT_JS: [], MEANINGLESS_CHOICES_JS: []}
        return answers.get(script, True)  # "typeof axe !== 'undefined'": already loaded


class Context:
    def __init__(self):
        self.asked: list[str] = []
        self.request = SimpleNamespace(get=self._get)

    def _get(self, url, **kwargs):
        path = url.removeprefix(BASE)
        self.asked.append(path)
        return SimpleNamespace(status=SITE.get(path, (404, []))[0])


def _crawl(**kwargs):
    context, page = Context(), Page()
    result = Crawler(context, BASE, max_pages=10, per_pattern=5, **kwargs).run(page)
    return result, context, page


def test_a_dead_link_is_reported_with_the_page_it_was_found_on():
    result, context, _page = _crawl()
    findings = {(f.url, f.problem) for f in result.findings}
    # opened as pages: their own status is the finding
    assert ("/broken/", "answers 500") in findings
    assert ("/gone/", "answers 404") in findings
    # and each dead link is named on the page that links to it
    assert ("/", "link /broken/ answers 500") in findings
    assert ("/activities/", "link /gone/ answers 404") in findings


def test_a_link_opened_as_a_page_is_not_asked_for_again_and_a_download_is_asked_for_once():
    _result, context, page = _crawl()
    assert "/suggestions/" in page.opened
    assert "/suggestions/" not in context.asked
    # a download is never opened as a page; its status is asked for by request, once
    assert "/reports/1/download" not in page.opened
    assert context.asked.count("/reports/1/download") == 1
    # an Excel export is neither opened nor asked for (it has its own tests)
    assert "/activities/export.xlsx" not in page.opened + context.asked


PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}


def test_each_page_is_opened_once_and_checked_at_every_screen_size():
    result, _context, page = _crawl(viewports=[PHONE, DESKTOP])
    pages = [path for path in page.opened if path not in ("/broken/", "/gone/")]
    assert len(page.opened) == len(set(page.opened))
    assert page.checked_at == [(path, width) for path in pages for width in (390, 1366)]
    # a desktop-only overflow is found, and says at which size
    assert ("/activities/", "@1366 document 1500 px wide on a 1366 px screen: ") in {(f.url, f.problem) for f in result.findings}
    # and the next page opens at the phone size again
    assert page.viewport_size == PHONE


def test_without_sizes_a_page_is_checked_as_it_opens():
    result, _context, page = _crawl()
    assert [width for _path, width in page.checked_at] == [390] * len(page.checked_at)
    assert not any("px wide" in f.problem for f in result.findings)
