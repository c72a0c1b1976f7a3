"""Machinery for the hostile-form tests: find a page's form fields, make hostile values for them,
and check that the answer is the form again with Chinese errors (nothing saved) or a real success.

Registering a form is one line in tests/security/test_forms_hostile.py::FORMS, e.g.::

    HostileForm("activities:visit", as_role=TOWNSHIP_STAFF),
    HostileForm("deputies:edit", as_role=CONGRESS_OFFICE, url=lambda w: reverse("deputies:edit", args=[w.deputy_a.pk])),

The fields are read from the rendered page (every input, select and textarea of the page's own
POST form), so a field added later is fuzzed without touching the test.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.urls import reverse
from hypothesis import strategies as st

# --- the registry entry ---------------------------------------------------------------------------


@dataclass
class HostileForm:
    name: str  # the URL name of the page that shows and accepts the form
    as_role: str | None = None  # who posts it (None: an anonymous visitor)
    url: Callable | None = None  # url(world) → str, for a form that needs an object; default reverse(name)
    success: tuple[int, ...] = (302,)  # what a legitimate success answers
    # What a refused form answers: the page again with its errors, 400. Django's own sign-in and password
    # pages answer their form's refusal 200, and the edge (config/hygiene.py) refuses a NUL byte or a list
    # where one value belongs with 400 before any view.
    refused: tuple[int, ...] = (400,)
    also_acceptable: tuple[int, ...] = ()  # other deliberate answers (the login lock-out page)
    skip_fields: frozenset = frozenset()  # fields a browser never sends (none so far)
    max_examples: int = 30

    def url_for(self, world) -> str:
        return self.url(world) if self.url else reverse(self.name)

    @property
    def id(self) -> str:
        return f"{self.name}-as-{self.as_role or 'anonymous'}"


# --- reading the form from the page -----------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    options: list[str] = field(default_factory=list)
    disabled: bool = False  # a browser does not send it, and the form ignores what is posted


class _FormParser(HTMLParser):
    """Collects the fields of every POST form on a page, with each form's action."""

    def __init__(self, method: str = "post"):
        super().__init__(convert_charrefs=True)
        self.method = method
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._current: dict[str, FormField] | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == self.method:
                self._current = {}
                self.forms.append((a.get("action") or "", self._current))
            return
        if self._current is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            existing = self._current.get(name)
            if existing and kind in {"radio", "checkbox"}:
                existing.options.append(a.get("value", "on"))
            else:
                self._current[name] = FormField(name, kind, [a.get("value", "on")] if kind in {"radio", "checkbox"} else [])
        elif tag == "select":
            self._select = FormField(name, "select-multiple" if "multiple" in a else "select", disabled="disabled" in a)
            self._current[name] = self._select
        elif tag == "textarea":
            self._current[name] = FormField(name, "textarea")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, url: str, method: str = "post") -> dict[str, FormField]:
    """The fields of the page's own form: the POST (or GET) form sending to the page itself.

    The layout's own forms (sign out, language) post elsewhere and are left out.
    """
    parser = _FormParser(method)
    parser.feed(html)
    own = [fields for action, fields in parser.forms if action in ("", url.split("?")[0], ".")]
    assert own, f"no {method.upper()} form sending to {url} found on the page"
    merged: dict[str, FormField] = {}
    for fields in own:
        merged.update(fields)
    merged.pop("csrfmiddlewaretoken", None)
    return merged


# --- hostile values -----------------------------------------------------------------------------------

MISSING = object()

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7|add:7 }}{% debug %}",
    "%s%n%x",
    "../../etc/passwd",
    "😀" * 50,
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
HOSTILE_NUMBERS = ["-1", "0", "999999999", "99999999999999999999999999", "1e309", "NaN", "inf", "-0", "1.5", "0x10", "١٢٣"]
HOSTILE_DATES = [
    "2099-12-31",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "31/12/2026",
    "昨天",
    "2026-05-01T25:61",
    "1900-01-01",
    "24:00",
    "-1",
]

control_characters = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Co"], exclude_characters="\r\n"), min_size=1, max_size=20
)
# Far beyond any field's max_length, yet small enough that a whole form stays below
# DATA_UPLOAD_MAX_MEMORY_SIZE (a bigger body is refused with 400 before any form sees it).
huge = st.builds(lambda piece, n: piece * n, st.sampled_from(["a", "测", "\x00", "😀", "<b>"]), st.integers(1_000, 20_000))


def value_strategy(form_field: FormField, foreign_ids: list[str]) -> st.SearchStrategy:
    """Hostile values for one field, mixed with some that are valid so other fields' checks run too."""
    anything = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(HOSTILE_NUMBERS),
        st.sampled_from(HOSTILE_DATES),
        st.text(max_size=300),
        control_characters,
        huge,
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
        st.integers().map(str),
        st.sampled_from(foreign_ids or ["999999"]),
    )
    options = [o for o in form_field.options if o is not None]
    single = st.one_of(anything, st.sampled_from(options)) if options else anything
    # A field sent twice, or not at all, is a "wrong type" a browser never sends but a script can.
    return st.one_of(single, st.lists(single, min_size=2, max_size=3), st.just(MISSING))


def data_strategy(fields: dict[str, FormField], foreign_ids: list[str]) -> st.SearchStrategy:
    return st.fixed_dictionaries({name: value_strategy(f, foreign_ids) for name, f in fields.items()}).map(
        lambda data: {k: v for k, v in data.items() if v is not MISSING}
    )


# --- judging the answer ---------------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


ERROR_CLASSES = {"error", "errors", "errorlist"}
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "track"}


class _ErrorText(HTMLParser):
    """The whole text of each element with an error class ("error", "errors", "errorlist", "message error")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack: list[bool] = []
        self.buffer: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        is_error = bool(ERROR_CLASSES & set((dict(attrs).get("class") or "").split()))
        self.stack.append(is_error)
        if is_error:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        if self.stack.pop():
            self.depth -= 1
            if self.depth == 0:
                text = " ".join(self.buffer).strip()
                if text:
                    self.texts.append(text)
                self.buffer = []

    def handle_data(self, data):
        if self.depth > 0 and data.strip():
            self.buffer.append(data.strip())


def error_messages(html: str) -> list[str]:
    parser = _ErrorText()
    parser.feed(html)
    return parser.texts


# Rows a failed post may legitimately leave behind: sign-in attempts counted by the lock-out.
IGNORED_APPS = {"axes", "sessions", "admin", "contenttypes", "auth"}


def _owned_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in IGNORED_APPS and not model._meta.proxy and model._meta.managed
    ]


def database_state() -> dict:
    """Every row of every model the product owns, to prove a refused form saved nothing.

    On PostgreSQL the server reads every row of every table in one statement and answers each
    table's row count and a digest of its rows (each row as text, in order); elsewhere the rows
    themselves are read, table by table. Either way two states are equal only when every row is.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return _database_state_in_one_statement(connection)
    state = {}
    for model in _owned_models():
        state[model._meta.label] = sorted(map(repr, model._base_manager.values_list()))
    return state


def _database_state_in_one_statement(connection) -> dict:
    models = _owned_models()
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {qn(m._meta.db_table)} t"  # noqa: S608 - table names from the models, quoted
        for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [m._meta.label for m in models])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}
