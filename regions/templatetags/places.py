"""``{{ region|place:user }}``: a region named so a reader can tell it apart (Region.display_name_for)."""

from django import template

register = template.Library()


@register.filter
def place(region, user=None) -> str:
    if region is None:
        return ""
    return region.display_name_for(user)


@register.filter
def at(sequence, index):
    """``{{ headers|at:forloop.counter0 }}``: a column's name for a card's data-label."""
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return ""
