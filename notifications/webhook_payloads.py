"""What a webhook says about a comment, a decision or a report resolution: ids, the article, status,
reasons and the checks' findings. Never personal data.

Left out on purpose: the author's name and email, IP address and user agent, the comment's user, the
body (receivers fetch it through the moderator API if they need it), moderators' notes and readers'
report notes (free text that may name people). A finding about the author's metadata (the name or
email imitating staff or advertising) carries that metadata as its evidence, so a finding's evidence
is sent only when it is a span of the body; a moderator whose username is an email address is named
by id instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from comments.models import Comment
from moderation.models import ModerationDecision


def timestamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC ("2025-01-31T12:00:00.123456Z")."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def staff_name(username: str, user_id: int | None) -> str:
    """A staff member's username as sent; "user <id>" when the username is an email address."""
    if not username:
        return "system"
    try:
        validate_email(username)
    except ValidationError:
        return username
    return f"user {user_id}" if user_id else "staff"


def _username(row: Any, field: str) -> str:
    """The username a log row names in `field` (its stored copy when it keeps one), or ""."""
    stored = getattr(row, f"{field}_username", "")
    if stored:
        return stored
    return getattr(row, field).get_username() if getattr(row, f"{field}_id") else ""


def comment_data(comment: Comment) -> dict[str, Any]:
    article = comment.article
    return {
        "id": comment.pk,
        "status": comment.status,
        "submitted_at": timestamp(comment.submitted_at),
        "decided_at": timestamp(comment.decided_at),
        "article": {"id": article.pk, "slug": article.slug, "title": article.title},
        "checks": checks_data(comment),
    }


def checks_data(comment: Comment) -> dict[str, Any]:
    stored = comment.findings or {}
    body = comment.body
    findings = []
    for finding in stored.get("findings", []):
        item = {"category": finding.get("category"), "rule": finding.get("rule"), "score": finding.get("score")}
        start, end = finding.get("start", 0), finding.get("end", 0)
        # Only a span of the body is the comment's text; anything else is the author's metadata.
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body):
            item.update(start=start, end=end, evidence=body[start:end])
        findings.append(item)
    data: dict[str, Any] = {
        "categories": comment.flag_list,
        "priority": comment.priority,
        "findings": findings,
        "model_version": comment.checks_model_version or None,
    }
    if stored.get("model_scores"):
        data["model_scores"] = stored["model_scores"]
    return data


def decision_data(decision: ModerationDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "verdict": decision.verdict,
        "previous_status": decision.previous_status,
        "reasons": list(decision.reasons or []),
        "decided_by": staff_name(_username(decision, "moderator"), decision.moderator_id),
        "decided_at": timestamp(decision.decided_at),
    }


def comment_submitted_data(comment: Comment) -> dict[str, Any]:
    return {"comment": comment_data(comment)}


def comment_decided_data(comment: Comment, decision: ModerationDecision) -> dict[str, Any]:
    return {"comment": comment_data(comment), "decision": decision_data(decision)}


def reports_resolved_data(*, resolution: Any, comment: Comment, reports: int) -> dict[str, Any]:
    """`resolution` is a community.models.ReportResolution (upheld: `decision` is the rejection)."""
    return {
        "comment": comment_data(comment),
        "resolution": {
            "id": resolution.pk,
            "outcome": resolution.outcome,
            "reports_closed": reports,
            "resolved_by": staff_name(_username(resolution, "moderator"), resolution.moderator_id),
            "resolved_at": timestamp(resolution.resolved_at),
            "decision_id": resolution.decision_id,
        },
    }
