import datetime

import factory
from django.utils import timezone

from activities.models import Activity, ActivityType, Attendance, Campaign, CampaignKind
from deputies.models import Deputy, DeputyGroup, Membership
from liaison_stations.models import LiaisonStation

# Named Activity* so they do not clash with the deputies app's own factories once both are merged.


class ActivityDeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Iterator(["向明华", "田春梅", "张建国", "李秀英", "王志强", "刘芳", "陈红", "杨军"])
    region = None


class ActivityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n}代表小组")
    region = None

    @factory.post_generation
    def members(group, create, extracted, **kwargs):  # noqa: N805
        for deputy in extracted or []:
            Membership.objects.create(group=group, deputy=deputy)


class ActivityStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonStation

    name = factory.Sequence(lambda n: f"代表联络站{n}")
    region = None


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = "察民情、聚民智、惠民生"
    kind = CampaignKind.MANDATED
    region = None
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    type = ActivityType.VISIT
    date = factory.LazyFunction(timezone.localdate)
    region = None
    households_visited = 3
    people_reached = 10
    summary = "走访农户，了解生产生活情况。"

    @factory.post_generation
    def deputies(activity, create, extracted, **kwargs):  # noqa: N805
        for deputy in extracted or []:
            Attendance.objects.create(activity=activity, deputy=deputy)
