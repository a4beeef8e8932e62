"""Privacy API shapes: the erasure request and its audit row, and the access export."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from rest_framework import serializers

from comments.serializers import RejectUnknownFieldsMixin, StrictEmailField, StrictTextField
from config.api import IdConverter
from privacy.models import PersonalDataErasure
from privacy.services import REASON_MAX_LENGTH


class ErasureRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Whose data to erase (an address, or one of their comments: exactly one), why, and whether rejected texts go too."""

    email = StrictEmailField(required=False, max_length=254, help_text="The commenter's email address.")
    comment_id = serializers.IntegerField(
        required=False, min_value=1, max_value=IdConverter.MAX, help_text="One of the commenter's comments."
    )
    reason = StrictTextField(
        min_length=1, max_length=REASON_MAX_LENGTH, help_text="Why (the request and its date); kept in the audit row."
    )
    erase_rejected_bodies = serializers.BooleanField(
        required=False, default=False, help_text="Also replace the text of the commenter's rejected comments."
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if ("email" in attrs) == ("comment_id" in attrs):
            raise serializers.ValidationError({"email": ["Give either `email` or `comment_id`, not both or neither."]})
        return attrs

    def validate_email(self, value: str) -> str:
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class ErasureSerializer(serializers.ModelSerializer):
    """The audit row of an erasure (never the erased address: only the placeholder that replaced it)."""

    requested_by = serializers.CharField(source="requested_by_name", help_text="Username, or `system`.")

    class Meta:
        model = PersonalDataErasure
        fields = [
            "id",
            "requested_by",
            "reason",
            "erase_rejected_bodies",
            "started_at",
            "completed_at",
            "comments_erased",
            "bodies_erased",
            "articles_affected",
            "placeholder_email",
        ]
        read_only_fields = fields


class ExportQuerySerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address (trimmed, case-insensitive).")


class ExportArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ExportCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = ExportArticleSerializer()
    author_name = serializers.CharField()
    author_email = serializers.CharField()
    body = serializers.CharField()
    status = serializers.CharField()
    submitted_at = serializers.CharField()
    decided_at = serializers.CharField(allow_null=True)
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField(allow_blank=True)
    notify_author = serializers.BooleanField()
    account = serializers.CharField(allow_null=True, help_text="The linked user account's username, if any.")
    flagged_categories = serializers.ListField(child=serializers.CharField())


class ExportDecisionSerializer(serializers.Serializer):
    comment = serializers.IntegerField()
    verdict = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)
    previous_status = serializers.CharField()
    decided_at = serializers.CharField()
    decided_by = serializers.CharField(help_text="`moderator` or `system` (moderators' names are staff data).")


class ExportBanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    value = serializers.CharField()
    comment = serializers.IntegerField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.CharField()
    expires_at = serializers.CharField(allow_null=True)
    lifted_at = serializers.CharField(allow_null=True)


class ExportTrustSerializer(serializers.Serializer):
    trusted = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)
    changed_at = serializers.CharField()


class ExportErasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    started_at = serializers.CharField()
    completed_at = serializers.CharField(allow_null=True)
    comments_erased = serializers.IntegerField()
    bodies_erased = serializers.IntegerField()


class PersonalDataExportSerializer(serializers.Serializer):
    """Everything stored about one address (privacy.selectors.personal_data_export)."""

    email = serializers.CharField()
    exported_at = serializers.CharField()
    comments = ExportCommentSerializer(many=True)
    decisions = ExportDecisionSerializer(many=True)
    bans = ExportBanSerializer(many=True)
    trust_changes = ExportTrustSerializer(many=True)
    erasures = ExportErasureSerializer(many=True)
