"""The crawl's own bookkeeping, without a browser: which links it asks for, and what it reports.

The phone crawl (test_crawl.py) is only as good as the crawler: a dead link must still be found and
named with the page it was found on, after the crawler stopped asking twice for what it had opened
as a page and left the links to the phone-sized crawl. These stand-ins answer Playwright's calls
from a small made-up site.
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

    def goto(self, url):
        self.current = url.removeprefix(BASE)
        self.opened.append(self.current)
        return SimpleNamespace(status=SITE.get(self.current, (404, []))[0])

    def wait_for_load_state(self, state):
        pass

    def eval_on_selector_all(self, selector, script):
        return [BASE + link for link in SITE.get(self.current, (404, []))[1]]

    def evaluate(self, script):
        answers = {WIDE_JS: {"scroll": 390, "viewport": 390, "culprits": []}, AXE_JS: [], TEXT_JS: [], MEANINGLESS_CHOICES_JS: []}
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


def test_the_second_screen_size_leaves_links_to_the_first_but_still_reports_pages_that_fail():
    result, context, _page = _crawl(check_links=False)
    assert context.asked == []
    assert {(f.url, f.problem) for f in result.findings} == {("/broken/", "answers 500"), ("/gone/", "answers 404")}
