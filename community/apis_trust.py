"""Moderator API for trust (under /api/)."""
from __future__ import annotations

urlpatterns: list = []
