"""Admin for bans (filled in by the sanctions work)."""
from __future__ import annotations


def ban_panel_context(request, comment) -> dict:
    """Extra context for the ban controls on a comment's admin page (templates/admin/community/_commenter_ban.html)."""
    return {}
