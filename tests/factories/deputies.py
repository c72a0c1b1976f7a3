import datetime

import factory

from deputies.models import Deputy, DeputyGroup, Gender, Mandate, MandateLevel, Membership


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: "王李张刘陈杨"[n % 6] + "明华建国春兰"[(n // 6) % 6] + str(n))
    gender = Gender.FEMALE
    ethnicity = "汉族"
    birth_date = factory.Sequence(lambda n: datetime.date(1970, 1, 1) + datetime.timedelta(days=n))
    sector = "农业"
    work_unit = "村委会"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    region = None


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    level = MandateLevel.COUNTY
    congress_region = factory.LazyAttribute(lambda o: o.deputy.region)
    term = "第十九届"
    electoral_unit = "第一选区"
    start_date = datetime.date(2021, 10, 1)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    name = factory.Sequence(lambda n: f"代表小组{n}")
    region = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    deputy = factory.SubFactory(DeputyFactory)
