import datetime

import factory

from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationKind, StationStandard


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonStation

    name = factory.Sequence(lambda n: f"联络站{n}")
    kind = StationKind.STATION
    region = None
    address = "东门社区党群服务中心"


class StandardItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardItem

    name = factory.Sequence(lambda n: f"标准{n}")
    region = None
    position = factory.Sequence(int)


class StationStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationStandard

    station = factory.SubFactory(StationFactory)
    item = factory.SubFactory(StandardItemFactory)
    met = True


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationAssignment

    station = factory.SubFactory(StationFactory)
    deputy = None
    start_date = datetime.date(2022, 3, 1)


class ReceptionDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReceptionDay

    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=3))
    start_time = datetime.time(9, 0)
    end_time = datetime.time(12, 0)
    topic = "察民情、聚民智、惠民生"
