"""Co-handler proposals: which other department shares a suggestion's matter with the lead.

County departments share some matters by remit: a school canteen's food is market regulation's with
education; unpaid wages on a building site are human resources and social security's with housing and
construction; an outfall into an irrigation channel is the environment bureau's with the water bureau.
``data/co_handling_pairs.csv`` lists such pairs (lead, co-handler) with the words that show the
co-handler's part of the matter (食堂 at a school, 工地, 渠). A co-handler is proposed when

* the lead is confident enough to be routed on its own (a proposal under a wrong lead is usually the
  right lead itself, which the office then has to undo), and
* the text names the co-handler's part, outside the speaker's own introduction: a teacher asking for
  a street light (我是县一中的老师，…) does not bring in education.

The model's own probabilities were the earlier signal (the setting's category, or a second category the
text leans to); on the co-handler dev set they proposed wrongly two times in three: a setting told as
the speaker's job looks the same to them as a shared matter. Measured again as a second signal beside the
pairs (first dev set, correct-lead or not): the setting's category when it is a known co-handler of the
lead is right 6 times in 12 at confidence 0.5 and 3 in 4 at 0.9; the ask's, 3 in 6 and 1 in 1. Too
few right ones that the marker words miss, so it is not used. Plain string work: a pair or a marker word is
a line of the csv, reviewed like any other change (offices do not edit it from the product).

Measured with ``measures.measure_co_handlers`` on ``data/suggestions_cohandlers_dev.csv`` (108 rows,
55 labelled co-handlers, written with the first pairs) and ``data/suggestions_cohandlers_dev2.csv``
(123 rows, 74 labelled co-handlers across 60 pairs, written before the pairs were widened, never
tuned on): the first pairs under a 0.85 lead gate were right 23 of 25 / 21 of 24 (recall 41.8% /
28.4%); the widened pairs (remits' shared matters: a care home's kitchen, a clinic's reimbursement, a
landslide over houses, a farm's power supply…) under a 0.80 gate 33 of 36 / 32 of 40 (recall 60.0% /
43.2%) under the logistic regression, and 39 of 41 / 43 of 50 (recall 70.9% / 58.1%) under the linear SVM that
replaced it (``classifier._CO_HANDLER_LEAD``). Most misses left are texts whose lead the model gets wrong: under a wrong lead the "co-handler"
is usually the true lead, so nothing right can be proposed.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

PAIRS_CSV = Path(__file__).resolve().parent.parent / "data" / "co_handling_pairs.csv"
# At most this many co-handlers are proposed.
MOST = 2
# Who speaks, told before the matter: 我是…， 我在…上班， 学校的老师讲， (the shapes ``ask`` reads as setting).
_INTRODUCTION = re.compile(r"(?:^|(?<=[。！？!?，,]))\s*(?:我|我们)(?:是|在)[^，。！？!?,]{1,30}[，,]")
_SPEAKER = re.compile(r"^[^。！？!?，,]{0,20}?(?:说|讲|反映|讲道|告诉我们?|反应)[：:，,]")


@lru_cache(maxsize=4)
def load_pairs(path: Path = PAIRS_CSV) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """``lead -> ((co-handler, marker words), ...)`` in file order (``lead,co_handler,markers`` rows,
    markers separated by spaces)."""
    pairs: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            markers = tuple(row["markers"].split())
            if row["co_handler"] != row["lead"] and row["co_handler"] != "other" and markers:
                pairs.setdefault(row["lead"], []).append((row["co_handler"], markers))
    return {lead: tuple(found) for lead, found in pairs.items()}


def without_introduction(text: str) -> str:
    """``text`` less the clauses in which the speaker says who or where he or she is."""
    return _INTRODUCTION.sub("", _SPEAKER.sub("", text, count=1))


def propose(lead: str, text: str, pairs: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] | None = None) -> tuple[str, ...]:
    """The co-handlers of ``lead`` whose part ``text`` names (the caller checks the lead's confidence).

    Ordered by how many of their marker words the text holds, then by file order; at most ``MOST``.
    """
    body = without_introduction(text)
    found = []
    for order, (co_handler, markers) in enumerate((pairs if pairs is not None else load_pairs()).get(lead, ())):
        hits = sum(marker in body for marker in markers)
        if hits:
            found.append((-hits, order, co_handler))
    return tuple(dict.fromkeys(co_handler for _, _, co_handler in sorted(found)))[:MOST]
