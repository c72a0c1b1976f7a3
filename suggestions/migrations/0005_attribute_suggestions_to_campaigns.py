"""Data: every suggestion without a campaign gets the one it arose in (the rule of
``suggestions.services.campaigns``, restated here with historical models as migrations must):
the campaign of its source activity, else the campaign running on its submission day (or creation
day, for a draft) that covers its region — the mandated theme first."""

from django.db import migrations
from django.utils import timezone

PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def _rank(campaign):
    return (campaign.kind != "mandated", -campaign.start_date.toordinal(), campaign.pk)


def attribute(apps, schema_editor):
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Campaign = apps.get_model("activities", "Campaign")
    campaigns = list(Campaign.objects.select_related("region"))
    if not campaigns:
        return
    pending = Suggestion.objects.filter(campaign__isnull=True).select_related("region", "source_activity", "source_issue__activity")
    for suggestion in pending.iterator(chunk_size=500):
        prefix = suggestion.region.prefix
        activity = suggestion.source_activity or (suggestion.source_issue.activity if suggestion.source_issue_id else None)
        chosen = None
        if activity is not None:
            own = [c for c in activity.campaigns.all() if prefix.startswith(c.region.prefix)]
            chosen = min(own, key=_rank) if own else None
        if chosen is None:
            day = timezone.localdate(suggestion.submitted_at or suggestion.created_at)
            running = [
                c for c in campaigns
                if c.start_date <= day <= c.end_date and c.region.prefix in {prefix[:n] for n in PREFIX_LENGTHS if n <= len(prefix)}
            ]
            chosen = min(running, key=_rank) if running else None
        if chosen is not None:
            Suggestion.objects.filter(pk=suggestion.pk).update(campaign=chosen)


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0004_newest_first_indexes"),
        ("activities", "0005_newest_first_indexes"),
    ]

    operations = [migrations.RunPython(attribute, migrations.RunPython.noop)]
