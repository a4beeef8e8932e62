"""Public community pages: the reader's report form."""
from __future__ import annotations

urlpatterns: list = []
