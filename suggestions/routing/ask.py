"""Find the ask in a suggestion: what is requested, as opposed to who speaks and where.

Residents and deputies tell a suggestion as a story: a clinic doctor, a school cook or a factory
recruiter (the *setting*) asks for something that may belong to another remit (the *ask*): a culvert
rebuilt, expired milk taken off a shop shelf, a later bus. The router weighs the ask above the
setting, so it needs the two apart:

* the ask is the clause that follows a request word (希望, 建议, 请求, 呼吁, 要求, 能不能, 盼…) up to the
  end of its sentence; where a text has no request word, the problem to fix is told last, so the
  last sentence stands for the ask;
* the setting is what introduces the speaker or the place (我是…, 我在…上班, …讲：) and the rest of
  the story.

Everything here is plain string work (no model), a few microseconds a text, so that it can run on
every suggestion and be shown to the office at triage ("the ask found").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Request words, longest first so that 能不能 wins over 能 and 希望能 over 希望. Each opens the ask.
REQUEST_WORDS = (
    "强烈要求", "强烈建议", "恳请", "恳求", "呼吁", "请求", "要求", "建议", "希望", "期望", "盼望", "盼着",
    "盼", "能不能", "能否", "可不可以", "可否", "想请", "麻烦", "求求", "请", "求", "望", "该",
)
_REQUEST = re.compile("|".join(map(re.escape, REQUEST_WORDS)))
# Words that look like a request word but are not one (请假 is leave, 建议书 a document, 要求 as a noun
# after 的…). A match immediately followed by one of these characters is skipped.
_NOT_A_REQUEST = {"请": "假客柬教示", "求": "职学医助", "望": "远着去见", "该": "死村镇县局校公"}
# Where a sentence ends (the ask runs to here) and where a clause ends.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# A speaker introduced with his or her words: …说：, …讲：, …反映：
_SPEAKER = re.compile(r"^[^。！？!?]{0,40}?(?:说|讲|反映|讲道|告诉我们?|反应)[：:，,]")
# Who speaks, or where: 我是…, 我在…(上班|工作|当…)
_SELF_INTRO = re.compile(r"[。！？，,]?\s*(?:我|我们)(?:是|在)[^，。！？,]{1,30}[，,]")
# A request shorter than this (in characters) takes the clause before it along: 请查一查 is about that.
_SHORT_ASK = 10


@dataclass(frozen=True)
class AskSplit:
    """A text cut into the ask (what is requested) and the setting (the rest)."""

    ask: str
    setting: str
    # True when a request word opened the ask; False when the last sentence stands for it.
    marked: bool


def _request_positions(text: str) -> list[tuple[int, int]]:
    found = []
    for match in _REQUEST.finditer(text):
        word = match.group()
        following = text[match.end() : match.end() + 1]
        if word in _NOT_A_REQUEST and following and following in _NOT_A_REQUEST[word]:
            continue
        found.append((match.start(), match.end()))
    return found


def split_ask(text: str) -> AskSplit:
    """Cut ``text`` into ask and setting (see the module docstring)."""
    text = text.strip()
    if not text:
        return AskSplit("", "", False)
    # The speaker's introduction never holds the ask, even when it says 说 before a quoted request.
    intro_end = 0
    speaker = _SPEAKER.match(text)
    if speaker:
        intro_end = speaker.end()
    spans: list[tuple[int, int]] = []
    for start, end in _request_positions(text):
        if start < intro_end:
            continue
        stop = _SENTENCE_END.search(text, end)
        span_end = stop.start() if stop else len(text)
        if span_end - end >= 2:
            # A short request (查一查, 解决一下) says little: the problem it is about is the clause before.
            start = end
            if span_end - end < _SHORT_ASK:
                sentence_start = max(intro_end, max(text.rfind(mark, intro_end, end) for mark in "。！？!?；;\n") + 1)
                comma = max(text.rfind(mark, sentence_start, end) for mark in "，,：:")
                if comma > sentence_start:
                    previous = max(text.rfind(mark, sentence_start, comma) for mark in "，,：:")
                    start = max(previous + 1, sentence_start)
            spans.append((start, span_end))
    marked = bool(spans)
    if not spans:
        # No request word: the problem to fix is usually told last.
        sentences = [m for m in re.finditer(r"[^。！？!?；;\n]+", text) if m.group().strip()]
        if not sentences:
            return AskSplit(text, "", False)
        last = sentences[-1]
        start = last.start()
        if len(sentences) > 1 and len(last.group().strip()) < 8:
            start = sentences[-2].start()
        start = max(start, intro_end)
        intro = _SELF_INTRO.match(text, start)
        if intro and intro.end() < last.end():
            start = intro.end()
        spans = [(start, last.end())]
    # Merge overlapping spans (two request words in one sentence).
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ask = "，".join(text[s:e].strip(" ，,：:") for s, e in merged)
    setting_parts, cursor = [], 0
    for start, end in merged:
        setting_parts.append(text[cursor:start])
        cursor = end
    setting_parts.append(text[cursor:])
    setting = "".join(setting_parts)
    return AskSplit(ask, setting, marked)
