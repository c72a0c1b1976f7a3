"""What the Content-Security-Policy (only 'self', no inline code) would block in a page or template."""

from __future__ import annotations

import re

INLINE = [
    # <script> without src, except data blocks (json_script), which the browser never runs.
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(ld\+)?json[\"'])[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"<[^>]*\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.I), "an on…= event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"<[^>]*\s(src|href)\s*=\s*[\"']?(https?:)?//", re.I), "an asset from another host"),
]


def csp_violations(html: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(html)]
