"""Recompute the sort keys of deputies saved while the stroke table was a placeholder (all zeros)."""

from django.db import migrations


def fill_keys(apps, schema_editor):
    from deputies.names import name_sort_keys

    Deputy = apps.get_model("deputies", "Deputy")
    batch = []
    for deputy in Deputy.objects.only("id", "name").iterator(chunk_size=2000):
        deputy.name_pinyin, deputy.name_initials, deputy.surname_strokes, deputy.name_stroke_key = name_sort_keys(deputy.name)
        batch.append(deputy)
        if len(batch) >= 2000:
            Deputy.objects.bulk_update(batch, ["name_pinyin", "name_initials", "surname_strokes", "name_stroke_key"])
            batch = []
    if batch:
        Deputy.objects.bulk_update(batch, ["name_pinyin", "name_initials", "surname_strokes", "name_stroke_key"])


class Migration(migrations.Migration):
    dependencies = [("deputies", "0003_deputy_name_stroke_key")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
