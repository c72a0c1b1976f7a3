"""Factories for residents' messages."""

import factory

from residents.models import ResidentMessage
from tests.factories.liaison_stations import StationFactory


class ResidentMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentMessage

    station = factory.SubFactory(StationFactory)
    region = factory.LazyAttribute(lambda o: o.station.region)
    text = factory.Sequence(lambda n: f"第{n}组路灯坏了很久，晚上出行不安全，希望尽快修好。")
    name = "张三丰"
    phone = "13812345678"
