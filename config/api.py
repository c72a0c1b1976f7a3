"""API plumbing shared by every app: pagination, one error format, JSON with files.

Every error is JSON that names the problem: ``{"field": ["message"]}`` for bad input,
``{"detail": "...", "code": "..."}`` otherwise.

A create that takes files (an activity's photos, a suggestion's attachments) accepts
``multipart/form-data`` whose part ``data`` holds the same JSON object a JSON request would send,
beside the file parts (``json_part``): one request, so a row and its files arrive together.
"""

from __future__ import annotations

import json
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from rest_framework import fields, relations, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.exceptions import Conflict, PermissionRefused
from config.hygiene import bad_json_field, json_depth

JSON_PART = "data"


def json_part(request):
    """The request's input as a JSON request would carry it.

    A JSON body is returned as it is. ``multipart/form-data`` with a part named ``data`` returns
    that part parsed as JSON (an object), held to the same rules the edge applies to JSON bodies
    (depth, no NUL or lone surrogate); its files stay in ``request.FILES``. Any other form body is
    returned as it is (plain form fields).
    """
    data = request.data
    if not hasattr(data, "getlist") or JSON_PART not in data:
        return data
    text = data.get(JSON_PART) or ""
    if json_depth(text) > settings.API_JSON_MAX_DEPTH:
        raise serializers.ValidationError({JSON_PART: [_("JSON 嵌套过深：不能超过 %(n)d 层。") % {"n": settings.API_JSON_MAX_DEPTH}]})
    try:
        parsed = json.loads(text)
    except ValueError:
        raise serializers.ValidationError({JSON_PART: [_("data 部分不是有效的 JSON。")]}) from None
    if not isinstance(parsed, dict):
        raise serializers.ValidationError({JSON_PART: [_("data 部分必须是一个 JSON 对象。")]})
    field = bad_json_field(parsed)
    if field is not None:
        raise serializers.ValidationError({field: [_("含有不允许的字符（空字符或无效的 Unicode）。")]})
    return parsed


class ChoiceLabelField(fields.CharField):
    """The label of a model choice field's value, as ``get_<field>_display()`` gives it, for lists.

    ``get_<field>_display()`` hashes every (lazily translated) choice on each call, a dozen
    translations per row; this translates the labels once per serializer, in the request's language.
    Declare it with the model field's name as ``source``: ``ChoiceLabelField(source="status")``.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        labels = self.__dict__.get("_labels")
        if labels is None:
            model_field = self.parent.Meta.model._meta.get_field(self.source)
            labels = self.__dict__["_labels"] = {key: str(label) for key, label in model_field.flatchoices}
        return labels.get(value, value)


PREFETCHED = "prefetched_{}"


def prefetch_list(lookup: str, queryset=None) -> Prefetch:
    """A prefetch kept as a plain list on each row, read by ``FastRepresentation`` and ``prefetched``.

    Django's ordinary prefetch builds a related manager and a queryset for every row and relation to
    hold its cache (for a page of 50 activities with four relations, a third of reading the page);
    a list attribute costs nothing per row. The relation keeps its name in the serializer.
    """
    return Prefetch(lookup, queryset=queryset, to_attr=PREFETCHED.format(lookup))


def prefetched(instance, name: str):
    """The related objects of ``instance.<name>``: the ``prefetch_list`` list, the ordinary prefetch
    cache, or (neither prefetched) a query."""
    related = instance.__dict__.get(PREFETCHED.format(name))
    if related is None:
        cache = getattr(instance, "_prefetched_objects_cache", None)
        related = cache.get(name) if cache else None
    if related is None:
        related = getattr(instance, name).all()
    return related


_PLAIN_TYPES = {fields.CharField: str, fields.IntegerField: int, fields.BooleanField: bool}


# A ModelSerializer mixin: the same output as DRF's ``to_representation``, in a fraction of the time.
#
# DRF reads each field of each row through several layers (``get_attribute``, source walking,
# callable checks, ``PKOnlyObject``); for a page of 50 rows that is most of the serialising time.
# This reads the common fields directly, from a plan made once per serializer instance (a list
# serializer's child serves every row):
#
# - a field read from an attribute (``source="region.name"`` too) by ``attrgetter``; a str, int
#   or bool already of the field's type is taken as is, anything else through the field's own
#   ``to_representation``;
# - a primary-key related field by its ``*_id`` column, a slug related field by its object's
#   slug;
# - a relation (many primary-key related field, nested list serializer) from its prefetch
#   (``prefetch_list`` or the ordinary cache; see ``prefetched``): asking the instance for its
#   related manager builds one per row and field, which costs more than the values.
#
# Any other field (method fields, nested serializers) and any case the direct read does not cover
# (a missing link in the source, a callable) goes through DRF's own path, so the output is DRF's.
# (No docstring: the API schema would show it as every list row's description.)
class FastRepresentation:
    def to_representation(self, instance):
        plan = self.__dict__.get("_fast_plan")
        if plan is None:
            plan = self.__dict__["_fast_plan"] = self._make_fast_plan()
        ret = {}
        for name, kind, read, field, plain in plan:
            if kind == "attr":
                try:
                    value = read(instance)
                except Exception:  # noqa: BLE001 - DRF's own path decides (default, skip or raise)
                    kind = "drf"
                else:
                    if value is None:
                        ret[name] = None
                    elif type(value) is plain:
                        ret[name] = value
                    elif callable(value):
                        kind = "drf"
                    else:
                        ret[name] = field.to_representation(value)
            elif kind == "pk":
                ret[name] = read(instance)
            elif kind == "many":
                child = field.child
                ret[name] = [child.to_representation(obj) for obj in prefetched(instance, read)]
            elif kind == "slug":
                try:
                    ret[name] = read(instance)
                except Exception:  # noqa: BLE001 - no related object: DRF's path
                    kind = "drf"
            elif kind == "pks":
                ret[name] = [obj.pk for obj in prefetched(instance, read)]
            if kind == "drf":
                try:
                    attribute = field.get_attribute(instance)
                except fields.SkipField:
                    continue
                check_for_none = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
                ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret

    def _make_fast_plan(self) -> list[tuple]:
        model = getattr(getattr(self, "Meta", None), "model", None)
        plan = []
        for field in self._readable_fields:
            name, source = field.field_name, field.source_attrs
            kind, read, plain = "drf", None, None
            if isinstance(field, relations.ManyRelatedField):
                child = field.child_relation
                if type(child).to_representation is relations.PrimaryKeyRelatedField.to_representation and child.pk_field is None \
                        and len(source) == 1 and _is_relation(model, source[0], many=True):
                    kind, read = "pks", source[0]
            elif isinstance(field, relations.PrimaryKeyRelatedField):
                if type(field).to_representation is relations.PrimaryKeyRelatedField.to_representation and field.pk_field is None \
                        and len(source) == 1 and _is_relation(model, source[0], many=False):
                    kind, read = "pk", attrgetter(model._meta.get_field(source[0]).attname)
            elif isinstance(field, serializers.ListSerializer):
                if type(field).to_representation is serializers.ListSerializer.to_representation \
                        and len(source) == 1 and _is_relation(model, source[0], many=True):
                    kind, read = "many", source[0]
            elif isinstance(field, relations.SlugRelatedField):
                if type(field).to_representation is relations.SlugRelatedField.to_representation \
                        and len(source) == 1 and _is_relation(model, source[0], many=False):
                    kind, read = "slug", attrgetter(f"{source[0]}.{field.slug_field}")
            elif not isinstance(field, (relations.RelatedField, fields.SerializerMethodField, fields.HiddenField)) \
                    and not hasattr(field, "child") and not hasattr(field, "fields") and source:
                kind, read = "attr", attrgetter(".".join(source))
                plain = next((t for cls, t in _PLAIN_TYPES.items() if type(field) is cls), None)
            plan.append((name, kind, read, field, plain))
        return plan


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id looked up only among what the caller may use: ``selector(user)``, a scoped
    selector built on ``regions.scope.in_scope``. Any other id reads as nonexistent and the 400 names
    the field (``{"station": ["联络站不在您的管辖范围内：7。"]}``); the browsable API offers only these.

    The one field every serializer uses for a reference a client sends (resolved when bound, so it also
    works inside nested serializers, whose context is not known at construction). The services check
    the same rule again (``regions.scope``), so a page or an import cannot bypass it.
    """

    def __init__(self, *, selector, model, message, **kwargs):
        self.selector = selector
        self.model = model
        kwargs.setdefault("error_messages", {})["does_not_exist"] = message
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        user = getattr(self.context.get("request"), "user", None)
        return self.selector(user) if user is not None else self.model.objects.none()


def _is_relation(model, name: str, *, many: bool) -> bool:
    """Whether ``name`` is a forward relation of ``model``: a foreign key, or a many-to-many when ``many``."""
    if model is None:
        return False
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a model field: DRF's path
        return False
    if many:  # a prefetch is cached under the field's name (forward) or its accessor (reverse)
        if field.one_to_many:
            return field.get_accessor_name() == name
        return bool(field.many_to_many and field.concrete)
    return bool(field.many_to_one and field.concrete)


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionRefused):
        return Response({"detail": exc.message, "code": "permission_denied"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
            body = {("non_field_errors" if k == "__all__" else k): v for k, v in body.items()}
        else:
            body = {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", "error")
    return response
