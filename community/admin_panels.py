"""What a comment's admin page shows about its commenter beyond the history: ban and trust controls."""

from __future__ import annotations

from django.http import HttpRequest

from comments.models import Comment
from community.admin_sanctions import ban_panel_context
from community.admin_trust import trust_panel_context


def commenter_panel_context(request: HttpRequest, comment: Comment) -> dict:
    return {**ban_panel_context(request, comment), **trust_panel_context(request, comment)}
