"""The change history (修改记录) of deputies, mandates, stations and activities, for congress offices.

The models live in apps above this one, so they are named, never imported: a whitelist maps each
"app_label.model" to the path of its Region foreign key, and the object is fetched through the one
scope helper. Anything not on the list is a 404, like an object outside the viewer's region.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.scope import get_in_scope_or_404

# "app_label.model" (lower case, as in the URL) → the path to the object's Region.
HISTORY_MODELS = {
    "deputies.deputy": "region",
    "deputies.mandate": "deputy__region",
    "liaison_stations.liaisonstation": "region",
    "activities.activity": "region",
}
# A page shows the latest changes; older ones stay in the database for the admin and exports.
HISTORY_PAGE_SIZE = 100

ACTIONS = {
    "+": pgettext_lazy("history action", "创建"),
    "~": pgettext_lazy("history action", "修改"),
    "-": pgettext_lazy("history action", "删除"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    record: models.Model
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(model_field, value, related: dict) -> str:
    if value is None or value == "":
        return _("（空）")
    if model_field.is_relation:
        return str(related.get((model_field.related_model, value), value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def history_entries(obj, *, limit: int = HISTORY_PAGE_SIZE) -> list[Entry]:
    """The object's history, newest first, each change as (field label, old, new) in display form.

    Related objects named in the changes are fetched in one query per related model, so the page
    costs the same few queries however many changes it shows.
    """
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    raw = []
    for record, previous in zip(records[:limit], records[1 : limit + 1] + [None], strict=False):
        if previous is None or record.history_type != "~":
            # The first record: what the object was created with.
            fields = [f for f in record.tracked_fields if f.editable and not f.primary_key]
            pairs = [(f.name, None, getattr(record, f.attname)) for f in fields]
            pairs = [p for p in pairs if p[2] not in (None, "")] if record.history_type == "+" else []
        else:
            delta = record.diff_against(previous)
            pairs = [(c.field, c.old, c.new) for c in delta.changes]
        raw.append((record, pairs))

    wanted: dict = {}
    for _record, pairs in raw:
        for name, old, new in pairs:
            model_field = _field(model, name)
            if model_field is not None and model_field.many_to_one:
                wanted.setdefault(model_field.related_model, set()).update(v for v in (old, new) if v is not None)
    related = {}
    for related_model, pks in wanted.items():
        for pk, instance in related_model._default_manager.in_bulk(pks).items():
            related[(related_model, pk)] = instance

    entries = []
    for record, pairs in raw:
        changes = []
        for name, old, new in pairs:
            model_field = _field(model, name)
            if model_field is None:
                continue
            changes.append(
                Change(
                    label=str(model_field.verbose_name),
                    old=_display(model_field, old, related),
                    new=_display(model_field, new, related),
                )
            )
        entries.append(Entry(record=record, action=str(ACTIONS.get(record.history_type, record.history_type)), changes=changes))
    return entries


@login_required
def history(request, model: str, pk: int):
    """Who changed what and when, for one deputy, mandate, station or activity in the viewer's region."""
    if not request.user.is_office:
        raise PermissionDenied
    key = model.lower()
    region_field = HISTORY_MODELS.get(key)
    if region_field is None:
        raise Http404
    try:
        model_class = apps.get_model(key)
    except (LookupError, ValueError):
        raise Http404 from None
    obj = get_in_scope_or_404(model_class._default_manager.all(), request.user, region_field, pk=pk)
    entries = history_entries(obj)
    return render(
        request,
        "accounts/history.html",
        {
            "object": obj,
            "model_label": model_class._meta.verbose_name,
            "entries": entries,
            "truncated": len(entries) >= HISTORY_PAGE_SIZE,
        },
    )
