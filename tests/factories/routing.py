"""A small, every-category sample of the bundled examples, for tests about machinery (versions, keeping a
model) rather than about what the model learns, which tests/routing/test_classifier.py measures on all."""

from __future__ import annotations

from suggestions.routing.classifier import load_examples


def first_of_each_category(per_category: int) -> list[tuple[str, str]]:
    """The first ``per_category`` bundled examples of each category, in file order."""
    taken: dict[str, int] = {}
    sample = []
    for text, category in load_examples():
        if taken.get(category, 0) < per_category:
            taken[category] = taken.get(category, 0) + 1
            sample.append((text, category))
    return sample
