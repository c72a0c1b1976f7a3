"""Suggestion numbers (2026-000001): given at submission, in order, without gaps."""

from __future__ import annotations

from suggestions.models import NumberSequence, Suggestion


def _highest_given(year: int) -> int:
    """The highest number already given in ``year`` (numbers given before the sequence existed)."""
    numbers = Suggestion.objects.filter(number__startswith=f"{year}-").values_list("number", flat=True)
    return max((int(n.split("-", 1)[1]) for n in numbers if n.split("-", 1)[1].isdigit()), default=0)


def next_number(year: int) -> str:
    """The next number of ``year``; call inside the submitting transaction (the sequence row stays locked
    until it commits, so two submissions at once get consecutive numbers, and a rollback gives its back)."""
    sequence = NumberSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        sequence, _created = NumberSequence.objects.get_or_create(year=year, defaults={"last": _highest_given(year)})
        sequence = NumberSequence.objects.select_for_update().get(pk=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:06d}"
