"""The demo seeder's shared context.

``seed_demo`` walks INSTALLED_APPS in dependency order and calls ``<app>.demo.seed(ctx)`` where an
app has one, so each app seeds its own data and no lower app imports a higher one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class DemoContext:
    password: str
    seed: int
    scale: str
    out: TextIO
    rng: random.Random = field(init=False)
    # Objects one app's seeder hands to the next (townships, users, deputies…).
    data: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def say(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()
