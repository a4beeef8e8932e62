from django.conf import settings
from rest_framework import serializers

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


class CommentSubmitSerializer(serializers.Serializer):
    """Input of a new comment (shape only; comment_submit() validates the content).

    Blank values pass through so the reader gets the same messages as on the page.
    """

    author_name = StrictTextField(max_length=settings.COMMENT_AUTHOR_NAME_MAX_LENGTH, allow_blank=True)
    author_email = StrictTextField(max_length=254, allow_blank=True)
    body = StrictTextField(max_length=settings.COMMENT_MAX_LENGTH, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if hasattr(self.initial_data, "keys") else []
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs


class CommentReceiptSerializer(serializers.Serializer):
    """What the submitter gets back: the new comment's id and pending status."""

    id = serializers.IntegerField()
    status = serializers.CharField()
