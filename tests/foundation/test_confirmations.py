"""An irreversible button (delete, remove, withdraw, cancel) asks before its form is sent
(static/js/app.js reads data-confirm), and the suggestion page's irreversible actions ask too."""

from __future__ import annotations

import re
from pathlib import Path

from suggestions.views import CONFIRM_MESSAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
IRREVERSIBLE = re.compile(r"<button[^>]*>\s*(\{% trans \")?(删除|移出|撤回|取消|确认删除)")


def test_every_irreversible_button_asks_first():
    unasked = []
    for path in TEMPLATES.rglob("*.html"):
        for line in path.read_text(encoding="utf-8").splitlines():
            for button in re.finditer(r"<button[^>]*>[^<]*", line):
                if IRREVERSIBLE.match(button.group(0)) and "data-confirm" not in button.group(0) and 'type="button"' not in button.group(0):
                    # a confirmation page is itself the question
                    if "confirm_delete" not in path.name:
                        unasked.append(f"{path.relative_to(TEMPLATES)}: {button.group(0)[:80]}")
    assert unasked == []


def test_the_suggestion_pages_irreversible_actions_ask_first():
    assert {"withdraw", "not_accept", "merge", "rate"} <= set(CONFIRM_MESSAGES)
