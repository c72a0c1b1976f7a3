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
    # Roles that must see a list's marker (default: every role that may GET). A deputy, say, may open
    # the roster yet sees only their own record, not the ready-made one.
    marker_roles: frozenset | set | None = None
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

        return Mandate.objects.create(
            deputy=self.deputy_a,
            level="county",
            congress_region=self.tree.xuanen,
            term="第十四届",
            electoral_unit="珠山镇第三选区",  # unique: the mandate lists' marker
        )

    @cached_property
    def group_a(self):
        from deputies.models import DeputyGroup, Membership

        group = DeputyGroup.objects.create(name="珠山镇代表小组甲", region=self.tree.zhushan, home_station=self.station_a)
        Membership.objects.create(group=group, deputy=self.deputy_a)
        return group

    @property
    def membership_a(self):
        return self.group_a.memberships.get(deputy=self.deputy_a)

    @cached_property
    def assignment_a(self):
        from liaison_stations.models import StationAssignment

        return StationAssignment.objects.create(station=self.station_a, deputy=self.deputy_a)

    @cached_property
    def reception_day_a(self):
        import datetime

        from liaison_stations.models import ReceptionDay

        day = ReceptionDay.objects.create(
            station=self.station_a,
            date=datetime.date.today() + datetime.timedelta(days=7),
            topic="接待选民日甲",  # unique: the schedule's marker
        )
        day.deputies.add(self.deputy_a)
        return day

    @cached_property
    def standard_item_a(self):
        from liaison_stations.models import StandardItem

        # Defined by the county office, so it applies to every station of 宣恩县.
        return StandardItem.objects.create(name="有固定接待场所甲", region=self.tree.xuanen)

    @cached_property
    def station_standard_a(self):
        from liaison_stations.models import StationStandard

        return StationStandard.objects.create(station=self.station_a, item=self.standard_item_a, met=True, note="场所已挂牌甲")

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
    "api-ping": "the benchmark's no-database reference endpoint: answers {\"pong\": true} and nothing else",
    "api-token": "exchanges a username and password for a token (throttled per address)",
    "api-schema": "the OpenAPI description, no data",
    "api-docs": "the API documentation page, no data",
    "set_language": "switching the interface language",
    "admin:login": "the admin's own sign-in page",
    "service_worker": "the offline service worker's script (/sw.js), the same for everyone; no data",
}
# A public route whose dummy URL is rightly a 404 (a signed key, a private token): name → build(world)
# giving the Target the matrix reaches it through instead.
PUBLIC_TARGETS: dict[str, Callable[[World], Target]] = {}


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


def _import_job(world: World):
    """A refused roster import of 宣恩县's office (one per world)."""
    from deputies.models import ImportJob, ImportJobState

    if "import_job" not in world.__dict__:
        world.__dict__["import_job"] = ImportJob.objects.create(
            created_by=world.insiders[CONGRESS_OFFICE], original_name="roster.xlsx", state=ImportJobState.REFUSED,
            errors=[[2, "姓名", "姓名不能为空"]], errors_count=1,
        )
    return world.__dict__["import_job"]


DESCRIBED: dict[str, Described] = {
    # accounts
    "home": Described(build=lambda w: listing("home"), get=ALL_ROLES),
    "password_change": Described(
        build=lambda w: listing("password_change"), get=ALL_ROLES, post=ALL_ROLES, post_data=_password_change_data
    ),
    "password_change_done": Described(build=lambda w: listing("password_change_done"), get=ALL_ROLES),
    "api-me": Described(build=lambda w: listing("api-me"), get=ALL_ROLES),
    "api-logout": Described(
        build=lambda w: listing("api-logout"), post=ALL_ROLES, post_status=204, note="revokes the caller's own API tokens"
    ),
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
    # deputies: a large roster import's progress belongs to whoever uploaded it
    "deputies:import_job": Described(
        build=lambda w: target(_import_job(w), "deputies:import_job", pk=_import_job(w).pk),
        get={CONGRESS_OFFICE},
        note="only the uploader (here 宣恩县's office) sees a job; every other user gets 404",
    ),
    "deputies:import_job_status": Described(
        build=lambda w: target(_import_job(w), "deputies:import_job_status", pk=_import_job(w).pk), get={CONGRESS_OFFICE}
    ),
    "deputies:import_job_errors": Described(
        build=lambda w: target(_import_job(w), "deputies:import_job_errors", pk=_import_job(w).pk), get={CONGRESS_OFFICE}
    ),
}

# ---- trial: activities and dashboards (prepared for when they land on main) ----
LOGGERS = frozenset({TOWNSHIP_STAFF, CONGRESS_OFFICE, PROVINCIAL_OFFICE, SUPERUSER})
DASHBOARD_ROLES = LOGGERS
# Department handlers answer suggestions; who attended which visit is none of their business.
ACTIVITY_READERS = ALL_ROLES - {HANDLER}
DESCRIBED.update(
    {
        "activities:list": Described(
            build=lambda w: listing("activities:list", marker=reverse("activities:detail", args=[w.activity_a.pk])),
            get=ALL_ROLES,
            marker_roles=ACTIVITY_READERS,
        ),
        "activities:visit": Described(
            build=lambda w: listing("activities:visit"), get=LOGGERS, post=LOGGERS, post_data=lambda w, t: {}, post_status=400
        ),
        "activities:export": Described(build=lambda w: listing("activities:export"), get=ALL_ROLES),
        "activities:deleted": Described(build=lambda w: listing("activities:deleted"), get=OFFICES),
        "activities:deputy_search": Described(
            build=lambda w: listing("activities:deputy_search", query="?q=张", marker=w.deputy_a.name), get=LOGGERS
        ),
        "activities:deputy_roster": Described(
            build=lambda w: listing("activities:deputy_roster", marker=w.deputy_a.name), get=LOGGERS
        ),
        "activities:detail": Described(
            build=lambda w: target(w.activity_a, "activities:detail", pk=w.activity_a.pk), get=ACTIVITY_READERS
        ),
        "activities:edit": Described(
            build=lambda w: target(w.activity_a, "activities:edit", pk=w.activity_a.pk),
            get=LOGGERS,
            refused_redirect_to="/activities/",
        ),
        "activities:delete": Described(
            build=lambda w: target(w.activity_a, "activities:delete", pk=w.activity_a.pk),
            get=OFFICES,
            post=OFFICES,
            post_data=lambda w, t: {"reason": "重复登记"},
            refused_redirect_to="/activities/",
        ),
        "activities:photo": Described(
            build=lambda w: target(w.activity_a, "activities:photo", pk=w.activity_a.pk, photo_pk=999999),
            get=frozenset(),
            refused=(404,),
            note="a real photo is needed for the allowed case",
        ),
        "activities:campaigns": Described(
            build=lambda w: listing("activities:campaigns", marker=w.campaign_a.title), get=ALL_ROLES
        ),
        "activities:campaign_new": Described(build=lambda w: listing("activities:campaign_new"), get=OFFICES),
        "activities:campaign_edit": Described(
            build=lambda w: target(w.campaign_a, "activities:campaign_edit", pk=w.campaign_a.pk), get=OFFICES
        ),
        "activities:campaign_delete": Described(
            build=lambda w: target(w.campaign_a, "activities:campaign_delete", pk=w.campaign_a.pk), post=OFFICES
        ),
        "campaign-list": Described(build=lambda w: listing("campaign-list", marker=w.campaign_a.title), get=ALL_ROLES),
        "campaign-detail": Described(build=lambda w: target(w.campaign_a, "campaign-detail", pk=w.campaign_a.pk), get=ALL_ROLES),
        "activity-list": Described(
            build=lambda w: listing("activity-list", marker=w.activity_a.summary), get=ALL_ROLES, marker_roles=ACTIVITY_READERS
        ),
        "activity-detail": Described(
            build=lambda w: target(w.activity_a, "activity-detail", pk=w.activity_a.pk), get=ACTIVITY_READERS
        ),
        "dashboards:home": Described(build=lambda w: listing("dashboards:home"), get=DASHBOARD_ROLES, get_status=302),
        "dashboards:my_record": Described(build=lambda w: listing("dashboards:my_record"), get=frozenset({DEPUTY})),
        "dashboards:deputy_record": Described(
            build=lambda w: target(w.deputy_a, "dashboards:deputy_record", pk=w.deputy_a.pk), get=DASHBOARD_ROLES
        ),
        "dashboards:region": Described(
            build=lambda w: target(w.tree.zhushan, "dashboards:region", code=w.tree.zhushan.code), get=DASHBOARD_ROLES
        ),
        "dashboards:export": Described(
            build=lambda w: target(w.tree.zhushan, "dashboards:export", code=w.tree.zhushan.code), get=DASHBOARD_ROLES
        ),
        "dashboards:list": Described(
            build=lambda w: target(w.tree.zhushan, "dashboards:list", code=w.tree.zhushan.code, figure="deputies_total"),
            get=DASHBOARD_ROLES,
        ),
        "api-dashboard-own": Described(build=lambda w: listing("api-dashboard-own"), get=DASHBOARD_ROLES),
        "api-dashboard": Described(
            build=lambda w: target(w.tree.zhushan, "api-dashboard", code=w.tree.zhushan.code), get=DASHBOARD_ROLES
        ),
    }
)

# ---- deputies and liaison stations ----
# Who reads the roster (deputies:list and the like): everyone but department handlers; a deputy sees
# only their own record, so of the ready-made objects only offices and the township's staff see them.
ROSTER = OFFICES | {TOWNSHIP_STAFF, DEPUTY}
SEES_DEPUTY_A = OFFICES | {TOWNSHIP_STAFF}
STATION_ROLES = OFFICES | {TOWNSHIP_STAFF, DEPUTY}


def _built(obj, t: Target) -> Target:
    """A list target whose marker needs ``obj`` made first (``obj`` is only there to be built)."""
    return t


DESCRIBED.update(
    {
        # deputies: pages
        "deputies:list": Described(
            build=lambda w: listing("deputies:list", marker=reverse("deputies:detail", args=[w.deputy_a.pk])),
            get=ROSTER,
            marker_roles=SEES_DEPUTY_A,
        ),
        "deputies:export": Described(
            build=lambda w: listing("deputies:export", marker=w.deputy_a.name),
            get=ROSTER,
            marker_roles=SEES_DEPUTY_A,
            note="the roster as .xlsx; phones masked as the viewer sees them",
        ),
        "deputies:import": Described(build=lambda w: listing("deputies:import"), get=OFFICES),
        "deputies:import_template": Described(build=lambda w: listing("deputies:import_template"), get=OFFICES),
        "deputies:import_errors": Described(
            build=lambda w: listing("deputies:import_errors"),
            get=OFFICES,
            get_status=404,
            note="404 until an import of this session was refused; the refused import's rows as CSV",
        ),
        "deputies:create": Described(build=lambda w: listing("deputies:create"), get=OFFICES),
        "deputies:detail": Described(build=lambda w: target(w.deputy_a, "deputies:detail", pk=w.deputy_a.pk), get=SEES_DEPUTY_A),
        "deputies:edit": Described(
            build=lambda w: target(w.deputy_a, "deputies:edit", pk=w.deputy_a.pk),
            get=OFFICES,
            post=OFFICES,
            post_data=lambda w, t: {"name": "张三", "region": w.tree.zhushan.pk, "phone": "13812345678", "active": "on"},
        ),
        "deputies:mandate_create": Described(
            build=lambda w: target(w.deputy_a, "deputies:mandate_create", pk=w.deputy_a.pk), get=OFFICES
        ),
        "deputies:mandate_edit": Described(
            build=lambda w: target(w.mandate_a, "deputies:mandate_edit", pk=w.mandate_a.pk), get=OFFICES
        ),
        "deputies:mandate_delete": Described(
            build=lambda w: target(w.mandate_a, "deputies:mandate_delete", pk=w.mandate_a.pk), post=OFFICES
        ),
        "deputies:groups": Described(
            build=lambda w: listing("deputies:groups", marker=reverse("deputies:group_detail", args=[w.group_a.pk])),
            get=ALL_ROLES,
            marker_roles=SEES_DEPUTY_A,
            note="a handler gets an empty list, a deputy the groups they belong to",
        ),
        "deputies:group_create": Described(build=lambda w: listing("deputies:group_create"), get=OFFICES),
        "deputies:group_detail": Described(
            build=lambda w: target(w.group_a, "deputies:group_detail", pk=w.group_a.pk), get=SEES_DEPUTY_A
        ),
        "deputies:group_edit": Described(build=lambda w: target(w.group_a, "deputies:group_edit", pk=w.group_a.pk), get=OFFICES),
        "deputies:membership_create": Described(
            build=lambda w: target(w.group_a, "deputies:membership_create", pk=w.group_a.pk), get=OFFICES
        ),
        "deputies:membership_edit": Described(
            build=lambda w: target(w.membership_a, "deputies:membership_edit", pk=w.membership_a.pk), get=OFFICES
        ),
        "deputies:membership_delete": Described(
            build=lambda w: target(w.membership_a, "deputies:membership_delete", pk=w.membership_a.pk), post=OFFICES
        ),
        # deputies: API (writes are for offices; a handler reads empty lists)
        "deputy-list": Described(
            build=lambda w: listing("deputy-list", marker=w.deputy_a.name),
            get=ALL_ROLES,
            marker_roles=SEES_DEPUTY_A,
            post=OFFICES,
            post_data=lambda w, t: {"name": "李四", "region": w.tree.zhushan.code},
            post_status=201,
        ),
        "deputy-detail": Described(build=lambda w: target(w.deputy_a, "deputy-detail", pk=w.deputy_a.pk), get=SEES_DEPUTY_A),
        "mandate-list": Described(
            build=lambda w: listing("mandate-list", marker=w.mandate_a.electoral_unit), get=ALL_ROLES, marker_roles=SEES_DEPUTY_A
        ),
        "mandate-detail": Described(build=lambda w: target(w.mandate_a, "mandate-detail", pk=w.mandate_a.pk), get=SEES_DEPUTY_A),
        "deputy-group-list": Described(
            build=lambda w: listing("deputy-group-list", marker=w.group_a.name), get=ALL_ROLES, marker_roles=SEES_DEPUTY_A
        ),
        "deputy-group-detail": Described(
            build=lambda w: target(w.group_a, "deputy-group-detail", pk=w.group_a.pk), get=SEES_DEPUTY_A
        ),
        "membership-list": Described(
            # A membership shows ids only; no membership of 洪湖市 exists, so its group's id is a fair marker.
            build=lambda w: listing("membership-list", marker=f'"group": {w.group_a.pk}'),
            get=ALL_ROLES,
            marker_roles=SEES_DEPUTY_A,
        ),
        "membership-detail": Described(
            build=lambda w: target(w.membership_a, "membership-detail", pk=w.membership_a.pk), get=SEES_DEPUTY_A
        ),
    }
)

# liaison stations: their pages and API.
from tests.security.routes_stations import STATION_ROUTES  # noqa: E402

DESCRIBED.update(STATION_ROUTES)

# ---- suggestions ----
# Described in their own module: each action starts from the state it needs (the world's draft moved
# on through the services), so every suggestion route has that one description.
from tests.security.routes_suggestions import SUGGESTION_ROUTES  # noqa: E402

DESCRIBED.update(SUGGESTION_ROUTES)

# residents: messages through a station's QR code, hot issues (and suggestions:similar).
from tests.security.routes_residents import PUBLIC_TARGETS as RESIDENT_PUBLIC_TARGETS  # noqa: E402
from tests.security.routes_residents import RESIDENT_PUBLIC, RESIDENT_ROUTES  # noqa: E402

PUBLIC.update(RESIDENT_PUBLIC)
PUBLIC_TARGETS.update(RESIDENT_PUBLIC_TARGETS)
DESCRIBED.update(RESIDENT_ROUTES)

# reports, duty (and the suggestions API's campaign correction).
from tests.security.routes_reports_duty import REPORT_DUTY_PUBLIC, REPORT_DUTY_PUBLIC_TARGETS, REPORT_DUTY_ROUTES  # noqa: E402

PUBLIC.update(REPORT_DUTY_PUBLIC)
PUBLIC_TARGETS.update(REPORT_DUTY_PUBLIC_TARGETS)
DESCRIBED.update(REPORT_DUTY_ROUTES)
