"""Demo users, one per role; later apps link them to a deputy or a department."""

from __future__ import annotations

from accounts.models import Role, User

# (username, what it is) — printed by `seed_demo` and `make run`.
DEMO_USERS = [
    ("provincial", "省人大常委会（湖北省）"),
    ("xuanen", "县人大常委会（宣恩县）"),
    ("honghu", "市人大常委会（洪湖市）"),
    ("xuanen-township", "乡镇人大工作人员（宣恩县珠山镇）"),
    ("honghu-township", "乡镇人大工作人员（洪湖市峰口镇）"),
    ("deputy", "人大代表（宣恩县）"),
    ("transport-xuanen", "承办单位（宣恩县交通运输局）"),
    ("cosigner", "人大代表，附议向明华的建议（宣恩县珠山镇）"),
]


def make_user(ctx, username: str, *, full_name: str, role: str, region) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "role": role, "region": region}
    )
    if created:
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
    return user


def seed(ctx) -> None:
    townships = ctx.data["townships"]
    users = {
        "provincial": make_user(ctx, "provincial", full_name="省人大代表工作处", role=Role.PROVINCIAL_OFFICE, region=ctx.data["province"]),
        "xuanen": make_user(ctx, "xuanen", full_name="宣恩县人大常委会", role=Role.CONGRESS_OFFICE, region=ctx.data["xuanen"]),
        "honghu": make_user(ctx, "honghu", full_name="洪湖市人大常委会", role=Role.CONGRESS_OFFICE, region=ctx.data["honghu"]),
        "xuanen-township": make_user(
            ctx, "xuanen-township", full_name="珠山镇人大", role=Role.TOWNSHIP_STAFF, region=townships["422825100"]
        ),
        "honghu-township": make_user(
            ctx, "honghu-township", full_name="峰口镇人大", role=Role.TOWNSHIP_STAFF, region=townships["421083101"]
        ),
        "deputy": make_user(ctx, "deputy", full_name="向明华", role=Role.DEPUTY, region=townships["422825100"]),
    }
    ctx.data["users"] = users
    ctx.say(f"  用户 {len(users)} 个")
