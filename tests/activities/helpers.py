import datetime

from django.utils import timezone


def visit_data(tree, world, *, issues=(), **overrides) -> dict:
    """A filled visit form as the browser posts it."""
    data = {
        "type": "visit",
        "date": timezone.localdate().isoformat(),
        "start_time": "09:30",
        "region": str(tree.zhushan_village.pk),
        "campaigns": [str(world.mandated.pk)],
        "station": str(world.station.pk),
        "group": str(world.group.pk),
        "deputies": [str(d.pk) for d in world.deputies],
        "households_visited": "12",
        "enterprises_visited": "1",
        "people_reached": "30",
        "person_times": "0",
        "summary": "走访东门社区农户，了解饮水情况。",
        "issues-TOTAL_FORMS": str(max(len(issues), 1)),
        "issues-INITIAL_FORMS": "0",
        "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "50",
    }
    for i, (text, deputies) in enumerate(issues):
        data[f"issues-{i}-text"] = text
        data[f"issues-{i}-deputies"] = [str(d.pk) for d in deputies]
    data.update(overrides)
    return data


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
