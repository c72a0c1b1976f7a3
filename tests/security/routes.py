"""Who may reach which route: the registry the authorization matrix (test_matrix.py) checks.

Every route the resolver knows must be either PUBLIC (with the reason), covered by a NAMESPACE_RULES
entry, or DESCRIBED here. A new page that is none of these fails the matrix with a message pointing
here. To describe a route, add one line to DESCRIBED, e.g.::

    "deputies:detail": Described(
        build=lambda w: target(w.deputy_a, "deputies:detail", pk=w.deputy_a.pk),
        get=OFFICES | {TOWNSHIP_STAFF},
    ),
    "deputies:edit": Described(
        build=lambda w: target(w.deputy_a, "deputies:edit", pk=w.deputy_a.pk),
        get=OFFICES, post=OFFICES,
        post_data=lambda w, t: {"name": "李四", "region": w.tree.zhushan.pk},
    ),
    "deputy-list": Described(build=lambda w: listing("deputy-list", marker=w.deputy_a.name), get=ALL_ROLES),

``build(world)`` makes the object inside region A (宣恩县) and returns a ``Target``: its URL and,
for an object route, the object (outsiders must get 404 and leave it unchanged) or, for a list, a
marker text (insiders see it, outsiders must not; pick a text that appears nowhere else on the page:
the link to the object's own page is a good one, ``reverse("activities:detail", args=[w.activity_a.pk])``,
a word that is also a column label is not). ``World`` (below) has one user per role inside
宣恩县 and the same roles in 洪湖市 (the outsiders), plus ready-made objects in 宣恩县 to hang a URL on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Model
from django.urls import reverse

from accounts.models import Role

# --- roles --------------------------------------------------------------------------------------

TOWNSHIP_STAFF = Role.TOWNSHIP_STAFF.value
DEPUTY = Role.DEPUTY.value
HANDLER = Role.DEPARTMENT_HANDLER.value
CONGRESS_OFFICE = Role.CONGRESS_OFFICE.value
PROVINCIAL_OFFICE = Role.PROVINCIAL_OFFICE.value
SUPERUSER = "superuser"

ALL_ROLES = frozenset({TOWNSHIP_STAFF, DEPUTY, HANDLER, CONGRESS_OFFICE, PROVINCIAL_OFFICE, SUPERUSER})
OFFICES = frozenset({CONGRESS_OFFICE, PROVINCIAL_OFFICE, SUPERUSER})
# Roles that see a deputy's full phone number (inside their region); everyone else sees it masked.
PHONE_ROLES = OFFICES
# Roles that have a counterpart in another county (the provincial office and superusers see everything).
ROLES_WITH_OUTSIDERS = frozenset({TOWNSHIP_STAFF, DEPUTY, HANDLER, CONGRESS_OFFICE})


# --- what a route is reached with -----------------------------------------------------------------


@dataclass
class Target:
    url: str
    obj: Model | None = None  # an object route: outsiders get 404 and the object stays as it was
    marker: str | None = None  # a list route: text an insider sees and an outsider must not


def target(obj: Model, name: str, *args, **kwargs) -> Target:
    """An object route: ``target(w.deputy_a, "deputies:detail", pk=w.deputy_a.pk)``."""
    return Target(url=reverse(name, args=args, kwargs=kwargs), obj=obj)


def listing(name: str, *args, marker: str | None = None, query: str = "", **kwargs) -> Target:
    """A route without an object of its own (a list, a form to create one, a start page)."""
    return Target(url=reverse(name, args=args, kwargs=kwargs) + query, marker=marker)


@dataclass
class Described:
    build: Callable[[World], Target]
    get: frozenset | set | None = None  # roles that may GET; None = the route has no GET
    post: frozenset | set | None = None  # roles that may POST; None = the route has no POST
    post_data: Callable[[World, Target], dict] | None = None
    get_status: int = 200
    post_status: int = 302  # 302 for a form that redirects after success, 201/200 for the API
    # What a role that may not act gets: 403 (may see, may not act) or 404 (may not even see).
    refused: tuple[int, ...] = (403, 404)
    # For the admin and the like: where a refused page sends the user instead of a 403/404.
    refused_redirect_to: str | None = None
    note: str = ""


# --- the world every description is built in --------------------------------------------------------


@dataclass
class World:
    """Region A = 宣恩县 (the insiders), region B = 洪湖市 (the outsiders), one user per role in each."""

    tree: Any
    insiders: dict = field(default_factory=dict)  # role → user inside 宣恩县 (or the province)
    outsiders: dict = field(default_factory=dict)  # role → the same role in 洪湖市

    @classmethod
    def make(cls, tree) -> World:
        from deputies.models import Deputy
        from suggestions.models import Department, Handler
        from suggestions.taxonomy import department_type_choices
        from tests.factories.accounts import UserFactory

        world = cls(tree=tree)
        dept_type = department_type_choices()[0][0]
        for side, county, township, store in (
            ("a", tree.xuanen, tree.zhushan, world.insiders),
            ("b", tree.honghu, tree.fengkou, world.outsiders),
        ):
            store[TOWNSHIP_STAFF] = UserFactory(username=f"{side}-staff", role=TOWNSHIP_STAFF, region=township)
            store[CONGRESS_OFFICE] = UserFactory(username=f"{side}-office", role=CONGRESS_OFFICE, region=county)
            deputy_user = UserFactory(username=f"{side}-deputy", role=DEPUTY, region=township)
            Deputy.objects.create(name=f"代表{side.upper()}", region=township, user=deputy_user, phone="13900000000")
            store[DEPUTY] = deputy_user
            handler_user = UserFactory(username=f"{side}-handler", role=HANDLER, region=county)
            department = Department.objects.create(region=county, type=dept_type, name=f"{county.name}测试局")
            Handler.objects.create(user=handler_user, department=department)
            store[HANDLER] = handler_user
        world.insiders[PROVINCIAL_OFFICE] = UserFactory(username="province", role=PROVINCIAL_OFFICE, region=tree.province)
        world.insiders[SUPERUSER] = UserFactory(username="root", is_staff=True, is_superuser=True)
        return world

    def full_phones(self) -> list[str]:
        """Full phone numbers of the ready-made deputies: only PHONE_ROLES may see them on any page."""
        return [self.__dict__["deputy_a"].phone] if "deputy_a" in self.__dict__ else []

    # Ready-made objects inside 宣恩县; each is made on first use only.

    @cached_property
    def deputy_a(self):
        from deputies.models import Deputy

        # The phone is personal data: the matrix checks no page shows it in full outside PHONE_ROLES.
        return Deputy.objects.create(name="张三", region=self.tree.zhushan, phone="13812345678")

    @cached_property
    def mandate_a(self):
        from deputies.models import Mandate

        return Mandate.objects.create(deputy=self.deputy_a, level="county", congress_region=self.tree.xuanen, term="第十四届")

    @cached_property
    def station_a(self):
        from liaison_stations.models import LiaisonStation

        return LiaisonStation.objects.create(name="珠山镇代表联络站", region=self.tree.zhushan)

    @cached_property
    def activity_a(self):
        import datetime

        from activities.models import Activity, Attendance, IssueRaised

        # Logged by the township staff of 珠山镇 today, so it is still inside any edit window; 张三
        # attended, so pages and exports of the activity name a deputy (whose phone must stay hidden).
        activity = Activity.objects.create(
            date=datetime.date.today(),
            region=self.tree.zhushan,
            summary="椿木营村走访记录甲",  # unique: a list marker must appear nowhere else
            households_visited=3,
            created_by=self.insiders[TOWNSHIP_STAFF],
        )
        Attendance.objects.create(activity=activity, deputy=self.deputy_a)
        IssueRaised.objects.create(activity=activity, text="村口便民桥年久失修")
        return activity

    @cached_property
    def campaign_a(self):
        import datetime

        from activities.models import Campaign

        year = datetime.date.today().year
        return Campaign.objects.create(
            year=year,
            title="宣恩县自选动作",
            kind="self_chosen",
            region=self.tree.xuanen,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        )

    @property
    def own_deputy_a(self):
        """The Deputy record of the deputy user of 宣恩县 (their own record of duty, suggestions)."""
        return self.insiders[DEPUTY].deputy_profile

    @property
    def department_a(self):
        """The department of the handler user of 宣恩县."""
        return self.insiders[HANDLER].handler.department

    @cached_property
    def suggestion_a(self):
        from suggestions.models import Suggestion

        return Suggestion.objects.create(
            title="关于修建珠山镇东门社区便民桥的建议",
            content="群众反映雨季出行困难。",
            region=self.tree.zhushan,
            lead_deputy=self.own_deputy_a,
            submitted_by=self.insiders[DEPUTY],
        )


# --- the registry ---------------------------------------------------------------------------------

# Routes anyone may reach without signing in, with the reason.
PUBLIC = {
    "login": "the sign-in page",
    "logout": "POST only; signing out someone who is not signed in does nothing",
    "healthz": "load balancers and monitors probe it; it shows no personal data",
    "api-token": "exchanges a username and password for a token (throttled per address)",
    "api-schema": "the OpenAPI description, no data",
    "api-docs": "the API documentation page, no data",
    "set_language": "switching the interface language",
    "admin:login": "the admin's own sign-in page",
}


@dataclass
class NamespaceRule:
    """One rule for every route of a namespace (used for Django's admin)."""

    anonymous_redirect_prefix: str  # where an anonymous visitor is sent
    allowed: frozenset  # roles that get in
    refused_redirect_prefix: str  # where everyone else is sent
    ok_url: str  # one page of the namespace that answers 200 to an allowed role
    except_names: frozenset = frozenset()
    unnamed_pattern_prefix: str = ""  # unnamed patterns under this prefix belong to the namespace too
    # Pages that refuse by sending to the namespace's start page (which then asks to sign in).
    refused_redirect_exact: frozenset = frozenset()


NAMESPACE_RULES = {
    # The admin is for superusers; offices and staff work through the product's own pages.
    "admin": NamespaceRule(
        anonymous_redirect_prefix="/admin/",
        allowed=frozenset({SUPERUSER}),
        refused_redirect_prefix="/admin/login/",
        ok_url="/admin/",
        except_names=frozenset({"admin:login"}),
        unnamed_pattern_prefix="admin/",
        refused_redirect_exact=frozenset({"/admin/"}),  # the admin's logout page
    ),
}


def _password_change_data(world: World, t: Target) -> dict:
    return {"old_password": "correct-horse-battery", "new_password1": "Xy7#kq2!Lm9v", "new_password2": "Xy7#kq2!Lm9v"}


DESCRIBED: dict[str, Described] = {
    # accounts
    "home": Described(build=lambda w: listing("home"), get=ALL_ROLES),
    "password_change": Described(
        build=lambda w: listing("password_change"), get=ALL_ROLES, post=ALL_ROLES, post_data=_password_change_data
    ),
    "password_change_done": Described(build=lambda w: listing("password_change_done"), get=ALL_ROLES),
    "api-me": Described(build=lambda w: listing("api-me"), get=ALL_ROLES),
    "history": Described(
        build=lambda w: target(w.deputy_a, "history", "deputies.deputy", w.deputy_a.pk),
        get=OFFICES,
        note="change history of a deputy, mandate, station or activity: offices only",
    ),
    # regions
    "region-list": Described(
        # Everyone signed in reads the regions of their own scope; 东门社区 lies under 珠山镇.
        build=lambda w: listing("region-list", marker="东门社区", query="?page_size=500"),
        get=ALL_ROLES,
    ),
    "region-detail": Described(
        build=lambda w: target(w.tree.zhushan_village, "region-detail", code=w.tree.zhushan_village.code),
        get=ALL_ROLES,
    ),
}

# suggestions: described in their own module (many action routes), merged in here.
from tests.security.routes_suggestions import SUGGESTION_ROUTES  # noqa: E402

DESCRIBED.update(SUGGESTION_ROUTES)
