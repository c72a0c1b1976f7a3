"""Every route the project answers, read from the URL resolver (nobody keeps a list by hand).

``all_routes()`` walks ``get_resolver().url_patterns`` recursively and gives, for each endpoint, its
full pattern, its namespaced name, its parameters (with the converter or the regex that matches
them) and a concrete URL with dummy values filled in, checked to resolve back to the same view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

# Dummy values for path parameters, by parameter name first, then by converter.
MISSING_PK = "999999"
DUMMY_BY_NAME = {
    "code": "429999",  # a region division code that exists nowhere
    "app_label": None,  # taken from the regex alternation (admin app lists)
    "model": "deputies.deputy",  # the history page's model key
    "format": "json",  # DRF format suffixes (.json)
    "object_id": MISSING_PK,  # the admin's object pages (simple_history's admin fails on a non-number)
    "date": "2099-01-01",  # the calendar API's day (a date with no exception recorded)
}
DUMMY_BY_CONVERTER = {
    IntConverter: MISSING_PK,
    StringConverter: "x",
    SlugConverter: "x",
    PathConverter: "x",
    UUIDConverter: "00000000-0000-0000-0000-000000000000",
}


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern as written, e.g. "api/v1/^regions/(?P<code>[^/.]+)/$"
    name: str | None  # "namespace:name", or None for an unnamed pattern
    params: dict = field(default_factory=dict)  # kwarg → converter class name or regex
    url: str = ""  # a concrete URL with dummy values
    callback: object = None

    @property
    def namespace(self) -> str:
        return self.name.rsplit(":", 1)[0] if self.name and ":" in self.name else ""

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/v1/")

    @property
    def key(self) -> str:
        """How the tests name a route: its name, or its pattern when it has none."""
        return self.name or f"<unnamed {self.pattern}>"

    def __str__(self) -> str:
        return f"{self.key} ({self.url})"


def _split_group(regex: str, start: int) -> int:
    """Index just past the group opening at ``start`` (handles nested parentheses and escapes)."""
    depth, i = 0, start
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced group in {regex!r}")


def _dummy_for_regex(name: str, body: str) -> str:
    if DUMMY_BY_NAME.get(name):
        return DUMMY_BY_NAME[name]
    # A plain alternation of words (admin's app list: "auth|accounts|…"): take the first.
    if re.fullmatch(r"[\w|]+", body):
        return body.split("|")[0]
    if re.fullmatch(r"\\d\+|\[0-9\]\+", body):
        return MISSING_PK
    return "x"


def _regex_to_path(regex: str, params: dict) -> str:
    regex = regex.removeprefix("^").removesuffix("\\Z").removesuffix("$")
    out, i = [], 0
    while i < len(regex):
        if regex[i] == "(":
            end = _split_group(regex, i)
            optional = end < len(regex) and regex[end] in "?*"
            if regex.startswith("(?P<", i):
                name = regex[i + 4 : regex.index(">", i)]
                body = regex[regex.index(">", i) + 1 : end - 1]
                if not optional:
                    params[name] = body
                    out.append(_dummy_for_regex(name, body))
            elif regex.startswith("(?:", i):
                if not optional:
                    out.append(_regex_to_path(regex[i + 3 : end - 1], params))
            else:
                # An unnamed group (simple_history's admin: "([^/]+)/history/([^/]+)/"): a number fits.
                if not optional:
                    params[f"group{len(params)}"] = regex[i + 1 : end - 1]
                    out.append(MISSING_PK)
            i = end + (1 if optional else 0)
        elif regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i + 1])
            i += 2
        elif regex[i] in "?":
            i += 1
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def _route_to_path(pattern: RoutePattern, params: dict) -> str:
    converters = pattern.converters

    def fill(match):
        name = match.group("name")
        converter = converters[name]
        params[name] = type(converter).__name__
        return DUMMY_BY_NAME.get(name) or DUMMY_BY_CONVERTER.get(type(converter), "x")

    return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", fill, str(pattern._route))


def _piece(pattern, params: dict) -> tuple[str, str]:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route), _route_to_path(pattern, params)
    if isinstance(pattern, RegexPattern):
        return pattern._regex, _regex_to_path(pattern._regex, params)
    raise TypeError(f"unknown pattern type {type(pattern)!r}")


def _join(prefix: str, raw: str) -> str:
    # The same joining Django uses for ResolverMatch.route, so the two can be compared.
    return prefix + raw.removeprefix("^") if prefix else raw


def _walk(patterns, prefix_pattern="", prefix_path="", namespace="", params=None):
    params = params or {}
    for entry in patterns:
        local = dict(params)
        raw, concrete = _piece(entry.pattern, local)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, _join(prefix_pattern, raw), prefix_path + concrete, ns, local)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Route(
                pattern=_join(prefix_pattern, raw),
                name=name,
                params=local,
                url="/" + prefix_path + concrete,
                callback=entry.callback,
            )


def all_routes() -> list[Route]:
    """Every endpoint the resolver knows, each with a dummy URL that resolves back to it."""
    routes = list(_walk(get_resolver().url_patterns))
    for route in routes:
        try:
            match = resolve(route.url)
        except Resolver404:
            raise AssertionError(
                f"the dummy URL {route.url!r} for route {route.key} does not resolve; add a dummy value for "
                f"its parameters {route.params} to DUMMY_BY_NAME in tests/security/urlwalk.py"
            ) from None
        if match.route != route.pattern:
            raise AssertionError(
                f"the dummy URL {route.url!r} for {route.key} reaches {match.route!r} instead; "
                "give its parameters a better dummy in tests/security/urlwalk.py"
            )
    return routes
