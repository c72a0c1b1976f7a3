"""Cached answers that are never stale: every entry remembers the tables it was read from.

The API's lists and token checks are read far more often than the rows under them change: a
provincial office's clerks reload the same first pages of deputies, visits and suggestions all day.
This module lets such an answer be kept in the shared cache (Redis) and served again **only while
none of the tables it was computed from has been written since**. Used for the API's list pages
(``config.api.CachedList``), token checks (``config.authentication``) and the signed-in user that
every page loads with its unread count (``suggestions.auth``).

How it knows:

- Every statement Django sends to the database passes an execute wrapper installed on each new
  connection (``install``, connected to ``connection_created`` by the health app). An ``INSERT``,
  ``UPDATE``, ``DELETE`` or ``TRUNCATE`` names its table; once the write is committed (at once in
  autocommit, ``transaction.on_commit`` inside a transaction) the table's version in the cache is
  incremented. ``bulk_create``, ``QuerySet.update``, raw SQL through Django's cursor and the
  router's batch updates all pass there; the seeder's ``COPY`` does not and calls
  ``tables_written`` itself.
- While an answer is computed (``reading``), the ``FROM``/``JOIN`` tables of every statement are
  collected. The entry is stored with those tables and their versions; it is served only when all
  versions are unchanged. An entry used while computing another (the token check inside a list)
  passes its tables on to it.
- A write committed while an answer was being computed could be missing from the answer yet counted
  in the versions read after it; so every committed write also moves one global counter, read
  before and after the computation, and an answer whose computation saw it move is not stored.
- A connection that has written inside its still-open transaction sees rows nobody else sees yet:
  it neither reads nor stores entries until that transaction ends.

Entries also expire after ``FRESH_CACHE_SECONDS`` (60), which bounds what no statement announces:
the date moving on, rows changed outside the application. A missing version (Redis evicted it)
starts again from a value no earlier entry can hold. The cache is on only where it is shared by
every process (``CACHE_URL``); with the embedded local-memory cache it is off.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_PREFIX = "fresh:v:"
GLOBAL_KEY = "fresh:v:*"  # moves with every committed write to any table

# ``INSERT OR IGNORE INTO``: SQLite's ``bulk_create(ignore_conflicts=True)``, used by every m2m ``add()``.
_WRITE_START = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_WRITE_ANY = re.compile(r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_HEAD = re.compile(r"\s*(\w{0,8})")  # the first word, however much indentation comes before it
_TRUNCATE = re.compile(r"^\s*TRUNCATE\b(.*?)(?:\bRESTART\b|\bCASCADE\b|\bCONTINUE\b|$)", re.IGNORECASE | re.DOTALL)
_NAME = re.compile(r'"?(\w+)"?')
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?', re.IGNORECASE)

# The computations under way in this thread (``Reading``), innermost last.
_readers: contextvars.ContextVar[tuple] = contextvars.ContextVar("fresh_readers", default=())


def enabled() -> bool:
    return settings.FRESH_CACHE_SECONDS > 0


# --- writes ----------------------------------------------------------------------------------------


def written_tables(sql: str) -> set[str]:
    """The tables a statement writes to (empty for a read)."""
    head = _HEAD.match(sql).group(1).upper()
    if head.startswith(("SELECT", "SAVEPOIN", "RELEASE", "ROLLBACK", "SHOW", "EXPLAIN", "BEGIN", "COMMIT")) or head == "SET":
        return set()
    if head.startswith("TRUNCATE"):
        match = _TRUNCATE.match(sql)
        names = _NAME.findall(match.group(1)) if match else []
        return {n for n in names if n.upper() != "TABLE" and n.upper() != "ONLY"}
    if head.startswith("WITH"):
        return set(_WRITE_ANY.findall(sql))
    match = _WRITE_START.match(sql)
    return {match.group(1)} if match else set()


def read_tables(sql: str) -> set[str]:
    return set(_READ.findall(sql))


class _Tracker:
    """The execute wrapper: notes the tables each statement reads (when asked) and writes."""

    def __call__(self, execute, sql, params, many, context):
        readers = _readers.get()
        if readers:
            readers[-1].start()  # before the rows are read
        result = execute(sql, params, many, context)
        if readers:
            tables = read_tables(sql)
            for reading in readers:
                reading.tables |= tables
        written = written_tables(sql)
        if written:
            tables_written(written, connection=context["connection"])
        return result


_tracker = _Tracker()


def install(sender=None, connection=None, **kwargs) -> None:
    """``connection_created`` receiver: put the tracker on the connection (once per wrapper)."""
    if connection is not None and _tracker not in connection.execute_wrappers:
        # First in the list: ``connection.execute_wrapper()`` removes the *last* wrapper when its
        # block ends, and a connection may open inside such a block.
        connection.execute_wrappers.insert(0, _tracker)


def tables_written(tables: Iterable[str], connection=None) -> None:
    """Announce writes: the tables' versions move once the write is committed."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    tables = set(tables)
    if not tables or not (enabled() or settings.CACHE_URL):
        return  # nothing kept anywhere to tell (the embedded mode): no commit callback per write
    if connection.in_atomic_block:
        _dirty(connection).update(tables)
        # One callback per write (a callback registered inside a savepoint that rolls back is
        # dropped with it); the first to run after the commit moves every table written, the
        # others find nothing left.
        transaction.on_commit(partial(_flush, connection), using=connection.alias)
    else:
        _bump(tables)


def app_migrated(sender=None, using="default", **kwargs) -> None:
    """``post_migrate`` receiver: every table of the migrated app counts as written."""
    from django.db import connections

    if sender is None:
        return
    tables = {model._meta.db_table for model in sender.get_models(include_auto_created=True)}
    tables_written(tables, connection=connections[using])


def _flush(connection) -> None:
    dirty = _dirty(connection)
    tables = set(dirty)
    dirty.clear()
    if tables:
        _bump(tables)


def _dirty(connection) -> set:
    dirty = getattr(connection, "fresh_dirty", None)
    if dirty is None:
        dirty = connection.fresh_dirty = set()
    return dirty


def _bump(tables: Iterable[str]) -> None:
    # A process that keeps no answers itself (FRESH_CACHE_SECONDS=0) still tells the others sharing
    # the cache that it wrote.
    if not enabled() and not settings.CACHE_URL:
        return
    # The global counter first: an answer stored between two of these increments must already see
    # it moved (and be refused), never a table's new version beside rows read before the write.
    keys = [GLOBAL_KEY] + [VERSION_PREFIX + t for t in tables]
    try:
        many = getattr(cache, "incr_many_from", None)  # config.cache.RedisCache: one round trip
        if many is not None:
            many(keys, time.time_ns())
        else:
            for key in keys:
                _incr(key)
    except Exception:  # noqa: BLE001 - the write is committed; a cache outage must not fail it
        # Entries of these tables may now outlive the write, until FRESH_CACHE_SECONDS expire them.
        logger.exception("could not move the cache versions of %s", ", ".join(sorted(tables)))


def _incr(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns(), None)
        return cache.incr(key)


def writing_uncommitted(connection=None) -> bool:
    """Whether this connection has written inside the transaction it is still in."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    if not connection.in_atomic_block:
        # Left over: the transaction rolled back (moving its versions costs a recomputation), or a
        # commit callback before ours raised and Django dropped ours (the write is committed).
        _flush(connection)
        return False
    return bool(_dirty(connection))


# --- reads -----------------------------------------------------------------------------------------


_UNSET = object()


class Reading:
    """What one computation read: its tables, and the global counter before its first read.

    The counter is read lazily, just before the first statement runs or together with the versions
    of the first entry used, so a computation answered from entries costs no extra round trip. A
    computation inside another (the token check inside a list) takes the enclosing one's counter:
    it was read earlier, so an answer it may store is, if anything, refused more often.
    """

    def __init__(self, enclosing: Reading | None = None):
        self.tables: set[str] = set()
        self.enclosing = enclosing
        self.started_at: Any = _UNSET

    def start(self, counter: int | None = None) -> None:
        if self.started_at is not _UNSET:
            return
        if self.enclosing is not None:
            self.enclosing.start(counter)
            self.started_at = self.enclosing.started_at
        elif not enabled():
            self.started_at = None
        elif counter is not None:
            self.started_at = counter
        else:
            try:
                self.started_at = _versions([GLOBAL_KEY])[0]
            except Exception:  # noqa: BLE001 - a cache outage must not fail the statement: keep nothing
                logger.warning("cache unavailable: the answer being computed will not be kept", exc_info=True)
                self.started_at = None


@contextmanager
def reading():
    """Collect the tables read by the statements (and entries) used inside the block."""
    readers = _readers.get()
    current = Reading(readers[-1] if readers else None)
    token = _readers.set((*readers, current))
    try:
        yield current
    finally:
        _readers.reset(token)


def _versions(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    missing = {k: time.time_ns() for k in keys if k not in found}
    for key, value in missing.items():
        if not cache.add(key, value, None):  # another process started it first
            missing[key] = cache.get(key)
    return [found[k] if k in found else missing[k] for k in keys]


def fetch(key: str) -> Any | None:
    """The value stored under ``key`` if none of its tables has been written since; else None."""
    if not enabled() or writing_uncommitted():
        return None
    try:
        entry = cache.get(key)
        if entry is None:
            return None
        tables, versions, value = entry
        current = _versions([GLOBAL_KEY] + [VERSION_PREFIX + t for t in tables])
    except Exception:  # noqa: BLE001 - a cache outage, or an entry this code did not write: compute
        logger.warning("could not read the kept answer %s", key, exc_info=True)
        return None
    readers = _readers.get()
    if readers:
        readers[-1].start(current[0])
    if list(versions) != current[1:]:
        return None
    for reading_ in _readers.get():
        reading_.tables.update(tables)
    return value


def store(key: str, value: Any, read: Reading, timeout: int | None = None) -> bool:
    """Keep ``value`` computed under ``read``, unless a write was committed while it was computed."""
    if not enabled() or writing_uncommitted() or read.started_at in (None, _UNSET):
        return False
    tables = sorted(read.tables)
    try:
        current = _versions([GLOBAL_KEY] + [VERSION_PREFIX + t for t in tables])
        if current[0] != read.started_at:
            return False
        cache.set(key, (tables, current[1:], value), timeout or settings.FRESH_CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage (or a value that cannot be pickled) must not fail the request
        logger.warning("could not keep the answer %s", key, exc_info=True)
        return False
    return True


def cached(key: str, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    """``fetch`` or ``compute`` and ``store``. A None result is not kept."""
    value = fetch(key)
    if value is not None:
        return value
    with reading() as read:
        value = compute()
    if value is not None:
        store(key, value, read, timeout)
    return value
