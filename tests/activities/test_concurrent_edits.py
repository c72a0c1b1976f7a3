import threading

import pytest
from django.db import connection

from activities import services
from activities.models import Activity
from activities.services import ActivityInput
from config.exceptions import Conflict
from tests.factories.activities import ActivityFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_version_one_wins_the_other_is_told(world, tree, xuanen_staff, xuanen_office):
    activity = ActivityFactory(region=tree.zhushan, created_by=xuanen_staff, deputies=world.deputies[:1])
    version = activity.updated_at
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(actor, households):
        try:
            data = ActivityInput(type="visit", date=activity.date, region=tree.zhushan, deputies=world.deputies[:1], households_visited=households)
            barrier.wait()
            services.activity_update(actor=actor, activity=activity, data=data, expected_updated_at=version)
            outcomes.append(("saved", households))
        except Conflict:
            outcomes.append(("conflict", households))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(xuanen_staff, 10)), threading.Thread(target=edit, args=(xuanen_office, 20))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    winner = next(h for kind, h in outcomes if kind == "saved")
    assert Activity.objects.get(pk=activity.pk).households_visited == winner
