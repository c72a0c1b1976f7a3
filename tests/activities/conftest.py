import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.models import CampaignKind
from tests.factories.activities import (
    ActivityDeputyFactory,
    ActivityGroupFactory,
    ActivityStationFactory,
    CampaignFactory,
)


@dataclass
class World:
    deputies: list
    outsider_deputy: object
    station: object
    outsider_station: object
    group: object
    outsider_group: object
    mandated: object
    self_chosen: object


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(tree):
    deputies = [
        ActivityDeputyFactory(name="向明华", region=tree.zhushan),
        ActivityDeputyFactory(name="田春梅", region=tree.zhushan_village),
        ActivityDeputyFactory(name="张建国", region=tree.zhushan),
    ]
    outsider = ActivityDeputyFactory(name="刘洪湖", region=tree.fengkou)
    return World(
        deputies=deputies,
        outsider_deputy=outsider,
        station=ActivityStationFactory(name="东门社区代表联络站", region=tree.zhushan_village),
        outsider_station=ActivityStationFactory(name="西坪村代表联络站", region=tree.fengkou_village),
        group=ActivityGroupFactory(name="珠山镇第一代表小组", region=tree.zhushan, members=deputies[:2]),
        outsider_group=ActivityGroupFactory(name="峰口镇代表小组", region=tree.fengkou, members=[outsider]),
        mandated=CampaignFactory(region=tree.province, kind=CampaignKind.MANDATED),
        self_chosen=CampaignFactory(region=tree.xuanen, kind=CampaignKind.SELF_CHOSEN, title="宣恩县优化营商环境"),
    )


def png_upload(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
