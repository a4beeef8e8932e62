"""Moderator API shapes for trust (moderators only: they name commenters' email addresses)."""

from __future__ import annotations

from rest_framework import serializers

from comments.serializers import RejectUnknownFieldsMixin, StrictEmailField, StrictTextField
from community.models import TrustChange
from community.trust import NOTE_MAX_LENGTH
from config.api import ErrorSerializer

EMAIL_MAX_LENGTH = 254


class TrustChangeSerializer(serializers.ModelSerializer):
    """One logged trust change (append-only): an address marked trusted, or its trust taken back."""

    changed_by = serializers.CharField(source="changed_by_username", help_text="The moderator's username.")

    class Meta:
        model = TrustChange
        fields = ["id", "email", "trusted", "note", "changed_by", "changed_at"]
        read_only_fields = fields
        extra_kwargs = {
            "email": {"help_text": "The commenter's email address, trimmed and in lower case."},
            "trusted": {"help_text": "true: marked trusted; false: trust taken back."},
        }


class TrustChangeRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Mark a commenter trusted (`trusted: true`) or take trust back (`trusted: false`)."""

    email = StrictEmailField(
        min_length=1,
        max_length=EMAIL_MAX_LENGTH,
        help_text="The commenter's email address (compared trimmed and in lower case).",
    )
    trusted = serializers.BooleanField(help_text="true to mark trusted, false to take trust back.")
    note = StrictTextField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")

    def to_internal_value(self, data):
        # BooleanField also takes "yes", 1, "on"...: the documented type is a JSON boolean, so only that passes.
        if hasattr(data, "get") and "trusted" in data and not isinstance(data["trusted"], bool):
            raise serializers.ValidationError({"trusted": ["Must be true or false."]})
        return super().to_internal_value(data)


class TrustSuggestionSerializer(serializers.Serializer):
    """The system's hint (never acted on by the system)."""

    suggested = serializers.BooleanField(
        help_text="Not trusted, at least `threshold` approved comments and none rejected."
    )
    approved = serializers.IntegerField(help_text="The address's approved comments.")
    rejected = serializers.IntegerField(help_text="The address's rejected comments.")
    threshold = serializers.IntegerField(
        help_text="Approved comments that suggest trust (COMMUNITY_TRUST_SUGGEST_APPROVED; 0: no suggestions)."
    )


class CommenterTrustSerializer(serializers.Serializer):
    """Whether a commenter is trusted now, the change that made it so, and the system's suggestion."""

    email = serializers.CharField(help_text="The address, trimmed and in lower case.")
    trusted = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True, help_text="When the latest change was made; null: never.")
    changed_by = serializers.CharField(allow_null=True, help_text="Who made the latest change.")
    note = serializers.CharField(allow_blank=True, help_text="The latest change's note.")
    change_id = serializers.IntegerField(allow_null=True, help_text="The latest change's id in the trust log.")
    suggestion = TrustSuggestionSerializer()


class CommenterTrustQuerySerializer(serializers.Serializer):
    """Whose trust to show."""

    email = serializers.CharField(max_length=EMAIL_MAX_LENGTH, help_text="The commenter's email address.")


class NoTrustChangeErrorSerializer(ErrorSerializer):
    """409: the address is already in the asked-for state; nothing was written."""

    trusted = serializers.BooleanField(help_text="Whether the address is trusted now.")
    changed_by = serializers.CharField(allow_null=True, help_text="Who made the change now in force.")
    since = serializers.DateTimeField(allow_null=True)


class CommenterStandingSerializer(serializers.Serializer):
    """Where the comment's author stands: banned, trusted, trust suggested (moderator API comment detail)."""

    banned = serializers.BooleanField(help_text="A ban in force covers the address, its domain or the IP address.")
    ban_id = serializers.IntegerField(allow_null=True, help_text="The newest such ban; null when not banned.")
    trusted = serializers.BooleanField()
    trust_suggested = serializers.BooleanField(
        help_text="Not trusted, with at least COMMUNITY_TRUST_SUGGEST_APPROVED approved comments and none rejected."
    )
