"""Moderator API shapes for commenter history (moderators only: it names emails and IP addresses)."""

from __future__ import annotations

from rest_framework import serializers

from comments.models import Comment
from moderation.guidelines import Guideline


class HistoryCommentSerializer(serializers.Serializer):
    """One of the author's other comments, or one from the same IP address."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Comment.Status.choices)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Guideline.choices),
        help_text="Guideline codes of the latest decision when the comment is rejected; otherwise empty.",
    )
    submitted_at = serializers.DateTimeField()
    excerpt = serializers.CharField(help_text="The start of the comment's text.")
    article_id = serializers.IntegerField()
    author_name = serializers.CharField()
    author_email = serializers.CharField()


class CommenterHistorySerializer(serializers.Serializer):
    """Who wrote the comment: the author's other comments (same email, compared trimmed and case-insensitively)
    and, separately, recent comments from the same IP address."""

    email = serializers.CharField(help_text="The author's email address, trimmed and in lower case.")
    approved = serializers.IntegerField(help_text="The author's other comments that are approved.")
    rejected = serializers.IntegerField(help_text="The author's other comments that are rejected.")
    pending = serializers.IntegerField(help_text="The author's other comments that are pending.")
    total = serializers.IntegerField(help_text="The author's other comments.")
    first_seen = serializers.DateTimeField(
        allow_null=True, help_text="When the author's first comment (this one included) was submitted."
    )
    rejection_rate = serializers.FloatField(
        allow_null=True, help_text="rejected / (approved + rejected) of the other comments; null when none was decided."
    )
    comments = HistoryCommentSerializer(
        many=True, help_text="The author's other comments, newest first (at most 20; `total` counts them all)."
    )
    same_ip_days = serializers.IntegerField(help_text="How many days back `same_ip` reaches (COMMUNITY_SAME_IP_DAYS).")
    same_ip = HistoryCommentSerializer(
        many=True,
        help_text="Comments from the same IP address in the last `same_ip_days` days, any author, "
        "newest first (at most 20; empty when the address is unknown).",
    )
