from typing import TYPE_CHECKING

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.serializers import ArticleDetailSerializer, ArticleListSerializer
from comments.models import Comment


class PublicCommentSerializer(serializers.ModelSerializer):
    """An approved comment as the public sees it: no email, no IP address."""

    class Meta:
        model = Comment
        fields = ["id", "author_name", "body", "submitted_at"]
        read_only_fields = fields


class StrictTextField(serializers.CharField):
    """A string field that refuses numbers, booleans and other non-strings."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false; "true", 1 and other look-alikes are refused, as the schema says."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field({"type": "string", "format": "email"})
class StrictEmailField(StrictTextField):
    """An email address; comment_submit() checks it, so the reader gets the page's messages."""


if TYPE_CHECKING:  # what the mixin is combined with, for the type checker only
    _SerializerBase = serializers.Serializer
else:
    _SerializerBase = object


class RejectUnknownFieldsMixin(_SerializerBase):
    """Refuse fields the serializer does not declare, so typos and extra fields never pass silently."""

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if hasattr(self.initial_data, "keys") else []
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().validate(attrs)


class CommentSubmitSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Input of a new comment (shape only; comment_submit() validates the content).

    Blank values pass through so the reader gets the same messages as on the page.
    """

    # min_length documents that a value is needed (`minLength: 1`); a blank one still skips it
    # (allow_blank) and gets comment_submit()'s message, the same as on the page.
    author_name = StrictTextField(min_length=1, max_length=settings.COMMENT_AUTHOR_NAME_MAX_LENGTH, allow_blank=True)
    author_email = StrictEmailField(min_length=1, max_length=254, allow_blank=True)
    body = StrictTextField(min_length=1, max_length=settings.COMMENT_MAX_LENGTH, allow_blank=True)
    notify_author = StrictBooleanField(
        required=False,
        default=False,
        help_text="Email the author when a moderator approves or rejects the comment (one email per decision, "
        "with a one-click unsubscribe link).",
    )


class CommentReceiptSerializer(serializers.Serializer):
    """What the submitter gets back: the new comment's id, status and the secret receipt."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Comment.Status.choices)
    receipt = serializers.CharField(
        help_text="Secret token for GET /api/comments/{id}/status/; keep it, it is shown only once."
    )


class CommentStatusSerializer(serializers.Serializer):
    """Where a submitted comment stands; `reasons` are guideline codes, given only on rejection."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Comment.Status.choices)
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Guideline codes (see /api/guidelines/).")


class ArticleWithCountListSerializer(ArticleListSerializer):
    """An article in a list, with how many approved comments it has."""

    approved_comment_count = serializers.IntegerField(read_only=True)

    class Meta(ArticleListSerializer.Meta):
        fields = ArticleListSerializer.Meta.fields + ["approved_comment_count"]


class ArticleWithCountDetailSerializer(ArticleDetailSerializer):
    """One article with its body and how many approved comments it has."""

    approved_comment_count = serializers.IntegerField(read_only=True)

    class Meta(ArticleDetailSerializer.Meta):
        fields = ArticleDetailSerializer.Meta.fields + ["approved_comment_count"]
