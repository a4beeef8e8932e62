"""Moderator API for reports (under /api/)."""
from __future__ import annotations

urlpatterns: list = []
