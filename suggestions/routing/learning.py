"""What the router learns from the offices' corrections, and how much each may weigh.

Two rules keep the learning honest (plain Python, shared by ``retrain_router`` and the replay in
``make eval-routing``):

* **A correction counts once.** The same suggestion corrected again, or the same text corrected many
  times (or pasted in again and again), is one example: the latest correction of it wins.
* **No office outweighs its own share.** All the corrections of one office (a county congress) weigh
  at most ``OFFICE_CAP`` examples together: past that, each of its corrections weighs less. A
  mistaken or malicious office can move the province's model by no more than that much, however many
  corrections it makes; an office with few corrections counts each one fully.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from suggestions.routing.classifier import normalize

# Together, one office's corrections weigh at most this many examples (the bundled set holds some 800).
OFFICE_CAP = 40.0


@dataclass(frozen=True)
class Correction:
    """One office decision: the text it corrected, the category it chose, who made it.

    ``office`` is the county (region prefix) whose office decided; ``key`` identifies the suggestion
    when there is one, so a suggestion corrected twice counts once even if its text was edited.
    """

    text: str
    category: str
    office: str = ""
    key: str = ""


def _squeezed(text: str) -> str:
    return "".join(normalize(text).split())


def weigh_corrections(corrections: Iterable[Correction], cap: float = OFFICE_CAP) -> list[tuple[str, str, float]]:
    """``(text, category, weight)`` for the corrections, oldest first: one per suggestion and per
    text (the latest wins), each office's weights summing to at most ``cap``."""
    by_suggestion: dict[str, Correction] = {}
    for correction in corrections:
        identity = f"s:{correction.key}" if correction.key else f"t:{_squeezed(correction.text)}"
        by_suggestion.pop(identity, None)  # re-inserted last: the latest correction wins
        by_suggestion[identity] = correction
    kept: dict[str, Correction] = {}
    for correction in by_suggestion.values():
        text = _squeezed(correction.text)
        kept.pop(text, None)
        kept[text] = correction
    per_office = Counter(correction.office for correction in kept.values())
    return [
        (correction.text, correction.category, min(1.0, cap / per_office[correction.office]))
        for correction in kept.values()
    ]


def training_set(
    bundled: Sequence[tuple[str, str]], corrections: Iterable[Correction], cap: float = OFFICE_CAP
) -> tuple[list[tuple[str, str]], list[float]]:
    """The examples and weights to train on: the bundled examples (weight 1) and the weighed corrections."""
    weighed = weigh_corrections(corrections, cap)
    examples = list(bundled) + [(text, category) for text, category, _ in weighed]
    weights = [1.0] * len(bundled) + [weight for _, _, weight in weighed]
    return examples, weights
