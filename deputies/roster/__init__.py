"""Roster import (.xlsx / .csv) and export (.xlsx).

The file holds one row per seat: a deputy with a county and a township mandate is two rows that
repeat the person's columns. A person is recognised by the natural key **name + birth date**
(姓名 + 出生日期, both required): importing the same people again updates them and adds only seats
that are new. Matching looks only inside the importer's scope, so an import never touches a record
the importer cannot see. A blank optional cell keeps what is stored (a roster without phone numbers
does not erase them).

Every row is checked before anything is written; one bad row and nothing changes. The work is a
constant number of queries plus bulk writes in batches, so a province's 100,000-row file loads in
one pass (see ``import_roster``).

Modules: ``columns`` (what a file holds), ``reading``, ``checking`` (every row before any write),
``importing``, ``files`` (template, error report, export) and ``jobs`` (large imports in the worker).
This package re-exports their names so ``from deputies import roster`` keeps working.
"""

from deputies.roster.checking import (  # noqa: F401
    RegionIndex,
    parse_date,
    parse_level,
)
from deputies.roster.columns import (  # noqa: F401
    BACKGROUND_MIN_BYTES,
    BATCH,
    COLUMNS,
    CONGRESS_LEVEL,
    EXTRA_EXPORT_HEADERS,
    HEADER_OF,
    MANDATE_FIELDS,
    MAX_BYTES,
    PERSON_FIELDS,
    PROGRESS_EVERY,
    ImportResult,
    RosterFileError,
    RowError,
)
from deputies.roster.files import (  # noqa: F401
    errors_csv,
    export_xlsx,
    template_xlsx,
)
from deputies.roster.importing import (  # noqa: F401
    Progress,
    check_importer,
    estimate_rows,
    import_roster,
)
from deputies.roster.jobs import (  # noqa: F401
    KEPT_JOB_ERRORS,
    STALE_JOB_MINUTES,
    import_job_for,
    import_job_run,
    import_job_start,
    import_job_status,
    import_jobs_owed,
)
from deputies.roster.reading import (  # noqa: F401
    read_rows,
)

__all__ = [
    "BACKGROUND_MIN_BYTES",
    "BATCH",
    "COLUMNS",
    "CONGRESS_LEVEL",
    "EXTRA_EXPORT_HEADERS",
    "HEADER_OF",
    "ImportResult",
    "KEPT_JOB_ERRORS",
    "MANDATE_FIELDS",
    "MAX_BYTES",
    "PERSON_FIELDS",
    "PROGRESS_EVERY",
    "Progress",
    "RegionIndex",
    "RosterFileError",
    "RowError",
    "STALE_JOB_MINUTES",
    "check_importer",
    "errors_csv",
    "estimate_rows",
    "export_xlsx",
    "import_job_for",
    "import_job_run",
    "import_job_start",
    "import_job_status",
    "import_jobs_owed",
    "import_roster",
    "parse_date",
    "parse_level",
    "read_rows",
    "template_xlsx",
]

# The benchmark writes its province-sized roster with the same workbook writer.
from deputies.roster.files import _workbook_bytes  # noqa: E402, F401
