"""Moderator API shapes for bans: what a ban looks like, and the bodies that create and lift one.

Shape only: community.sanctions validates and normalises the values (its messages reach the reader as 400s).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comments.serializers import RejectUnknownFieldsMixin, StrictTextField
from community.models import Sanction
from community.sanctions import NOTE_MAX_LENGTH, VALUE_MAX_LENGTH, State, sanction_state
from config.api import ErrorSerializer
from moderation.guidelines import Guideline

REASONS_HELP = "Guideline codes (see /api/guidelines/); may be empty only when `note` says why; `other` needs a note."
EXPIRES_HELP = "When the ban ends by itself (in the future, with a time zone); null or absent: until lifted."


class SanctionLiftSerializer(serializers.Serializer):
    """Who lifted the ban, when and why."""

    lifted_by = serializers.CharField(source="lifted_by_username")
    lifted_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class SanctionSerializer(serializers.Serializer):
    """A ban on an email address, an email domain, or an IP address or range (append-only)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Sanction.Kind.choices)
    value = serializers.CharField(
        help_text="Lower-case address or domain (covers its sub-domains), or an IP range in CIDR form."
    )
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Guideline.choices))
    note = serializers.CharField(allow_blank=True)
    comment = serializers.IntegerField(
        source="comment_id", allow_null=True, help_text="The comment the ban was made from, if any."
    )
    created_by = serializers.CharField(source="created_by_username")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null: until lifted.")
    state = serializers.SerializerMethodField()
    lift = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=State.choices))
    def get_state(self, sanction: Sanction) -> str:
        return sanction_state(sanction)

    @extend_schema_field(SanctionLiftSerializer(allow_null=True))
    def get_lift(self, sanction: Sanction) -> dict | None:
        lift = getattr(sanction, "lift", None)
        return SanctionLiftSerializer(lift).data if lift is not None else None


class _BanInput(RejectUnknownFieldsMixin, serializers.Serializer):
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Guideline.choices),
        required=False,
        default=list,
        max_length=len(Guideline),
        help_text=REASONS_HELP,
    )
    note = StrictTextField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=EXPIRES_HELP)


class SanctionCreateSerializer(_BanInput):
    """Ban a value directly."""

    kind = serializers.ChoiceField(choices=Sanction.Kind.choices)
    value = StrictTextField(
        min_length=1,
        max_length=VALUE_MAX_LENGTH,
        help_text="email: an address; domain: a domain with at least one dot; ip: an address or a CIDR range "
        "no broader than IPv4 /16 or IPv6 /32.",
    )


class CommentBanSerializer(_BanInput):
    """Ban a comment's author; the value is taken from the comment."""

    target = serializers.ChoiceField(
        choices=Sanction.Kind.choices,
        help_text="Ban the comment's email address, its email domain, or its IP address.",
    )


class SanctionLiftInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Lift a ban, optionally saying why."""

    note = StrictTextField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class SanctionConflictErrorSerializer(ErrorSerializer):
    """409: a ban already in force on the value (`already_banned`), or the ban to lift is no longer in force
    (`already_lifted`, `already_expired`). Nothing was written."""

    sanction = serializers.IntegerField(help_text="The ban in force (already_banned), or the ban not lifted.")
