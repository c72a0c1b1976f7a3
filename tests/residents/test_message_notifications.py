"""A resident's message tells the station's deputies and the township's clerks, in 消息."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from residents import services
from residents.models import ResidentMessage
from suggestions.models import Notification
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("side_effects_in_process")]


def _submit(station):
    return services.message_submit(
        station=station, text="村口的路灯坏了两个月，晚上出行很不安全。", submitter_hash="h" * 64
    )


def test_it_tells_the_station_deputies_and_the_township_clerks(voice, tree, django_capture_on_commit_callbacks):
    # given a clerk of the station's township, one of another township, and a county office
    clerk = UserFactory(username="zhushan-clerk", role=Role.TOWNSHIP_STAFF, region=tree.zhushan)
    other_clerk = UserFactory(username="fengkou-clerk", role=Role.TOWNSHIP_STAFF, region=tree.fengkou)
    # when a resident leaves a message at the station
    with django_capture_on_commit_callbacks(execute=True):
        message = _submit(voice.station)
    # then the station's deputy and the township's clerk have it in their inbox, with a link to it
    told = Notification.objects.order_by("user__username")
    assert [n.user for n in told] == [voice.deputy_user, clerk]
    assert {n.url for n in told} == {reverse("residents:detail", args=[message.pk])}
    assert all(voice.station.name in n.title and "路灯" in n.body for n in told)
    # and nobody else: not another station's deputy, another township's clerk or the city office
    assert not Notification.objects.filter(user__in=[voice.other_deputy_user, voice.honghu_deputy_user, other_clerk, voice.city_office]).exists()


def test_a_told_deputy_sees_the_badge_and_opens_the_message(client, voice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _submit(voice.station)
    client.force_login(voice.deputy_user)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home
    inbox = client.get(reverse("suggestions:notifications")).content.decode()
    assert reverse("residents:detail", args=[message.pk]) in inbox
    assert client.get(reverse("residents:detail", args=[message.pk])).status_code == 200


def test_a_message_that_fails_validation_tells_nobody(voice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.message_submit(station=voice.station, text="短", submitter_hash="h" * 64)
    assert not ResidentMessage.objects.exists()
    assert not Notification.objects.exists()
