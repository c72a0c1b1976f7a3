"""Cached API answers (config.freshness): served again only while their tables are unchanged.

These tests commit for real (``transaction=True``): the cache is about what other connections see
after a commit. They run on SQLite with the local-memory cache turned on for the test, and on
PostgreSQL with Redis where ``make test`` provides them.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from activities.models import Activity
from config import freshness
from deputies.models import Deputy
from tests.factories.deputies import DeputyFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

DEPUTIES = "/api/v1/deputies/"


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.FRESH_CACHE_SECONDS = 60
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def get(client, path=DEPUTIES, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response, len(queries.captured_queries)


# --- which tables a statement reads and writes --------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "deputies_deputy" ("name") VALUES (%s)', {"deputies_deputy"}),
        ('UPDATE "suggestions_suggestion" SET "status" = %s WHERE "id" IN (1, 2)', {"suggestions_suggestion"}),
        ('  delete from "activities_activity" WHERE id = 1', {"activities_activity"}),
        ('TRUNCATE "a_one", "b_two" RESTART IDENTITY CASCADE;', {"a_one", "b_two"}),
        ('WITH moved AS (SELECT 1) UPDATE "dashboards_dashboardrollup" SET x = 1', {"dashboards_dashboardrollup"}),
        ('SELECT "id" FROM "suggestions_suggestion" WHERE "status" = %s FOR UPDATE SKIP LOCKED', set()),
        ("SAVEPOINT s1", set()),
        ('INSERT INTO "x_y" ("k") VALUES (1) ON CONFLICT ("k") DO UPDATE SET "k" = 1', {"x_y"}),
    ],
)
def test_written_tables(sql, tables):
    assert freshness.written_tables(sql) == tables


def test_read_tables():
    sql = (
        'SELECT "d"."id" FROM "deputies_deputy" INNER JOIN "regions_region" ON (1=1) '
        'WHERE "d"."id" IN (SELECT U0."deputy_id" FROM "deputies_mandate" U0)'
    )
    assert freshness.read_tables(sql) == {"deputies_deputy", "regions_region", "deputies_mandate"}


# --- list pages ---------------------------------------------------------------------------------------------


def test_a_list_page_is_served_again_until_its_rows_change(tree, provincial):
    DeputyFactory.create_batch(3, region=tree.zhushan)
    client = token_client(provincial)
    first, computed = get(client)
    again, kept = get(client)
    assert computed > 0 and kept == 0  # neither the token, nor the page, nor its count from the database
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]

    # a write through save() …
    deputy = Deputy.objects.first()
    deputy.name = "改了名"
    deputy.save()
    names = [d["name"] for d in get(client)[0].json()["results"]]
    assert "改了名" in names
    # … and one that bypasses save() and its signals
    Deputy.objects.filter(pk=deputy.pk).update(name="再改名")
    assert "再改名" in [d["name"] for d in get(client)[0].json()["results"]]
    DeputyFactory.create_batch(2, region=tree.zhushan)
    assert get(client)[0].json()["count"] == 5


def test_a_change_to_a_joined_table_is_seen(tree, provincial):
    DeputyFactory(region=tree.zhushan)
    client = token_client(provincial)
    assert get(client)[0].json()["results"][0]["region_name"] == "珠山镇"
    get(client)
    tree.zhushan.name = "珠山街道"
    tree.zhushan.save()
    assert get(client)[0].json()["results"][0]["region_name"] == "珠山街道"


def test_each_user_has_their_own_pages(tree, provincial, xuanen_office, honghu_office):
    DeputyFactory(region=tree.zhushan, name="宣恩代表")
    DeputyFactory(region=tree.fengkou, name="洪湖代表")
    assert get(token_client(provincial))[0].json()["count"] == 2
    # the same URL, asked by offices of two counties after the province's page was kept
    assert [d["name"] for d in get(token_client(xuanen_office))[0].json()["results"]] == ["宣恩代表"]
    assert [d["name"] for d in get(token_client(honghu_office))[0].json()["results"]] == ["洪湖代表"]


def test_query_strings_and_languages_are_pages_of_their_own(tree, provincial, settings):
    from tests.factories.suggestions import SuggestionDeputyFactory, SuggestionFactory

    DeputyFactory.create_batch(3, region=tree.zhushan)
    client = token_client(provincial)
    assert len(get(client, page_size=2)[0].json()["results"]) == 2
    assert len(get(client, page_size=3)[0].json()["results"]) == 3

    SuggestionFactory(region=tree.zhushan, lead_deputy=SuggestionDeputyFactory(region=tree.zhushan), status="submitted")
    path = "/api/v1/suggestions/"
    chinese = get(client, path)[0].json()["results"][0]["status_display"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(client, path)[0].json()["results"][0]["status_display"]
    assert chinese != english and english.isascii()


def test_activity_bulk_inserts_reach_the_list(tree, xuanen_staff):
    from tests.factories.activities import ActivityFactory

    ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff)
    client = token_client(xuanen_staff)
    assert get(client, "/api/v1/activities/")[0].json()["count"] == 1
    template = Activity.objects.get()
    template.pk = None
    Activity.objects.bulk_create([template])
    assert get(client, "/api/v1/activities/")[0].json()["count"] == 2


def test_a_revoked_token_and_a_deactivated_user_are_refused_at_once(tree, provincial, xuanen_office):
    client = token_client(provincial)
    get(client)
    assert get(client)[1] == 0
    Token.objects.filter(user=provincial).delete()
    assert client.get(DEPUTIES).status_code == 401

    client = token_client(xuanen_office)
    get(client)
    xuanen_office.is_active = False
    xuanen_office.save(update_fields=["is_active"])
    assert client.get(DEPUTIES).status_code == 401


def test_a_lost_version_counts_as_a_change(tree, provincial):
    DeputyFactory(region=tree.zhushan)
    client = token_client(provincial)
    get(client)
    cache.delete(freshness.VERSION_PREFIX + "deputies_deputy")  # Redis evicted it
    assert get(client)[1] > 0


def test_off_when_no_shared_cache(tree, provincial, settings):
    settings.FRESH_CACHE_SECONDS = 0
    DeputyFactory(region=tree.zhushan)
    client = token_client(provincial)
    get(client)
    assert get(client)[1] > 0


def test_other_formats_and_errors_are_not_kept(tree, provincial):
    client = token_client(provincial)
    get(client)
    # the browsable API is rendered each time
    assert client.get(DEPUTIES, HTTP_ACCEPT="text/html").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DEPUTIES, HTTP_ACCEPT="text/html").status_code == 200
    assert len(queries.captured_queries) > 0
    # a page past the end is an error each time, never a kept page
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DEPUTIES, {"page": 99}).status_code == 404
        assert len(queries.captured_queries) > 0


# --- the rules underneath -------------------------------------------------------------------------------------


def test_nothing_is_read_or_kept_inside_a_transaction_that_has_written(tree, provincial):
    DeputyFactory(region=tree.zhushan)
    client = token_client(provincial)
    get(client)
    with transaction.atomic():
        Deputy.objects.update(name="未提交")
        assert freshness.writing_uncommitted()
        # this connection sees its own uncommitted rows: the kept page is not for it…
        assert get(client)[0].json()["results"][0]["name"] == "未提交"
        transaction.set_rollback(True)
    assert not freshness.writing_uncommitted()
    # …and what it saw then was not kept for the others
    assert get(client)[0].json()["results"][0]["name"] != "未提交"


def test_an_answer_is_not_kept_when_a_write_lands_while_it_is_computed(tree):
    with freshness.reading() as read:
        list(Deputy.objects.all())
        freshness.tables_written({"deputies_deputy"})  # committed by another process meanwhile
    assert not freshness.store("fresh:test", "stale?", read)
    assert cache.get("fresh:test") is None

    with freshness.reading() as read:
        list(Deputy.objects.all())
    assert read.tables == {"deputies_deputy"}
    assert freshness.store("fresh:test", "fine", read)
    assert freshness.fetch("fresh:test") == "fine"
    freshness.tables_written({"regions_region"})
    assert freshness.fetch("fresh:test") == "fine"  # not one of its tables
    freshness.tables_written({"deputies_deputy"})
    assert freshness.fetch("fresh:test") is None


def test_a_write_inside_a_transaction_moves_the_versions_only_once_committed(tree):
    keep_an_answer_read_from_deputies()
    with transaction.atomic():
        DeputyFactory(region=tree.zhushan)
        # other connections still see the old rows: the entry stays good for them until the commit
        assert cache.get(freshness.VERSION_PREFIX + "deputies_deputy") == read_version("deputies_deputy")
    assert freshness.fetch("fresh:test") is None


def keep_an_answer_read_from_deputies(key="fresh:test", value="kept"):
    with freshness.reading() as read:
        list(Deputy.objects.all())
    assert freshness.store(key, value, read)


def read_version(table):
    return freshness._versions([freshness.VERSION_PREFIX + table])[0]


def test_an_entry_used_inside_another_passes_its_tables_on(tree):
    freshness.cached("fresh:inner", lambda: list(Deputy.objects.values_list("id", flat=True)))
    with freshness.reading() as outer:
        freshness.cached("fresh:inner", lambda: pytest.fail("should have been kept"))
    assert outer.tables == {"deputies_deputy"}


def test_a_process_that_keeps_nothing_still_announces_its_writes(tree, settings):
    keep_an_answer_read_from_deputies()
    settings.FRESH_CACHE_SECONDS = 0  # a worker or web process with the cache off, sharing Redis
    settings.CACHE_URL = "redis://shared"
    DeputyFactory(region=tree.zhushan)
    settings.FRESH_CACHE_SECONDS = 60
    assert freshness.fetch("fresh:test") is None


def test_writes_after_a_rolled_back_savepoint_still_move_the_versions(tree):
    keep_an_answer_read_from_deputies()
    with transaction.atomic():
        try:
            with transaction.atomic():
                DeputyFactory(region=tree.zhushan)  # its commit callback goes with the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        assert freshness.fetch("fresh:test") is None  # this connection has written: not for it
        Deputy.objects.create(name="留下的", region=tree.zhushan)
    assert freshness.fetch("fresh:test") is None


def test_the_tracker_survives_a_connection_opened_inside_another_wrapper(db):
    def passing(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    connection.execute_wrappers[:] = [w for w in connection.execute_wrappers if w is not freshness._tracker]
    with connection.execute_wrapper(passing):
        freshness.install(connection=connection)  # as connection_created does when it opens here
    assert connection.execute_wrappers == [freshness._tracker]


# --- the signed-in user of every page ------------------------------------------------------------------------


def test_the_session_user_is_kept_with_its_unread_count_until_a_table_of_it_changes(tree, xuanen_office):
    from suggestions.auth import InboxModelBackend
    from suggestions.models import Notification

    backend = InboxModelBackend()

    def load():
        with CaptureQueriesContext(connection) as queries:
            user = backend.get_user(xuanen_office.pk)
        return user, len(queries.captured_queries)

    user, computed = load()
    assert computed == 1 and user.unread_notifications_count == 0 and user.region == tree.xuanen
    assert load()[1] == 0
    Notification.objects.create(user=xuanen_office, title="新交办")
    user, computed = load()
    assert computed == 1 and user.unread_notifications_count == 1
    Notification.objects.update(read_at=timezone.now())
    assert load()[0].unread_notifications_count == 0
    xuanen_office.is_active = False
    xuanen_office.save(update_fields=["is_active"])
    assert backend.get_user(xuanen_office.pk) is None


def test_a_page_signed_in_by_session_reads_no_user_row_the_second_time(tree, xuanen_office, client):
    client.force_login(xuanen_office)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    xuanen_office.set_password("另一个密码-2026")
    xuanen_office.save()
    # a changed password ends the session at once, as without the cache
    response = client.get("/activities/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_large_count_is_kept_across_pages_and_exact_after_a_write(tree, provincial, settings):
    settings.API_COUNT_CACHE_MIN = 3
    DeputyFactory.create_batch(4, region=tree.zhushan)
    client = token_client(provincial)

    def counts(**params):
        with CaptureQueriesContext(connection) as queries:
            body = get(client, **params)[0].json()
        return body["count"], len([q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()])

    assert counts(page_size=2) == (4, 1)
    assert counts(page_size=2, page=2) == (4, 0)  # another page: computed, but its count was kept
    DeputyFactory(region=tree.zhushan)
    assert counts(page_size=2, page=2) == (5, 1)  # no stale total after a write


# --- review: what could still serve a stale answer or fail a request -----------------------------------------


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        # SQLite: ``bulk_create(ignore_conflicts=True)``, which every ``add()`` to an auto-created m2m uses
        ('INSERT OR IGNORE INTO "activities_activity_campaigns" ("activity_id", "campaign_id") VALUES (%s, %s)',
         {"activities_activity_campaigns"}),
        # raw SQL written as an indented triple-quoted string
        ("\n            WITH gone AS (SELECT 1)\n            UPDATE \"deputies_deputy\" SET \"active\" = false",
         {"deputies_deputy"}),
        ('\n                TRUNCATE "suggestions_suggestionterm"', {"suggestions_suggestionterm"}),
    ],
)
def test_written_tables_in_sql_django_and_raw_cursors_send(sql, tables):
    assert freshness.written_tables(sql) == tables


def test_a_campaign_added_to_an_activity_reaches_the_list(tree, xuanen_staff):
    from tests.factories.activities import ActivityFactory, CampaignFactory

    activity = ActivityFactory(region=tree.zhushan_village, created_by=xuanen_staff)
    campaign = CampaignFactory(region=tree.province)
    client = token_client(xuanen_staff)
    assert get(client, "/api/v1/activities/")[0].json()["results"][0]["campaigns"] == []
    activity.campaigns.add(campaign)  # INSERT OR IGNORE INTO … on SQLite
    assert get(client, "/api/v1/activities/")[0].json()["results"][0]["campaigns"] == [campaign.pk]


@pytest.fixture
def redis_down(monkeypatch):
    """Every call to the cache fails, as the Redis client does while Redis is unreachable."""
    from django.core.cache import caches
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    backend = type(caches["default"])
    for name in ("get", "get_many", "set", "add", "incr", "delete", "set_many"):
        monkeypatch.setattr(backend, name, down)


def test_pages_signed_in_by_session_still_answer_while_redis_is_down(tree, xuanen_office, client, redis_down):
    # Before the kept session user, no part of these pages needed Redis.
    client.force_login(xuanen_office)
    assert client.get("/activities/").status_code == 200
    assert freshness.cached("fresh:test", lambda: "computed") == "computed"


def test_counts_kept_by_a_process_without_the_fresh_cache_do_not_fail_one_with_it(tree, provincial, settings):
    # The same Redis, shared by a process whose FRESH_CACHE_SECONDS is 0 (or the previous release,
    # during a rolling deploy): both keep a list's count under the same "api:count:" key.
    settings.API_COUNT_CACHE_MIN = 1
    DeputyFactory.create_batch(2, region=tree.zhushan)
    client = token_client(provincial)
    settings.FRESH_CACHE_SECONDS = 0
    assert get(client)[0].json()["count"] == 2  # keeps the count as a plain int
    settings.FRESH_CACHE_SECONDS = 60
    assert get(client)[0].json()["count"] == 2  # fetch() unpacked the int: TypeError, a 500

    cache.clear()
    assert get(client, page_size=1)[0].json()["count"] == 2  # kept as (tables, versions, value)
    settings.FRESH_CACHE_SECONDS = 0
    assert get(client, page_size=1)[0].json()["count"] == 2  # the tuple taken for a count: a 500


def test_a_write_is_never_missing_from_an_answer_stored_between_its_version_moves(tree, monkeypatch):
    # Without one-round-trip increments (or when a pipeline's commands reach Redis apart), the
    # versions move one key at a time. An answer stored between a table's move and the global
    # counter's must not be taken as newer than the write.
    from django.core.cache import caches

    monkeypatch.setattr(type(caches["default"]), "incr_many_from", None, raising=False)  # one key at a time
    with freshness.reading() as read:
        before = list(Deputy.objects.values_list("name", flat=True))  # read before the write…
    deputy = DeputyFactory.build(region=tree.zhushan)
    real_incr = freshness._incr
    stored = []

    def incr(key):
        value = real_incr(key)
        if key == freshness.VERSION_PREFIX + "deputies_deputy":  # …stored while the write's versions move
            stored.append(freshness.store("fresh:test", before, read))
        return value

    monkeypatch.setattr(freshness, "_incr", incr)
    deputy.save()
    monkeypatch.setattr(freshness, "_incr", real_incr)
    assert stored  # the store happened in between
    assert freshness.fetch("fresh:test") is None, "an answer without the committed deputy is served"


def test_a_write_is_announced_even_when_a_commit_callback_before_it_fails(tree):
    # Django drops the commit callbacks after one that raises: the versions must still move later,
    # not be forgotten by the next request on this connection.
    keep_an_answer_read_from_deputies()

    def fails():
        raise RuntimeError("the broker is down")

    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(fails)  # registered before the first write
        DeputyFactory(region=tree.zhushan)
    assert Deputy.objects.count() == 1  # committed
    assert freshness.fetch("fresh:test") is None


def test_a_kept_token_check_holds_no_password_hash(tree, provincial):
    import hashlib

    client = token_client(provincial)
    get(client)
    key = Token.objects.get(user=provincial).key
    _tables, _versions, (user, _token) = cache.get("fresh:token:" + hashlib.sha256(key.encode()).hexdigest())
    assert user.pk == provincial.pk and "password" not in user.__dict__


def test_migrating_an_app_drops_what_was_kept_from_its_tables(tree):
    from django.apps import apps

    keep_an_answer_read_from_deputies()
    freshness.app_migrated(sender=apps.get_app_config("regions"))
    assert freshness.fetch("fresh:test") == "kept"  # another app's tables
    freshness.app_migrated(sender=apps.get_app_config("deputies"))
    assert freshness.fetch("fresh:test") is None
