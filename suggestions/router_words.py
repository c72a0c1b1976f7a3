"""What a reader is told about the router's work: one rule for the pages and the API.

Offices (the county, city or provincial office whose region covers the suggestion) see the router's
figures: its guesses with their calibrated confidence, the threshold, the deciding words and why a
person has to decide. Everyone else — the deputy, co-signers, handlers, township staff — reads what
happened in plain words ("已转人工分办…"), never a confidence or a threshold.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy

from suggestions.services import SYSTEM_ROUTER
from suggestions.taxonomy import categories

ROUTER_PLAIN = {
    "route_to_triage": gettext_lazy("已转人工分办：人大常委会将确定承办单位。"),
    "assign": gettext_lazy("已由系统交办承办单位。"),
}
# Keys of a router event's data that carry its figures (the API shows the rest to everyone).
_FIGURES = ("confidence", "guesses", "threshold")


def is_router_event(event) -> bool:
    return event.actor_label == SYSTEM_ROUTER


def event_note(event, *, is_office: bool) -> str:
    """The note of a timeline event as this reader sees it."""
    if is_router_event(event) and not is_office:
        return str(ROUTER_PLAIN.get(event.action, ""))
    return event.note


def event_data(event, *, is_office: bool) -> dict:
    """The data of a timeline event as this reader sees it (without the router's figures, which any
    routing or assignment event may carry, for a reader who is not an office)."""
    data = event.data if isinstance(event.data, dict) else {}
    if not is_office:
        return {key: value for key, value in data.items() if key not in _FIGURES}
    return data


def percent(confidence) -> int | None:
    """A calibrated confidence as a whole percent, rounded down and never 100: the router is never
    certain, and a suggestion waiting for a person must not read as if it were."""
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        return None
    return max(0, min(99, math.floor(confidence * 100)))


def guesses(suggestion, *, is_office: bool) -> list[dict]:
    """The router's three guesses (category name in the reader's language, confidence in percent) and
    any returning department's hint, with why it waits for a person; nothing for a reader who is not
    an office."""
    if not is_office:
        return []
    rows = []
    for guess in suggestion.router_guesses or []:
        if not isinstance(guess, dict):
            continue
        if guess.get("category"):
            known = categories().get(guess["category"])
            # The stored name is Chinese; the category's name in the reader's language when the code is known.
            rows.append({**guess, "name": known.name if known else guess.get("name"), "percent": percent(guess.get("confidence"))})
        else:
            rows.append(guess)
    return rows


def waiting_reasons(rows: list[dict]) -> list[str]:
    """Why the suggestion waits for a person, as the router (or a returning department) said."""
    reasons = []
    for row in rows:
        reasons += [str(reason) for reason in row.get("reasons") or []]
        if row.get("source") == "return":
            reasons.append(str(gettext_lazy("承办单位申请退回，已同意")))
    return reasons
