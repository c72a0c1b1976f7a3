"""Merging a duplicate found by the similar list keeps the deputies of both suggestions informed."""

from __future__ import annotations

import pytest

from suggestions.models import Notification, Status
from suggestions.services import suggestion_merge
from tests.factories.suggestions import SuggestionFactory

pytestmark = pytest.mark.django_db


def test_merge_notifies_the_deputies_of_both_suggestions(voice, tree, xuanen_office, side_effects_in_process, django_capture_on_commit_callbacks):
    from deputies.models import Deputy

    other = Deputy.objects.get(user=voice.other_deputy_user)
    target = SuggestionFactory(title="关于椒园农贸市场改造的建议", region=tree.zhushan, lead_deputy=voice.deputy, status=Status.TRIAGE)
    duplicate = SuggestionFactory(title="关于椒园菜市场升级的建议", region=tree.jiaoyuan, lead_deputy=other, status=Status.TRIAGE)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_merge(duplicate.pk, into=target, actor=xuanen_office)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of == target
    assert Notification.objects.filter(user=voice.other_deputy_user, suggestion=duplicate).exists()
    to_target = Notification.objects.get(user=voice.deputy_user, suggestion=target)
    assert "椒园菜市场升级" in to_target.body


def test_an_outsider_office_cannot_merge(voice, tree, honghu_office):
    from config.exceptions import PermissionRefused

    target = SuggestionFactory(region=tree.zhushan, lead_deputy=voice.deputy, status=Status.TRIAGE)
    duplicate = SuggestionFactory(region=tree.zhushan, lead_deputy=voice.deputy, status=Status.TRIAGE)
    with pytest.raises(PermissionRefused):
        suggestion_merge(duplicate.pk, into=target, actor=honghu_office)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.TRIAGE
