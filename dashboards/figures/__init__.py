"""The dashboard's figures, each defined once and computed by aggregate queries in the database.

A *family* is the set of rows a group of figures counts (deputies, activities, stations, reception
days, suggestions, first answers, current answers, ratings); its ``base`` queryset is already
scoped to the user and narrowed to the region and the filters. A *figure* is a condition on its
family's rows plus a measure (count, sum of a field, or a rate of two other figures). The same
definition drives the totals, the child-region table (one grouped query per family, grouped by
the child's code prefix) and the drill list behind each number, so a list's count is the number
by construction, and the number of queries never depends on how many regions or rows there are.

Modules: ``filters`` (what the user chose), ``families`` (the rows each group counts),
``definitions`` (every figure and the child table), ``measures``, ``dashboard`` (totals and child units),
``breakdowns`` (categories, league, trend) and ``drill`` (the list behind a number).
This package re-exports their names so ``from dashboards.figures import …`` keeps working.
"""

from dashboards.figures.breakdowns import (  # noqa: F401
    BUCKET_LENGTH,
    TREND_SERIES,
    categories_from,
    category_parts,
    league_from,
    league_parts,
    trend_from,
    trend_parts,
)
from dashboards.figures.dashboard import (  # noqa: F401
    child_units,
    compute_dashboard,
    dashboard_header,
)
from dashboards.figures.definitions import (  # noqa: F401
    CHILD_TABLE,
    FIGURES,
    Figure,
)
from dashboards.figures.drill import (  # noqa: F401
    figure_rows,
    figure_value_of,
)
from dashboards.figures.families import (  # noqa: F401
    FAMILIES,
    STANDING_ASSIGNMENT_EXCLUDED,
    Family,
    SubqueryCount,
    activities_base,
    current_answers_base,
    deputies_base,
    first_answers_base,
    ratings_base,
    receptions_base,
    stations_base,
    suggestions_base,
)
from dashboards.figures.filters import (  # noqa: F401
    Filters,
    Narrowing,
)
from dashboards.figures.measures import (  # noqa: F401
    with_rates,
)

__all__ = [
    "BUCKET_LENGTH",
    "CHILD_TABLE",
    "FAMILIES",
    "FIGURES",
    "Family",
    "Figure",
    "Filters",
    "Narrowing",
    "STANDING_ASSIGNMENT_EXCLUDED",
    "SubqueryCount",
    "TREND_SERIES",
    "activities_base",
    "categories_from",
    "category_parts",
    "child_units",
    "compute_dashboard",
    "current_answers_base",
    "dashboard_header",
    "deputies_base",
    "figure_rows",
    "figure_value_of",
    "first_answers_base",
    "league_from",
    "league_parts",
    "ratings_base",
    "receptions_base",
    "stations_base",
    "suggestions_base",
    "trend_from",
    "trend_parts",
    "with_rates",
]

# The rollup shares these two private halves of the live computation.
from dashboards.figures.breakdowns import _by_bucket  # noqa: E402, F401
from dashboards.figures.measures import _aggregates  # noqa: E402, F401
