"""The phone crawl: sign in as a role, visit every page reachable from the menu and from the
objects those pages list (bounded), and report what would leave a person stuck.

Per page it checks: the document is no wider than the viewport; every same-site link answers
neither 404 nor 5xx; axe-core (vendored, tests/e2e/vendor/axe-core) finds no serious or critical
violation; no English words in the Chinese interface beyond ALLOWED_LATIN; no choice reading
"---------" or 未知. A screenshot of each page with a finding goes to ``shots`` (of every page with
``every_shot``: for looking the pages over, not needed to judge them).

Each page is opened once and checked at every screen size in ``viewports`` (the page is resized in
place: the layout follows the width as it would on a turned tablet, and nothing is loaded or signed
in twice). A link's status does not depend on the screen size: it is asked for once, and not at all
when the crawl opened it as a page.

Used by tests/e2e/test_crawl.py; ``python -m tests.e2e.crawl URL USER [USER…]`` runs it against a
running server (password ``demo``) while working on the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

# Links the crawl never follows: they change state, leave the product, or download a file (a
# download's status is still checked by request, not opened as a page).
SKIP_FOLLOW = re.compile(
    r"^/(admin|api|static|media|i18n|healthz|accounts/logout)|/export|\.xlsx|\.csv|format=|/download|/template/|/poster|/print"
)
# Never requested at all: logging out would end the crawl; Excel exports have their own tests and
# take seconds each at the province.
SKIP_ALL = re.compile(r"^/accounts/logout|^/i18n/|^/admin/|/export|\.xlsx")

# Latin words that are part of the Chinese interface on purpose.
ALLOWED_LATIN = {
    "excel", "xlsx", "csv", "qr", "pdf", "api", "token", "id", "url", "http", "https", "www",
    "english", "demo", "ok", "gb", "mb", "kb", "sms", "app", "jpg", "jpeg", "png", "webp", "xmh", "word", "docx", "svg",
}
# Text that is data, not interface: user names, codes, e-mails, numbers with units.
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def pattern_of(path: str) -> str:
    """/suggestions/35/ and /suggestions/36/ are one page kind; the crawl opens a few of each."""
    path = re.sub(r"/list/[^/]+/", "/list/K/", path.split("?")[0])
    return re.sub(r"\d+", "N", path)


@dataclass
class Finding:
    url: str
    problem: str

    def __str__(self) -> str:
        return f"{self.url}: {self.problem}"


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


WIDE_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
        let clipped = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { clipped = true; break; }
        }
        if (!clipped) out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(r.right));
      }
      if (out.length >= 3) break;
    }
  }
  // A list is read as cards on a phone: one that still needs sideways scrolling inside its box is
  // as bad as a page that does.
  if (vw <= 600) {
    for (const t of document.querySelectorAll('table.cards')) {
      if (t.scrollWidth > t.parentElement.clientWidth + 1) out.push('table.cards ' + t.scrollWidth + ' px in ' + t.parentElement.clientWidth);
    }
  }
  return {scroll: document.documentElement.scrollWidth, viewport: vw, culprits: out};
}"""

TEXT_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('script,style,code,pre,[data-latin-ok],[lang=en],select[name=language],option')) continue;
    if (!el.getClientRects().length) continue;
    const t = node.textContent.trim();
    if (t) out.push(t);
  }
  for (const el of document.querySelectorAll('input[placeholder],textarea[placeholder]')) out.push(el.placeholder);
  for (const el of document.querySelectorAll('[aria-label]')) if (!el.closest('[data-latin-ok]')) out.push(el.getAttribute('aria-label'));
  return out;
}"""

# A choice that says nothing: Django's dashes for "nothing chosen", or 未知 (Unknown) for "no filter".
MEANINGLESS_CHOICES_JS = """() => [...document.querySelectorAll('option')]
  .map(o => o.textContent.trim()).filter(t => /^-{3,}$/.test(t) || t === '未知' || t === 'Unknown')"""

AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def english_words(texts: list[str], data_words: set[str]) -> list[str]:
    found = []
    for text in texts:
        # A string that is mostly Latin and digits is data (a number, a code, a user name).
        for word in LATIN_WORD.findall(text):
            w = word.lower()
            if w in ALLOWED_LATIN or w in data_words:
                continue
            found.append(word)
    return sorted(set(found))


class Crawler:
    def __init__(self, context, base_url: str, *, shots: Path | None = None, max_pages: int = 60,
                 per_pattern: int = 1, data_words: set[str] | None = None, label: str = "",
                 every_shot: bool = False, viewports: list[dict] | None = None):
        self.context = context
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.shots = shots
        self.every_shot = every_shot
        # The sizes each page is checked at; the first is the one it is opened at. None: as it opens.
        self.viewports = viewports or [None]
        self.max_pages = max_pages
        self.per_pattern = per_pattern
        self.data_words = {w.lower() for w in (data_words or set())}
        self.label = label
        self.statuses: dict[str, int] = {}
        self.result = CrawlResult()
        self.axe_source = AXE.read_text(encoding="utf-8")

    def _local(self, href: str) -> str | None:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if SKIP_ALL.search(path):
            return None
        return path

    def status(self, path: str) -> int:
        if path not in self.statuses:
            try:
                response = self.context.request.get(self.base + path, max_redirects=5, fail_on_status_code=False)
                self.statuses[path] = response.status
            except Exception:  # noqa: BLE001 - a dropped connection counts as a server error
                self.statuses[path] = 599
        return self.statuses[path]

    def run(self, page, start: str = "/") -> CrawlResult:
        queue: list[str] = [start]
        seen: set[str] = {start}
        per_pattern: dict[str, int] = {}
        checked_patterns: dict[str, int] = {}
        links_to_check: dict[str, str] = {}  # link -> the first page it was found on
        while queue and len(self.result.visited) < self.max_pages:
            path = queue.pop(0)
            kind = pattern_of(path)
            per_pattern[kind] = per_pattern.get(kind, 0) + 1
            if per_pattern[kind] > self.per_pattern:
                continue
            try:
                response = page.goto(self.base + path)
            except Exception as exc:  # a link that starts a download is checked by status only
                if "Download is starting" in str(exc):
                    continue
                raise
            status = response.status if response else 0
            self.statuses.setdefault(path, status)
            self.result.visited.append(path)
            if status >= 400:
                self.result.findings.append(Finding(path, f"answers {status}"))
                continue
            page.wait_for_load_state("load")
            self.check_page(page, path)
            links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
            for href in links:
                local = self._local(href)
                if local is None:
                    continue
                link_kind = pattern_of(local)
                # Every link kind is asked for its status a few times; the page itself is opened only
                # when it is a page, not a download or a state change.
                if checked_patterns.get(local, 0) == 0 and sum(1 for k in checked_patterns if pattern_of(k) == link_kind) < 3:
                    checked_patterns[local] = 1
                    links_to_check.setdefault(local, path)
                if local not in seen and not SKIP_FOLLOW.search(local.split("?")[0]) and "page=" not in local:
                    seen.add(local)
                    queue.append(local)
        # After the pages: a link the crawl opened as a page has its status already.
        for local, found_on in links_to_check.items():
            code = self.status(local)
            if code == 404 or code >= 500:
                self.result.findings.append(Finding(found_on, f"link {local} answers {code}"))
        return self.result

    def check_page(self, page, path: str) -> None:
        for viewport in self.viewports:
            if viewport is not None and page.viewport_size != viewport:
                page.set_viewport_size(viewport)
            self._check_at(page, path, viewport)
        if len(self.viewports) > 1:
            page.set_viewport_size(self.viewports[0])  # the next page opens at the first size again

    def _check_at(self, page, path: str, viewport: dict | None) -> None:
        found_before = len(self.result.findings)
        at = f"@{viewport['width']} " if viewport is not None and len(self.viewports) > 1 else ""
        wide = page.evaluate(WIDE_JS)
        if wide["scroll"] > wide["viewport"] or wide["culprits"]:
            self.result.findings.append(
                Finding(path, f"{at}document {wide['scroll']} px wide on a {wide['viewport']} px screen: {', '.join(wide['culprits'])}")
            )
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(self.axe_source)
        for violation in page.evaluate(AXE_JS):
            self.result.findings.append(Finding(path, f"{at}axe {violation}"))
        words = english_words(page.evaluate(TEXT_JS), self.data_words)
        if words:
            self.result.findings.append(Finding(path, f"{at}English in the Chinese interface: {', '.join(words[:12])}"))
        meaningless = page.evaluate(MEANINGLESS_CHOICES_JS)
        if meaningless:
            self.result.findings.append(Finding(path, f"{at}a choice that says nothing: {', '.join(sorted(set(meaningless)))}"))
        if self.shots is not None and (self.every_shot or len(self.result.findings) > found_before):
            width = f"-{viewport['width']}" if viewport is not None else ""
            self.shots.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", path.strip("/")) or "home"
            page.screenshot(path=str(self.shots / f"{len(self.result.visited):02d}-{name[:80]}{width}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base.rstrip("/") + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def main(argv: list[str]) -> int:  # pragma: no cover - a tool for working on the pages
    from playwright.sync_api import sync_playwright

    base, *users = argv
    width = 390
    if users and users[0].isdigit():
        width, *users = users
        width = int(width)
    total = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True)
        for user in users:
            context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 768},
                                          locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
            page = context.new_page()
            sign_in(page, base, user, "demo")
            crawler = Crawler(context, base, shots=Path("tests/e2e/screenshots/crawl-dev") / f"{user}-{width}", every_shot=True,
                              data_words={user, *user.split("-")})
            result = crawler.run(page)
            print(f"== {user} @ {width}: {len(result.visited)} pages", flush=True)
            for finding in result.findings:
                print("  ", finding, flush=True)
            total += len(result.findings)
            context.close()
        browser.close()
    return 1 if total else 0


if __name__ == "__main__":  # pragma: no cover
    import sys

    raise SystemExit(main(sys.argv[1:]))
