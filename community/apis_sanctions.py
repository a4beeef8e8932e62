"""Moderator API for sanctions (under /api/)."""
from __future__ import annotations

urlpatterns: list = []
