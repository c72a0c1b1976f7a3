"""Exceptions shared by every app's services.

Services raise these; pages turn them into a message and the API into a JSON error, so the rule
lives in one place and both front ends say the same thing.
"""


class Conflict(Exception):
    """The object moved on under the caller: an illegal or stale move. HTTP 409 in the API."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code


class PermissionRefused(Exception):
    """The actor's role may not take this action on an object they can see. HTTP 403 in the API."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
