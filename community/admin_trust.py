"""Admin for trust (filled in by the trust work)."""
from __future__ import annotations


def trust_panel_context(request, comment) -> dict:
    """Extra context for the trust controls on a comment's admin page (templates/admin/community/_commenter_trust.html)."""
    return {}
