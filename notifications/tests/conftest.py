"""Fixtures shared by the notifications tests: `receiver`, a real HTTP webhook receiver on 127.0.0.1."""

from notifications.tests.webhook_receiver import receiver  # noqa: F401
