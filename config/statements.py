"""A few large read statements that run once per page, report or task: PostgreSQL plans them without
JIT and with room to hash and sort in memory (``SET`` on the connection, ``RESET`` after them; not
``SET LOCAL`` in a transaction of their own, which would hide the progress a report writes meanwhile).

Why: such a statement's estimated cost passes ``jit_above_cost`` and ``jit_optimize_above_cost``, so
PostgreSQL compiles, optimises and inlines its expressions with LLVM before running it — 15.2 s of the
duty-points province share's 28.9 s, 1.5–4.4 s for each large query of the campaign report (``EXPLAIN
ANALYZE`` at load 10–15 on two cores) — which pays off only for statements that run much longer than
they compile. And at the default 4 MB ``work_mem`` their sorts and groupings of a few hundred thousand
rows spill to disk. On other databases it does nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

WORK_MEM = "64MB"


@contextmanager
def roomy_reads() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = off; SET work_mem = '{WORK_MEM}'")
    try:
        yield
    finally:
        # In a transaction that failed, the statement fails too; its rollback undoes the SET anyway.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET jit; RESET work_mem")
