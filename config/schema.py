"""The API schema tells the truth, so a client generated from it can rely on it.

``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`` points here: drf-spectacular's ``AutoSchema`` with three
additions, made once for every operation rather than by a decorator on each view.

- **Errors.** Every operation lists the error answers it can give, each with the JSON the edge
  (``config.hygiene``, ``config.errors``) and the exception handler (``config.api``) write:
  400 ``{"<field>": ["message"], …}`` (``ValidationError``), every other one ``{"detail": "…", "code": "…"}``
  (``Error``). Which ones depend on the view: 401/403 where a user must sign in, 404 where a path names an
  object or a list has pages, 409/413/415 where a body is written, 422 where an ``Idempotency-Key`` is
  honoured, 429 where requests are throttled.
- **Rules a schema cannot state.** Some well-formed values are still refused: an id naming nothing the
  caller may use (outside their region, or gone), a date after today, an end before its start. The 400
  answer names those fields with the reason in ``x-refused-beyond-schema``; the references are found
  from the serializer and the FilterSet, the other rules are declared where they are made
  (``refused_beyond_schema`` on a serializer or a view).
- **What the API reads, stated.** Times of day are ``HH:MM[:SS[.ffffff]]`` as the API writes and reads
  them (``TIME_INPUT_FORMATS``; JSON Schema's ``time`` format demands a UTC offset, which a local time of
  day has not); a required text field needs something besides whitespace (the API trims it); a nested
  list states its ``max_length``; a field class may add keywords where the API reads it
  (``request_schema``, e.g. ``deputies.api.PhoneField``).
"""

from __future__ import annotations

from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, append_meta, force_instance, get_manager, get_view_model, is_serializer
from rest_framework import relations, serializers
from rest_framework.permissions import AllowAny
from rest_framework.validators import UniqueTogetherValidator, UniqueValidator

# What the API's TimeField reads and writes (settings.REST_FRAMEWORK["TIME_INPUT_FORMATS"]).
TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5]?[0-9](:[0-5]?[0-9](\.[0-9]{1,6})?)?$"
# Something besides whitespace: a required text field trims its value first (Python's whitespace also
# counts the separators U+001C–U+001F, which JSON Schema's \s does not).
NOT_BLANK = r"[^\s\x1c-\x1f]"

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EXTENSION = "x-refused-beyond-schema"
REFERENCE = "names nothing you may use (outside your region, or gone)"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Any refusal other than bad input: what went wrong in words (Chinese, or the request's language) and a stable code.",
    "properties": {
        "detail": {"type": "string", "example": "未找到。"},
        "code": {"type": "string", "example": "not_found"},
    },
    "required": ["detail", "code"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Bad input: each offending field (a parameter, a body field, `non_field_errors` for the whole) with its messages; "
        "a nested field holds an object (or a list of them) of the same shape. A request that cannot be read at all "
        "(malformed JSON, forbidden characters, too many fields) also has `detail` or `code`."
    ),
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
    "minProperties": 1,
    "example": {"page_size": ["page_size 不能大于 500。"]},
}

DESCRIPTIONS = {
    "400": "Bad input, each field named with its messages.",
    "401": "Not signed in, or the token is unknown or expired.",
    "403": "Signed in, but this role may not do this.",
    "404": "Nothing here for you: the object does not exist or lies outside your region, or the page is past the last.",
    "409": "The object moved on under you: a stale version or a move its state does not allow.",
    "413": "The body is larger than the server takes.",
    "415": "The body's Content-Type is not one this operation reads.",
    "422": "This Idempotency-Key was already used for a different submission.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def refused_beyond_schema(**reasons: str):
    """Declare on a serializer or view the fields whose well-formed value a service may still refuse, and why.

    ``@refused_beyond_schema(date="after today", end_date="before start_date")``; the schema's 400 answer lists them.
    """

    def declare(cls):
        cls.refused_beyond_schema = {**getattr(cls, "refused_beyond_schema", {}), **reasons}
        return cls

    return declare


def _is_reference(field) -> bool:
    if isinstance(field, relations.ManyRelatedField):
        field = field.child_relation
    return isinstance(field, relations.RelatedField) and not field.read_only


def _serializer_refusals(serializer) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if _is_reference(field):
            reasons[name] = REFERENCE
        nested = getattr(field, "child", field)
        if isinstance(nested, serializers.BaseSerializer):
            inner = _serializer_refusals(nested)
            if inner:
                reasons[name] = "; ".join(f"{key}: {why}" for key, why in inner.items())
        if any(isinstance(v, UniqueValidator) for v in field.validators):
            reasons[name] = "already taken"
    if any(isinstance(v, UniqueTogetherValidator) for v in serializer.validators):
        reasons["non_field_errors"] = "the combination is already taken"
    reasons.update(getattr(serializer, "refused_beyond_schema", {}))
    return reasons


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._error_response(code)
        refusals = self._refusals()
        if refusals:
            responses["400"][EXTENSION] = refusals
            listed = "; ".join(f"`{name}`: {why}" for name, why in refusals.items())
            responses["400"]["description"] = f"{DESCRIPTIONS['400']} Also refused though well-formed — {listed}."
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.TimeField):
            meta = self._get_serializer_field_meta(field, direction)
            return append_meta({"type": "string", "pattern": TIME_PATTERN, "example": "09:30:00"}, meta)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or not isinstance(schema, dict):
            return schema
        # A field class may state what it reads beyond its type (see deputies.api.PhoneField).
        schema.update(getattr(field, "request_schema", {}))
        if isinstance(field, serializers.ListSerializer):
            # DRF checks a nested list's length itself, not through a validator drf-spectacular reads.
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
            if field.min_length is not None:
                schema["minItems"] = field.min_length
        elif isinstance(field, serializers.CharField) and field.trim_whitespace and not field.allow_blank \
                and schema.get("type") == "string" and not {"pattern", "format", "enum"} & schema.keys():
            schema["pattern"] = NOT_BLANK
        return schema

    # --- which errors, and why -----------------------------------------------------------------

    def _error_codes(self, operation) -> list[str]:
        view = self.view
        signed_in = bool(getattr(view, "authentication_classes", ()))
        open_to_all = all(issubclass(p, AllowAny) for p in getattr(view, "permission_classes", ()))
        codes = ["400"]
        if signed_in:
            codes.append("401")
        if signed_in or not open_to_all:
            codes.append("403")
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters) or (self._is_list_view() and self._get_paginator()):
            codes.append("404")
        if self.method in UNSAFE and signed_in:
            codes.append("409")
        if "requestBody" in operation:
            codes += ["413", "415"]
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
            codes.append("422")
        if getattr(view, "throttle_classes", ()):
            codes.append("429")
        return codes

    def _error_response(self, code: str) -> dict:
        name, schema = ("ValidationError", VALIDATION_ERROR_SCHEMA) if code == "400" else ("Error", ERROR_SCHEMA)
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        response = {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": component.ref}}}
        if code == "429":
            response["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
        return response

    def _refusals(self) -> dict[str, str]:
        """Fields whose well-formed value may still be refused: references in the body or the filters, declared rules."""
        reasons: dict[str, str] = {}
        if self.method in UNSAFE:
            serializer = self.get_request_serializer()
            if is_serializer(serializer):
                reasons.update(_serializer_refusals(force_instance(serializer)))
        elif self.method == "GET":
            for name, spec in self._filters().items():
                if isinstance(spec, (ModelChoiceFilter, ModelMultipleChoiceFilter)):
                    reasons[name] = REFERENCE
        reasons.update(getattr(self.view, "refused_beyond_schema", {}))
        return reasons

    def _filters(self) -> dict:
        """The list's django-filter filters, declared (``filterset_class``) or made from ``filterset_fields``."""
        model = get_view_model(self.view, emit_warnings=False)
        for backend in self.get_filter_backends():
            if model is not None and hasattr(backend, "get_filterset_class"):
                filterset = backend().get_filterset_class(self.view, get_manager(model).none())
                if filterset is not None:
                    return filterset.base_filters
        return {}
