"""Demo residents' messages at a few stations (one replied, one adopted), the similarity index of the
demo suggestions, and a first hot-issue run — made through the services, like real use."""

from __future__ import annotations

from residents import services
from residents.models import ResidentMessage
from residents.selectors import station_deputies
from suggestions.models import Suggestion
from suggestions.similarity import index_suggestion

DEMO_MESSAGES = [
    ("东门社区背街小巷没有路灯，晚上老人出门摔倒过好几次，希望装几盏路灯。", "王大妈", "13900001111"),
    ("村里垃圾池好几天没人清运，天热以后臭得很，请增加清运次数。", "", ""),
    ("学校门口放学时车辆乱停，孩子过马路太危险，建议设置减速带。", "李先生", "13900002222"),
    ("自来水一下雨就发黄，不敢喝，希望水厂改造一下。", "", ""),
]


def seed(ctx) -> None:
    for suggestion_id in Suggestion.objects.values_list("pk", flat=True):
        index_suggestion(suggestion_id)
    if ResidentMessage.objects.exists():
        return
    stations = [s for s in ctx.data.get("stations", []) if s.assignments.exists()][:2]
    messages = []
    for station in stations:
        for i, (text, name, phone) in enumerate(DEMO_MESSAGES):
            sender = services.address_hash(f"demo-{station.pk}-{i}")
            messages.append(services.message_submit(station=station, text=text, name=name, phone=phone, submitter_hash=sender))
    if stations:
        deputy = station_deputies(messages[0]).exclude(user=None).first()
        if deputy is not None:
            services.message_reply(messages[0].pk, actor=deputy.user, text="已反映给社区和镇政府，计划本月内安装路灯。")
            services.message_adopt(messages[2].pk, actor=deputy.user)
    ctx.say(f"  群众留言 {ResidentMessage.objects.count()} 条")
