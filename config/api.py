"""API plumbing shared by every app: pagination and one error format.

Every error is JSON that names the problem: ``{"field": ["message"]}`` for bad input,
``{"detail": "...", "code": "..."}`` otherwise.
"""

from __future__ import annotations

import hashlib
from operator import attrgetter

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from rest_framework import fields, relations, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config import freshness
from config.exceptions import Conflict, PermissionRefused


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


class CountKeepingPaginator(DjangoPaginator):
    """Counts a list exactly, and keeps a large count.

    Counting a province's million activities costs more than reading the page of 50 itself, and a
    client paging through a list asks the same count again and again. A count of at least
    ``API_COUNT_CACHE_MIN`` rows is kept under the SQL selecting the rows' ids (which carries the
    user's scope and filters); smaller lists are always counted afresh. With a shared cache the
    count is kept until a table it was counted from is written (``config.freshness``), at most
    ``API_COUNT_CACHE_SECONDS``; without one, for ``API_COUNT_CACHE_SECONDS``.
    """

    @cached_property
    def count(self) -> int:
        seconds = settings.API_COUNT_CACHE_SECONDS
        key = None
        if seconds:
            try:
                # The rows' ids only: the scope, filters and joins that decide the count, without the
                # selected columns and annotations (a suggestion's eight deadline subqueries) and the
                # order, which cost more to turn into SQL than the cached count saves.
                sql, params = self.object_list.order_by().values("pk").query.sql_with_params()
                key = "api:count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
            except (AttributeError, TypeError, EmptyResultSet):
                key = None
        if key and freshness.enabled():
            # With a shared cache a kept count is exact: it is kept until a table it counts changes.
            # A key of its own: a process with the fresh cache off (or the previous release) keeps a
            # plain int under "api:count:", which this entry's (tables, versions, value) is not.
            key = "fresh:count:" + key.removeprefix("api:count:")
            if (kept := freshness.fetch(key)) is not None:
                return kept
            with freshness.reading() as read:
                value = super().count
            if value >= settings.API_COUNT_CACHE_MIN:
                freshness.store(key, value, read, seconds)
            return value
        if key and (kept := cache.get(key)) is not None:
            return kept
        value = super().count
        if key and value >= settings.API_COUNT_CACHE_MIN:
            cache.set(key, value, seconds)
        return value


class CachedList:
    """A list endpoint whose JSON pages are kept until a table they were read from changes.

    Mixed into a DRF list view (before the viewset class). The page is kept per user, language,
    day, media type and full URL (host, path and query: the ``next``/``previous`` links are
    absolute), with the tables read while the request was answered, the token check's included
    (``config.freshness``). A page served again is the same bytes the view rendered, while
    authentication, permissions and throttling still run for every request. Anything but a
    ``200`` JSON page of a ``GET`` is computed every time.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET" or not freshness.enabled():
            self.freshness_read = None
            return super().dispatch(request, *args, **kwargs)
        with freshness.reading() as read:
            self.freshness_read = read
            return super().dispatch(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        read = getattr(self, "freshness_read", None)  # set by dispatch(); absent when list() is called directly
        if read is None or request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        key = self.list_cache_key(request)
        kept = freshness.fetch(key)
        if kept is not None:
            content, content_type = kept
            return HttpResponse(content, content_type=content_type)
        response = super().list(request, *args, **kwargs)

        def keep(rendered):
            if rendered.status_code == 200:
                freshness.store(key, (rendered.content, rendered["Content-Type"]), read)

        response.add_post_render_callback(keep)
        return response

    def list_cache_key(self, request) -> str:
        view = type(self)
        what = "|".join([
            f"{view.__module__}.{view.__qualname__}",
            str(request.user.pk),
            get_language() or "",
            timezone.localdate().isoformat(),
            request.accepted_media_type or "",
            request.build_absolute_uri(),
        ])
        return "fresh:list:" + hashlib.sha256(what.encode()).hexdigest()


class Pagination(PageNumberPagination):
    django_paginator_class = CountKeepingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


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
