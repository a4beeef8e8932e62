"""The signed-in account behind a staff request, typed for the services' `actor` / `moderator` arguments.

The admin and the moderator API reach the services only after a permission check that an anonymous
visitor fails (`can_moderate` and the like want an active account with a permission), so
`request.user` is an account there; `staff_user` says so to the type checker and answers 403 should
a view ever call it without such a check.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def staff_user(request: HttpRequest | Request) -> User:
    """`request.user` as an account; PermissionDenied (403) for an anonymous visitor."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
